export * from './engine';
export * from './database';
export * from './errors';
