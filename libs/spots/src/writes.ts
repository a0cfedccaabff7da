import { doublePrecision, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { stanceEnum, trickStatusEnum } from '@skatehubba/enums/pg';

/*
 * What a rider may INSERT, as drizzle objects over the same tables: exactly
 * the columns granted to `authenticated` (0005_privileges; inputs.int.test.ts
 * holds them equal). drizzle's insert names every column of its table, with
 * DEFAULT for those not given, and Postgres checks the INSERT privilege of each
 * named column, so an insert through `checkins` is refused for the app role
 * even when it sets no server-owned column. An insert through these names only
 * the writable columns; the database fills in `id`, `created_at` and the rest:
 *
 *   const [row] = await db.insert(checkinWrites).values(input).returning({ id: sql<string>`id` });
 *
 * They are not in the composed schema (libs/db/src/schema.ts), so drizzle-kit
 * never sees a second definition of a table.
 */

export const spotWrites = pgTable('spots', {
  name: text('name').notNull(),
  description: text('description'),
  latitude: doublePrecision('latitude').notNull(),
  longitude: doublePrecision('longitude').notNull(),
  photo_url: text('photo_url'),
  created_by: uuid('created_by'),
});

export const checkinWrites = pgTable('checkins', {
  user_id: uuid('user_id').notNull(),
  spot_id: uuid('spot_id').notNull(),
  trick: text('trick').notNull(),
  trick_status: trickStatusEnum('trick_status').notNull(),
  stance: stanceEnum('stance').notNull(),
  note: text('note'),
  media_url: text('media_url'),
});

export const savedSpotWrites = pgTable('saved_spots', {
  user_id: uuid('user_id').notNull(),
  spot_id: uuid('spot_id').notNull(),
});
