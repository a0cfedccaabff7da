export * from './audit-logs';
export * from './actor';
export * from './validation';
export * from './refusals';
export * from './retention';
