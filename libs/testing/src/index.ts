export * from './engine';
export * from './database';
export * from './fixture';
export * from './errors';
export * from './agreement';
export * from './arbitraries';
export * from './access';
export * from './app-role';
