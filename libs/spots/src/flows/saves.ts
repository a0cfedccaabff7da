import { and, eq, sql } from 'drizzle-orm';
import { saveSpotInput, type SaveSpotInput } from '@skatehubba/contracts';
import { attempt, parseId, parseInput, rowsOf, runAs, toDate, type Db, type Result, type RiderCaller } from '@skatehubba/schema-kit';
import { SPOTS_REFUSALS } from '../refusals';
import { savedSpots, type SavedSpot } from '../saved-spots';

/**
 * A rider bookmarks a spot. Saving a spot already saved returns the first
 * save, unchanged (a retried request is not an error), in one statement: the
 * insert, or the row it found. `spot_not_found` (missing_reference) for a spot
 * that does not exist.
 */
export async function saveSpot(db: Db, caller: RiderCaller, input: SaveSpotInput): Promise<Result<SavedSpot>> {
  const values = parseInput(saveSpotInput, input);
  if (!values.ok) return values;
  return attempt(SPOTS_REFUSALS, async () => {
    const [result] = await runAs(db, caller, (q) => [
      q.execute(sql`
        WITH saved AS (
          INSERT INTO saved_spots (user_id, spot_id) VALUES (${caller.rider}::uuid, ${values.value.spot_id}::uuid)
          ON CONFLICT (user_id, spot_id) DO NOTHING
          RETURNING user_id, spot_id, created_at
        )
        SELECT user_id, spot_id, created_at FROM saved
        UNION ALL
        SELECT user_id, spot_id, created_at FROM saved_spots
         WHERE user_id = ${caller.rider}::uuid AND spot_id = ${values.value.spot_id}::uuid AND NOT EXISTS (SELECT 1 FROM saved)`),
    ]);
    const row = rowsOf<{ user_id: string; spot_id: string; created_at: Date | string }>(result)[0]!;
    return { ...row, created_at: toDate(row.created_at) };
  });
}

/** A rider removes a bookmark. Removing one that is not there is not an error: `removed` says which it was. */
export async function unsaveSpot(db: Db, caller: RiderCaller, spotId: string): Promise<Result<{ spot_id: string; removed: boolean }>> {
  const id = parseId('spot_id', spotId);
  if (!id.ok) return id;
  return attempt(SPOTS_REFUSALS, async () => {
    const [rows] = await runAs(db, caller, (q) => [
      q
        .delete(savedSpots)
        .where(and(eq(savedSpots.user_id, caller.rider), eq(savedSpots.spot_id, id.value)))
        .returning({ spot_id: savedSpots.spot_id }),
    ]);
    return { spot_id: id.value, removed: rows.length > 0 };
  });
}
