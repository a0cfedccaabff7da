export * from './columns';
export * from './checks';
export * from './rules';
export * from './zod';
export * from './errors';
export * from './access';
export * from './request';
export * from './cursor';
