import { sql } from 'drizzle-orm';
import { check, foreignKey, index, pgPolicy, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { stanceEnum, trickStatusEnum } from '@skatehubba/enums/pg';
import { users } from '@skatehubba/identity';
import {
  anonymousRole,
  authenticatedRole,
  currentRider,
  idColumn,
  lengthCheck,
  literal,
  mutableTimestamps,
  ownerRole,
  readonlyRole,
  signedUrlCheck,
  timestamptz,
} from '@skatehubba/schema-kit';
import { CHECKIN_DEDUPE_ORIGIN, CHECKIN_DEDUPE_WINDOW, CHECKIN_NOTE_MAX_LENGTH, TRICK_NAME_MAX_LENGTH } from './constants';
import { spots } from './spots';

/**
 * A rider at a spot at a moment, with the trick they tried and how it went.
 * Written by the app's check-in call; audited.
 *
 * FK policy: `user_id` CASCADE (a rider's activity goes with their account);
 * `spot_id` RESTRICT (a spot with history is archived, never deleted, and this
 * FK is what refuses the delete).
 *
 * Archived check-ins (`archived_at` set by `archiveSpot()`) are kept and drop
 * out of the dedupe rule and of active queries.
 *
 * Access (RLS enabled and forced; column grants in `0005_privileges`):
 * - live check-ins are public (feeds, leaderboards); a rider also sees their
 *   own archived ones. `skatehubba_readonly` reads all.
 * - a rider checks in only as themself. `created_at` is the database's clock
 *   (the duplicate rule buckets on it, so a client must not choose it), as
 *   are `id`, `updated_at` and `archived_at` (`archive_spot()` only).
 * - a rider edits the trick, status, stance, note and media of their own live
 *   check-ins (never the rider or the spot) and deletes only their own.
 */
export const checkins = pgTable(
  'checkins',
  {
    id: idColumn(),
    user_id: uuid('user_id').notNull(),
    spot_id: uuid('spot_id').notNull(),
    trick: text('trick').notNull(),
    trick_status: trickStatusEnum('trick_status').notNull(),
    stance: stanceEnum('stance').notNull(),
    note: text('note'),
    media_url: text('media_url'),
    archived_at: timestamptz('archived_at'),
    ...mutableTimestamps(),
  },
  (t) => [
    primaryKey({ name: 'checkins_pk', columns: [t.id] }),
    foreignKey({ name: 'checkins_user_id_fk', columns: [t.user_id], foreignColumns: [users.id] }).onDelete('cascade'),
    foreignKey({ name: 'checkins_spot_id_fk', columns: [t.spot_id], foreignColumns: [spots.id] }).onDelete('restrict'),
    lengthCheck('checkins_trick_ck', t.trick, 1, TRICK_NAME_MAX_LENGTH),
    check('checkins_note_ck', sql`${t.note} IS NULL OR char_length(${t.note}) <= ${sql.raw(String(CHECKIN_NOTE_MAX_LENGTH))}`),
    check('checkins_archived_at_ck', sql`${t.archived_at} IS NULL OR ${t.archived_at} >= ${t.created_at}`),
    signedUrlCheck('checkins_media_url_ck', t.media_url),
    // The duplicate-check-in rule: one live check-in per rider, spot and
    // 10-minute bucket (see CHECKIN_DEDUPE_WINDOW for the bucket edge).
    // date_bin(interval, timestamptz, timestamptz) is IMMUTABLE; date_trunc on
    // timestamptz is not and would be refused in an index.
    uniqueIndex('checkins_user_spot_window_uq')
      .on(
        t.user_id,
        t.spot_id,
        sql`date_bin(${literal(CHECKIN_DEDUPE_WINDOW)}::interval, ${t.created_at}, ${literal(CHECKIN_DEDUPE_ORIGIN)}::timestamptz)`,
      )
      .where(sql`archived_at IS NULL`),
    // Serves riderHistory() (keyset on created_at, id: newest first) and the CASCADE on user erasure.
    index('checkins_user_id_created_at_idx').on(t.user_id, t.created_at.desc(), t.id.desc()),
    // Serves spotFeed() (keyset), spotLeaderboard(), the RESTRICT check on spot delete and the archival update.
    index('checkins_spot_id_created_at_idx').on(t.spot_id, t.created_at.desc(), t.id.desc()),
    // Serves leaderboard(): landed, live check-ins in a time window, read from the index alone
    // (user_id is in the key, so no heap visit per check-in).
    index('checkins_landed_created_at_idx')
      .on(t.created_at, t.user_id)
      .where(sql`trick_status = 'landed' AND archived_at IS NULL`),
    pgPolicy('checkins_read_pol', {
      for: 'select',
      to: [anonymousRole, authenticatedRole],
      using: sql`${t.archived_at} IS NULL OR ${t.user_id} = ${currentRider}`,
    }),
    pgPolicy('checkins_readonly_pol', { for: 'select', to: readonlyRole, using: sql`true` }),
    pgPolicy('checkins_check_in_own_pol', { for: 'insert', to: authenticatedRole, withCheck: sql`${t.user_id} = ${currentRider}` }),
    pgPolicy('checkins_edit_own_pol', {
      for: 'update',
      to: authenticatedRole,
      using: sql`${t.user_id} = ${currentRider} AND ${t.archived_at} IS NULL`,
      withCheck: sql`${t.user_id} = ${currentRider}`,
    }),
    pgPolicy('checkins_delete_own_pol', { for: 'delete', to: authenticatedRole, using: sql`${t.user_id} = ${currentRider}` }),
    // archive_spot() (SECURITY DEFINER) archives every rider's check-ins at the spot.
    pgPolicy('checkins_owner_pol', { for: 'all', to: ownerRole, using: sql`true`, withCheck: sql`true` }),
  ],
).enableRLS();

export type Checkin = typeof checkins.$inferSelect;
export type NewCheckin = typeof checkins.$inferInsert;
