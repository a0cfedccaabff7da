import { sql } from 'drizzle-orm';
import { check, foreignKey, index, pgPolicy, pgTable, primaryKey, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { notificationKindEnum } from '@skatehubba/enums/pg';
import { achievements } from '@skatehubba/gamification';
import { users } from '@skatehubba/identity';
import { authenticatedRole, createdAt, currentRider, idColumn, ownerRole, readonlyRole, timestamptz } from '@skatehubba/schema-kit';
import { checkins } from '@skatehubba/spots';

/**
 * One item in a rider's inbox. Written by the database in the transaction of
 * the event it announces: an achievement unlocked by a check-in (the check-in
 * triggers) or by `recordProgress()`. `created_at` is the moment of the event
 * (the unlock), `read_at` when the rider marked it read.
 *
 * FK policy: `user_id` CASCADE (the inbox goes with the account);
 * `achievement_id` CASCADE (a notice about an achievement that no longer
 * exists means nothing; riders who unlocked one hold a RESTRICT on it anyway);
 * `checkin_id` SET NULL (the notice outlives the check-in that caused it).
 *
 * Not audited: every notice follows from an audited change (the check-in,
 * the unlock in `user_achievements`), and a read mark is not a change the
 * trail answers questions about.
 *
 * Access (RLS enabled and forced): a rider reads and marks read (`read_at`,
 * the one column granted) only their own; `skatehubba_readonly` reads all;
 * only the owner's triggers and functions insert or delete.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: idColumn(),
    user_id: uuid('user_id').notNull(),
    kind: notificationKindEnum('kind').notNull(),
    achievement_id: uuid('achievement_id'),
    checkin_id: uuid('checkin_id'),
    created_at: createdAt(),
    read_at: timestamptz('read_at'),
  },
  (t) => [
    primaryKey({ name: 'notifications_pk', columns: [t.id] }),
    foreignKey({ name: 'notifications_user_id_fk', columns: [t.user_id], foreignColumns: [users.id] }).onDelete('cascade'),
    foreignKey({ name: 'notifications_achievement_id_fk', columns: [t.achievement_id], foreignColumns: [achievements.id] }).onDelete(
      'cascade',
    ),
    foreignKey({ name: 'notifications_checkin_id_fk', columns: [t.checkin_id], foreignColumns: [checkins.id] }).onDelete('set null'),
    // An unlock notice names what was unlocked.
    check('notifications_payload_ck', sql`${t.kind} <> 'achievement_unlocked' OR ${t.achievement_id} IS NOT NULL`),
    check('notifications_read_at_ck', sql`${t.read_at} IS NULL OR ${t.read_at} >= ${t.created_at}`),
    // An achievement unlocks once per rider, so it is announced once: a retried
    // unlock cannot fill the inbox twice.
    uniqueIndex('notifications_user_achievement_uq')
      .on(t.user_id, t.achievement_id)
      .where(sql`kind = 'achievement_unlocked'`),
    // Serves notificationsOf(): a rider's inbox, newest first, keyset on (created_at, id).
    index('notifications_user_id_created_at_idx').on(t.user_id, t.created_at.desc(), t.id.desc()),
    // Serves the CASCADE when an achievement is deleted (the unique index leads with user_id).
    index('notifications_achievement_id_idx').on(t.achievement_id),
    // Serves the SET NULL on every check-in delete, erasure's thousands included; most notices have one.
    index('notifications_checkin_id_idx')
      .on(t.checkin_id)
      .where(sql`checkin_id IS NOT NULL`),
    // Serves prune_notifications(): read notices past the retention period, oldest first.
    index('notifications_read_at_idx')
      .on(t.read_at)
      .where(sql`read_at IS NOT NULL`),
    pgPolicy('notifications_own_read_pol', { for: 'select', to: authenticatedRole, using: sql`${t.user_id} = ${currentRider}` }),
    pgPolicy('notifications_own_mark_pol', {
      for: 'update',
      to: authenticatedRole,
      using: sql`${t.user_id} = ${currentRider}`,
      withCheck: sql`${t.user_id} = ${currentRider}`,
    }),
    pgPolicy('notifications_readonly_pol', { for: 'select', to: readonlyRole, using: sql`true` }),
    // The unlock triggers, record_progress() and prune_notifications() (SECURITY DEFINER) write as the owner.
    pgPolicy('notifications_owner_pol', { for: 'all', to: ownerRole, using: sql`true`, withCheck: sql`true` }),
  ],
).enableRLS();

export type Notification = typeof notifications.$inferSelect;
