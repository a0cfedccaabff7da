import { sql } from 'drizzle-orm';
import { check, foreignKey, integer, pgPolicy, pgTable, primaryKey, uuid } from 'drizzle-orm/pg-core';
import { achievementMetricEnum } from '@skatehubba/enums/pg';
import { users } from '@skatehubba/identity';
import { authenticatedRole, currentRider, ownerRole, readonlyRole } from '@skatehubba/schema-kit';

/**
 * What the database counts toward a rider's achievements, one row per rider
 * and counted metric: live check-ins, live landed check-ins, distinct spots
 * with a live check-in. Written only by the statement triggers on `checkins`
 * (`checkins_metrics_*_trg`, SECURITY DEFINER) and by `recompute_progress()`,
 * so a check-in from any path (the API's `checkIn()`, an import, the seed's
 * bulk load) counts the same, and an archival, a status change or a deletion
 * counts back down. It is the live progress of every achievement with that
 * metric; a `user_achievements` row records the unlock, which stays.
 *
 * Not audited and without timestamps: a derived counter, rebuilt from the
 * check-ins by `recompute_progress()`; the check-ins it counts are audited.
 *
 * FK policy: `user_id` CASCADE (counters go with the account).
 *
 * Access (RLS enabled and forced): a rider reads their own; no role writes.
 */
export const riderMetrics = pgTable(
  'rider_metrics',
  {
    user_id: uuid('user_id').notNull(),
    metric: achievementMetricEnum('metric').notNull(),
    value: integer('value').notNull(),
  },
  (t) => [
    // One counter per rider and metric; the triggers upsert on it.
    primaryKey({ name: 'rider_metrics_pk', columns: [t.user_id, t.metric] }),
    foreignKey({ name: 'rider_metrics_user_id_fk', columns: [t.user_id], foreignColumns: [users.id] }).onDelete('cascade'),
    check('rider_metrics_value_ck', sql`${t.value} >= 0`),
    // A manual achievement's progress is its user_achievements row; nothing counts it.
    check('rider_metrics_metric_ck', sql`${t.metric} <> 'manual'`),
    pgPolicy('rider_metrics_own_read_pol', { for: 'select', to: authenticatedRole, using: sql`${t.user_id} = ${currentRider}` }),
    pgPolicy('rider_metrics_readonly_pol', { for: 'select', to: readonlyRole, using: sql`true` }),
    // The check-in triggers and recompute_progress() (SECURITY DEFINER) keep the counters.
    pgPolicy('rider_metrics_owner_pol', { for: 'all', to: ownerRole, using: sql`true`, withCheck: sql`true` }),
  ],
).enableRLS();

export type RiderMetric = typeof riderMetrics.$inferSelect;
