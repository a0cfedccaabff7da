import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { pgErrorFields, refusalIn, rowsOf } from '@skatehubba/schema-kit';
import { SpotFlowError } from './errors';
import { SPOTS_REFUSALS } from './refusals';

export interface ArchiveSpotResult {
  spotId: string;
  archivedAt: Date;
  /** Check-ins that were live and are now archived (kept, not deleted). */
  checkinsArchived: number;
}

/**
 * Retires a spot without losing its history, in one transaction: the spot and
 * its live check-ins get the same `archived_at`. Nothing is deleted, so every
 * check-in (and its audit trail) stays; archived rows drop out of active
 * queries and of the duplicate-check-in index.
 *
 * The work is `archive_spot()` in the database (SECURITY DEFINER: a rider may
 * not set `archived_at`, nor touch other riders' check-ins). It locks the spot
 * row first (`FOR UPDATE`), so a check-in racing the archive either commits
 * before it (and is archived with the rest) or waits and is refused by the
 * `checkins_spot_active_trg` trigger. Allowed to the spot's creator (as the
 * rider, `asRider()`) or to staff connected as the owner's login.
 *
 * Throws `SpotFlowError` `spot_not_found` or `spot_already_archived`, or a
 * `DataRuleError` `spot_not_yours` (forbidden); either way nothing changes.
 */
export async function archiveSpot(db: PgDatabase<PgQueryResultHKT, Record<string, unknown>>, spotId: string): Promise<ArchiveSpotResult> {
  try {
    const [row] = rowsOf<{ archived_at: Date | string; checkins_archived: number }>(
      await db.execute(sql`SELECT archived_at, checkins_archived FROM archive_spot(${spotId}::uuid)`),
    );
    if (!row) throw new SpotFlowError('spot_not_found', spotId, `spot ${spotId} does not exist`);
    return { spotId, archivedAt: new Date(row.archived_at), checkinsArchived: Number(row.checkins_archived) };
  } catch (error) {
    const constraint = pgErrorFields(error)?.constraint;
    if (constraint === 'archive_spot_found_guard') throw new SpotFlowError('spot_not_found', spotId, `spot ${spotId} does not exist`);
    if (constraint === 'archive_spot_active_guard') {
      throw new SpotFlowError('spot_already_archived', spotId, pgErrorFields(error)!.message);
    }
    throw refusalIn(SPOTS_REFUSALS, error) ?? error;
  }
}
