import { sql } from 'drizzle-orm';
import { check, foreignKey, integer, pgPolicy, pgTable, primaryKey, uuid } from 'drizzle-orm/pg-core';
import { users } from '@skatehubba/identity';
import { authenticatedRole, currentRider, ownerRole, readonlyRole } from '@skatehubba/schema-kit';

/**
 * A rider's unread count, kept by the statement triggers on `notifications`
 * (`notifications_inbox_*_trg`), so the badge on the app's bell is one
 * primary-key lookup however long the inbox grows, where a count of unread
 * rows would read every one of them.
 *
 * Not audited and without timestamps: a derived counter over `notifications`.
 *
 * FK policy: `user_id` CASCADE.
 *
 * Access (RLS enabled and forced): a rider reads their own; no role writes.
 */
export const notificationInboxes = pgTable(
  'notification_inboxes',
  {
    user_id: uuid('user_id').notNull(),
    unread_count: integer('unread_count').notNull(),
  },
  (t) => [
    primaryKey({ name: 'notification_inboxes_pk', columns: [t.user_id] }),
    foreignKey({ name: 'notification_inboxes_user_id_fk', columns: [t.user_id], foreignColumns: [users.id] }).onDelete('cascade'),
    check('notification_inboxes_unread_count_ck', sql`${t.unread_count} >= 0`),
    pgPolicy('notification_inboxes_own_read_pol', { for: 'select', to: authenticatedRole, using: sql`${t.user_id} = ${currentRider}` }),
    pgPolicy('notification_inboxes_readonly_pol', { for: 'select', to: readonlyRole, using: sql`true` }),
    // The notifications triggers (SECURITY DEFINER) keep the count.
    pgPolicy('notification_inboxes_owner_pol', { for: 'all', to: ownerRole, using: sql`true`, withCheck: sql`true` }),
  ],
).enableRLS();

export type NotificationInbox = typeof notificationInboxes.$inferSelect;
