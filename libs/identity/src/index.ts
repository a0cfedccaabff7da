export * from './constants';
export * from './users';
export * from './sessions';
export * from './rider-erasures';
export * from './validation';
export * from './refusals';
export * from './lookups';
export * from './writes';
