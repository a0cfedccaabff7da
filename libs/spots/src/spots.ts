import { sql } from 'drizzle-orm';
import { check, doublePrecision, foreignKey, index, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { users } from '@skatehubba/identity';
import { idColumn, lengthCheck, mutableTimestamps, signedUrlCheck, timestamptz } from '@skatehubba/schema-kit';
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
    index('spots_active_location_idx')
      .on(t.latitude, t.longitude)
      .where(sql`archived_at IS NULL`),
  ],
);

export type Spot = typeof spots.$inferSelect;
export type NewSpot = typeof spots.$inferInsert;
