import { sql } from 'drizzle-orm';
import { foreignKey, index, pgPolicy, pgTable, primaryKey, uuid } from 'drizzle-orm/pg-core';
import { users } from '@skatehubba/identity';
import { authenticatedRole, createdAt, currentRider, ownerRole, readonlyRole } from '@skatehubba/schema-kit';
import { spots } from './spots';

/**
 * A rider's bookmark of a spot: one row per (user, spot), inserted and deleted,
 * never updated (so no `updated_at`). Audited.
 *
 * FK policy: both CASCADE. A bookmark of an erased rider or a deleted spot
 * means nothing. (A spot with check-ins cannot be deleted at all; see `spots`.)
 *
 * Access (RLS enabled and forced; grants in `0005_privileges`): a rider reads,
 * saves and unsaves only their own bookmarks; `created_at` is the database's.
 * `skatehubba_readonly` reads all. The owner reads them for `export_rider()`;
 * erasure removes them by the foreign key's CASCADE.
 */
export const savedSpots = pgTable(
  'saved_spots',
  {
    user_id: uuid('user_id').notNull(),
    spot_id: uuid('spot_id').notNull(),
    created_at: createdAt(),
  },
  (t) => [
    // The key is the one-per-(user, spot) rule and serves "my saved spots" (leading user_id).
    primaryKey({ name: 'saved_spots_pk', columns: [t.user_id, t.spot_id] }),
    foreignKey({ name: 'saved_spots_user_id_fk', columns: [t.user_id], foreignColumns: [users.id] }).onDelete('cascade'),
    foreignKey({ name: 'saved_spots_spot_id_fk', columns: [t.spot_id], foreignColumns: [spots.id] }).onDelete('cascade'),
    // Serves the CASCADE from spots (the key leads with user_id and cannot).
    index('saved_spots_spot_id_idx').on(t.spot_id),
    pgPolicy('saved_spots_own_pol', {
      for: 'all',
      to: authenticatedRole,
      using: sql`${t.user_id} = ${currentRider}`,
      withCheck: sql`${t.user_id} = ${currentRider}`,
    }),
    pgPolicy('saved_spots_readonly_pol', { for: 'select', to: readonlyRole, using: sql`true` }),
    // export_rider() (SECURITY DEFINER) reads a rider's saved spots.
    pgPolicy('saved_spots_owner_read_pol', { for: 'select', to: ownerRole, using: sql`true` }),
  ],
).enableRLS();

export type SavedSpot = typeof savedSpots.$inferSelect;
export type NewSavedSpot = typeof savedSpots.$inferInsert;
