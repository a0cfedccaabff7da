import { sql } from 'drizzle-orm';
import { check, foreignKey, index, integer, pgPolicy, pgTable, primaryKey, uuid } from 'drizzle-orm/pg-core';
import { users } from '@skatehubba/identity';
import { anonymousRole, authenticatedRole, ownerRole, readonlyRole } from '@skatehubba/schema-kit';
import { spots } from './spots';

/**
 * A rider's landed live check-ins at one spot in the leaderboard window: the
 * spot leaderboards, read top-k from `spot_leaderboard_entries_spot_landed_idx`. One
 * row per (spot, rider), so riders checking in at the same spot at once move
 * different rows and never wait for each other. Kept like `leaderboard_entries`.
 *
 * Not audited and without timestamps: a derived counter. FK policy:
 * `spot_id` CASCADE (a spot without check-ins may be deleted; its counts mean
 * nothing then), `user_id` CASCADE.
 *
 * Access (RLS enabled and forced): public; only the owner's triggers and
 * functions write it.
 */
export const spotLeaderboardEntries = pgTable(
  'spot_leaderboard_entries',
  {
    spot_id: uuid('spot_id').notNull(),
    user_id: uuid('user_id').notNull(),
    landed: integer('landed').notNull(),
  },
  (t) => [
    primaryKey({ name: 'spot_leaderboard_entries_pk', columns: [t.spot_id, t.user_id] }),
    foreignKey({ name: 'spot_leaderboard_entries_spot_id_fk', columns: [t.spot_id], foreignColumns: [spots.id] }).onDelete('cascade'),
    foreignKey({ name: 'spot_leaderboard_entries_user_id_fk', columns: [t.user_id], foreignColumns: [users.id] }).onDelete('cascade'),
    check('spot_leaderboard_entries_landed_ck', sql`${t.landed} >= 0`),
    // Serves spotLeaderboard(): the top k riders at a spot, keyset on (landed, user_id), both descending so a
    // row comparison seeks straight to any page.
    index('spot_leaderboard_entries_spot_landed_idx')
      .on(t.spot_id, t.landed.desc(), t.user_id.desc())
      .where(sql`landed > 0`),
    // Serves the CASCADE on account erasure (the key leads with spot_id).
    index('spot_leaderboard_entries_user_id_idx').on(t.user_id),
    pgPolicy('spot_leaderboard_entries_read_pol', {
      for: 'select',
      to: [anonymousRole, authenticatedRole, readonlyRole],
      using: sql`true`,
    }),
    pgPolicy('spot_leaderboard_entries_owner_pol', { for: 'all', to: ownerRole, using: sql`true`, withCheck: sql`true` }),
  ],
).enableRLS();

export type SpotLeaderboardEntryRow = typeof spotLeaderboardEntries.$inferSelect;
