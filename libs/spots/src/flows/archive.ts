import { sql } from 'drizzle-orm';
import { attempt, parseId, rowsOf, runAs, toDate, type Db, type Result, type RiderCaller, type StaffCaller } from '@skatehubba/schema-kit';
import { SPOTS_REFUSALS } from '../refusals';

export interface ArchiveSpotResult {
  spot_id: string;
  archived_at: Date;
  /** Check-ins that were live and are now archived (kept, not deleted). */
  checkins_archived: number;
}

/**
 * Retires a spot without losing its history, in one transaction: the spot and
 * its live check-ins get the same `archived_at`. Nothing is deleted, so every
 * check-in (and its audit trail) stays; archived rows drop out of active
 * queries, of the duplicate-check-in index and of the riders' counters (an
 * unlock they reached stays).
 *
 * The work is `archive_spot()` in the database (SECURITY DEFINER: a rider may
 * not set `archived_at`, nor touch other riders' check-ins). It locks the spot
 * row first (`FOR UPDATE`), so a check-in racing the archive either commits
 * before it (and is archived with the rest) or waits and is refused by the
 * `checkins_spot_active_trg` trigger. Allowed to the spot's creator (a rider
 * caller) or to staff on the owner's login.
 *
 * Refusals, with nothing changed: `spot_not_found` (missing_reference),
 * `spot_already_archived` (conflict), `spot_not_yours` (forbidden).
 */
export async function archiveSpot(db: Db, caller: RiderCaller | StaffCaller, spotId: string): Promise<Result<ArchiveSpotResult>> {
  const id = parseId('spot_id', spotId);
  if (!id.ok) return id;
  return attempt(SPOTS_REFUSALS, async () => {
    const [result] = await runAs(db, caller, (q) => [
      q.execute(sql`SELECT archived_at, checkins_archived FROM archive_spot(${id.value}::uuid)`),
    ]);
    const row = rowsOf<{ archived_at: Date | string; checkins_archived: number }>(result)[0]!;
    return { spot_id: id.value, archived_at: toDate(row.archived_at), checkins_archived: Number(row.checkins_archived) };
  });
}
