export * from './engine';
export * from './database';
export * from './errors';
export * from './agreement';
export * from './arbitraries';
