import { sql } from 'drizzle-orm';
import { boolean, check, pgPolicy, pgTable, primaryKey } from 'drizzle-orm/pg-core';
import { ownerRole, readonlyRole, timestamptz } from '@skatehubba/schema-kit';

/**
 * Where the leaderboards' window starts: one row. The leaderboards count the
 * landed live check-ins created at or after `starts_at`, the start of the UTC
 * day 29 days before today (30 days, today included). The check-in triggers
 * add a check-in to the counts when it is in the window; `roll_leaderboards()`
 * (the maintenance job, daily) moves `starts_at` forward and takes the days it
 * leaves behind out of the counts. Until it runs, the oldest days stay in: that
 * is the leaderboards' only staleness (see the README).
 *
 * Access (RLS enabled and forced): the owner's triggers and functions read and
 * write it; support reads it. The API needs no part of it: the leaderboards
 * it reads are already counted over the window.
 */
export const leaderboardWindow = pgTable(
  'leaderboard_window',
  {
    // A key that can only be true: the table holds at most one row.
    id: boolean('id').notNull(),
    starts_at: timestamptz('starts_at').notNull(),
  },
  (t) => [
    primaryKey({ name: 'leaderboard_window_pk', columns: [t.id] }),
    // One window for every leaderboard.
    check('leaderboard_window_single_ck', sql`${t.id}`),
    pgPolicy('leaderboard_window_readonly_pol', { for: 'select', to: readonlyRole, using: sql`true` }),
    pgPolicy('leaderboard_window_owner_pol', { for: 'all', to: ownerRole, using: sql`true`, withCheck: sql`true` }),
  ],
).enableRLS();
