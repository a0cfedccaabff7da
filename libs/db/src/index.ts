export * as schema from './schema';
export * from './schema';
export * from './client';
export * from './data-dir';
export * from './migrate';
export * from './errors';
export * from './api';
export * from './urls';
