import { sql } from 'drizzle-orm';
import { check, doublePrecision, foreignKey, index, pgPolicy, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { users } from '@skatehubba/identity';
import {
  anonymousRole,
  authenticatedRole,
  currentRider,
  idColumn,
  lengthCheck,
  mutableTimestamps,
  ownerRole,
  readonlyRole,
  signedUrlCheck,
  timestamptz,
} from '@skatehubba/schema-kit';
import { LATITUDE_RANGE, LONGITUDE_RANGE, SPOT_DESCRIPTION_MAX_LENGTH, SPOT_NAME_MAX_LENGTH } from './constants';

/**
 * A place to skate. Created by riders, shared by everyone; audited.
 *
 * Spots are never hard-deleted while they have check-ins (`checkins_spot_id_fk`
 * is RESTRICT). Retiring a spot is `archiveSpot()`: it sets `archived_at` here
 * and on its check-ins in one transaction. Active queries filter
 * `archived_at IS NULL`.
 *
 * FK policy: `created_by` SET NULL. A rider's erasure leaves their spots to the
 * community.
 *
 * Access (RLS enabled and forced; column grants in `0005_privileges`):
 * - everyone reads every spot, archived ones included (old check-ins name them).
 * - a rider creates spots as themself (`created_by` is pinned to the rider)
 *   and edits name, description, position and photo of their own live spots.
 * - `archived_at` only through `archive_spot()` (SECURITY DEFINER: it also
 *   archives other riders' check-ins), by the spot's creator or staff.
 * - no one but the owner deletes.
 */
export const spots = pgTable(
  'spots',
  {
    id: idColumn(),
    name: text('name').notNull(),
    description: text('description'),
    latitude: doublePrecision('latitude').notNull(),
    longitude: doublePrecision('longitude').notNull(),
    photo_url: text('photo_url'),
    created_by: uuid('created_by'),
    archived_at: timestamptz('archived_at'),
    ...mutableTimestamps(),
  },
  (t) => [
    primaryKey({ name: 'spots_pk', columns: [t.id] }),
    foreignKey({ name: 'spots_created_by_fk', columns: [t.created_by], foreignColumns: [users.id] }).onDelete('set null'),
    lengthCheck('spots_name_ck', t.name, 1, SPOT_NAME_MAX_LENGTH),
    check(
      'spots_description_ck',
      sql`${t.description} IS NULL OR char_length(${t.description}) <= ${sql.raw(String(SPOT_DESCRIPTION_MAX_LENGTH))}`,
    ),
    // Written as two comparisons on purpose: Postgres sorts NaN above every
    // number, so `NaN <= 90` is false, and +/-Infinity fail one side. BETWEEN
    // would behave the same, but this form makes the NaN case readable.
    check(
      'spots_latitude_ck',
      sql`${t.latitude} >= ${sql.raw(String(LATITUDE_RANGE[0]))} AND ${t.latitude} <= ${sql.raw(String(LATITUDE_RANGE[1]))}`,
    ),
    check(
      'spots_longitude_ck',
      sql`${t.longitude} >= ${sql.raw(String(LONGITUDE_RANGE[0]))} AND ${t.longitude} <= ${sql.raw(String(LONGITUDE_RANGE[1]))}`,
    ),
    check('spots_archived_at_ck', sql`${t.archived_at} IS NULL OR ${t.archived_at} >= ${t.created_at}`),
    signedUrlCheck('spots_photo_url_ck', t.photo_url),
    // Serves the SET NULL on user erasure; without it each erasure scans every spot.
    index('spots_created_by_idx').on(t.created_by),
    // Serves spotsNear(): a latitude range with the longitude filter checked in the index,
    // active spots only (see spotsNear for why a plain btree and not a GiST extension).
    // id and name ride in the key (drizzle has no INCLUDE) so the list is an index-only
    // scan: on large a 2 km box near downtown LA holds about 20 spots, 10x medium's, and
    // fetching their rows read 21 heap pages where the index needs 5.
    index('spots_active_location_idx')
      .on(t.latitude, t.longitude, t.id, t.name)
      .where(sql`archived_at IS NULL`),
    pgPolicy('spots_read_pol', { for: 'select', to: [anonymousRole, authenticatedRole, readonlyRole], using: sql`true` }),
    pgPolicy('spots_create_own_pol', { for: 'insert', to: authenticatedRole, withCheck: sql`${t.created_by} = ${currentRider}` }),
    pgPolicy('spots_edit_own_pol', {
      for: 'update',
      to: authenticatedRole,
      using: sql`${t.created_by} = ${currentRider} AND ${t.archived_at} IS NULL`,
      withCheck: sql`${t.created_by} = ${currentRider}`,
    }),
    // archive_spot() and the active-spot trigger (both SECURITY DEFINER) read, lock and archive any spot.
    pgPolicy('spots_owner_pol', { for: 'all', to: ownerRole, using: sql`true`, withCheck: sql`true` }),
  ],
).enableRLS();

export type Spot = typeof spots.$inferSelect;
export type NewSpot = typeof spots.$inferInsert;
