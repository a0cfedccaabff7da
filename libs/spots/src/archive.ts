import { and, eq, isNull, sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { checkins } from './checkins';
import { SpotFlowError } from './errors';
import { spots } from './spots';

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
 * The spot row is locked first (`FOR UPDATE`), so a check-in racing the
 * archive either commits before it (and is archived with the rest) or waits and
 * is refused by the `checkins_spot_active_trg` trigger.
 *
 * Throws `SpotFlowError` `spot_not_found` or `spot_already_archived`; either
 * way nothing changes.
 */
export async function archiveSpot(db: PgDatabase<PgQueryResultHKT, Record<string, unknown>>, spotId: string): Promise<ArchiveSpotResult> {
  return db.transaction(async (tx) => {
    const [spot] = await tx.select({ id: spots.id, archived_at: spots.archived_at }).from(spots).where(eq(spots.id, spotId)).for('update');
    if (!spot) throw new SpotFlowError('spot_not_found', spotId, `spot ${spotId} does not exist`);
    if (spot.archived_at) {
      throw new SpotFlowError(
        'spot_already_archived',
        spotId,
        `spot ${spotId} was archived at ${spot.archived_at.toISOString()}; nothing to do`,
      );
    }
    // now() is the transaction's start time: the spot and its check-ins get the same instant.
    const [archived] = await tx
      .update(spots)
      .set({ archived_at: sql`now()` })
      .where(eq(spots.id, spotId))
      .returning({ archivedAt: spots.archived_at });
    const moved = await tx
      .update(checkins)
      .set({ archived_at: sql`now()` })
      .where(and(eq(checkins.spot_id, spotId), isNull(checkins.archived_at)))
      .returning({ id: checkins.id });
    // The row is locked above, so it is still there; the check only narrows the type.
    if (!archived?.archivedAt) throw new SpotFlowError('spot_not_found', spotId, `spot ${spotId} does not exist`);
    return { spotId, archivedAt: archived.archivedAt, checkinsArchived: moved.length };
  });
}
