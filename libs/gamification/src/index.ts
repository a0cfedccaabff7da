export * from './constants';
export * from './achievements';
export * from './user-achievements';
export * from './rider-metrics';
export * from './flows/progress';
export * from './validation';
export * from './refusals';
export * from './queries';
