export * from './constants';
export * from './notifications';
export * from './inboxes';
export * from './refusals';
export * from './inbox';
export * from './maintenance';
