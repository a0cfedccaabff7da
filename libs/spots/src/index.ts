export * from './constants';
export * from './spots';
export * from './saved-spots';
export * from './checkins';
export * from './errors';
export * from './archive';
export * from './validation';
export * from './refusals';
