import { sql } from 'drizzle-orm';
import { check, foreignKey, index, integer, pgPolicy, pgTable, primaryKey, uuid } from 'drizzle-orm/pg-core';
import { users } from '@skatehubba/identity';
import { anonymousRole, authenticatedRole, ownerRole, readonlyRole } from '@skatehubba/schema-kit';

/**
 * A rider's landed live check-ins in the leaderboard window
 * (`leaderboard_window`), everywhere: the leaderboard, read top-k from
 * `leaderboard_entries_landed_idx` in O(log n + k) whatever the number of
 * check-ins. Kept by the check-in triggers (`checkins_leaderboard_*_trg`) in
 * the statement that writes a check-in, and by `roll_leaderboards()`.
 *
 * Not audited and without timestamps: a derived counter over the audited
 * check-ins. FK policy: `user_id` CASCADE.
 *
 * Access (RLS enabled and forced): public, as the leaderboard is; only the
 * owner's triggers and functions write it.
 */
export const leaderboardEntries = pgTable(
  'leaderboard_entries',
  {
    user_id: uuid('user_id').notNull(),
    landed: integer('landed').notNull(),
  },
  (t) => [
    primaryKey({ name: 'leaderboard_entries_pk', columns: [t.user_id] }),
    foreignKey({ name: 'leaderboard_entries_user_id_fk', columns: [t.user_id], foreignColumns: [users.id] }).onDelete('cascade'),
    check('leaderboard_entries_landed_ck', sql`${t.landed} >= 0`),
    // Serves leaderboard(): the top k riders, most landed first, keyset on (landed, user_id), both descending so a
    // row comparison seeks straight to any page.
    index('leaderboard_entries_landed_idx')
      .on(t.landed.desc(), t.user_id.desc())
      .where(sql`landed > 0`),
    pgPolicy('leaderboard_entries_read_pol', { for: 'select', to: [anonymousRole, authenticatedRole, readonlyRole], using: sql`true` }),
    pgPolicy('leaderboard_entries_owner_pol', { for: 'all', to: ownerRole, using: sql`true`, withCheck: sql`true` }),
  ],
).enableRLS();

export type LeaderboardEntryRow = typeof leaderboardEntries.$inferSelect;
