export * from './constants';
export * from './notifications';
export * from './inboxes';
