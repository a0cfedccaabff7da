import { and, eq, getTableColumns, isNull, sql } from 'drizzle-orm';
import { pageInput, type PageInput } from '@skatehubba/contracts';
import {
  attempt,
  cursorTimestamp,
  cursorUuid,
  decodeCursor,
  encodeCursor,
  pageOf,
  parseInput,
  readAs,
  type Db,
  type Page,
  type Result,
  type RiderCaller,
} from '@skatehubba/schema-kit';
import { z } from 'zod';
import { SPOTS_REFUSALS } from '../refusals';
import { savedSpots } from '../saved-spots';
import { spots, type Spot } from '../spots';

export interface SavedSpotItem {
  spot: Spot;
  saved_at: Date;
}

const CURSOR = 'saved-spots';
const cursorShape = z.tuple([cursorTimestamp, cursorUuid]);

/**
 * The rider's saved spots that are still active, most recently saved first,
 * keyset pages on (saved_at, spot_id). Read as the rider (saves are private).
 * Served by `saved_spots_pk` (user_id, spot_id) and `spots_pk`: a rider saves
 * tens of spots, so the page is sorted after the key range is read.
 */
export async function savedSpotsOf(db: Db, caller: RiderCaller, input: PageInput = {}): Promise<Result<Page<SavedSpotItem>>> {
  const values = parseInput(pageInput, input);
  if (!values.ok) return values;
  const { limit, cursor } = values.value;
  const after = cursor === undefined ? undefined : decodeCursor(CURSOR, cursor, cursorShape);
  if (after && !after.ok) return after;
  return attempt(SPOTS_REFUSALS, async () => {
    const [rows] = await readAs(db, caller, (q) => [
      q
        .select({ spot: getTableColumns(spots), saved_at: savedSpots.created_at, cursor: sql<string>`${savedSpots.created_at}::text` })
        .from(savedSpots)
        .innerJoin(spots, eq(spots.id, savedSpots.spot_id))
        .where(
          and(
            eq(savedSpots.user_id, caller.rider),
            isNull(spots.archived_at),
            after
              ? sql`(${savedSpots.created_at}, ${savedSpots.spot_id}) < (${after.value[0]}::timestamptz, ${after.value[1]}::uuid)`
              : undefined,
          ),
        )
        .orderBy(sql`${savedSpots.created_at} DESC`, sql`${savedSpots.spot_id} DESC`)
        .limit(limit + 1),
    ]);
    return pageOf(
      rows,
      limit,
      (r) => ({ spot: r.spot, saved_at: r.saved_at }),
      (r) => encodeCursor(CURSOR, [r.cursor, r.spot.id]),
    );
  });
}
