/**
 * Read notifications older than this are deleted by `prune_notifications()`
 * (the maintenance job). Unread ones are kept however old: the rider has not
 * seen them yet.
 */
export const NOTIFICATION_READ_RETENTION_DAYS = 90;
