import { and, eq, getTableColumns, isNull, sql, type SQL } from 'drizzle-orm';
import { pageInput, type PageInput } from '@skatehubba/contracts';
import {
  attempt,
  cursorTimestamp,
  cursorUuid,
  decodeCursor,
  encodeCursor,
  pageOf,
  parseId,
  parseInput,
  readAs,
  type Caller,
  type Db,
  type Page,
  type Result,
} from '@skatehubba/schema-kit';
import { z } from 'zod';
import { checkins, type Checkin } from '../checkins';
import { SPOTS_REFUSALS } from '../refusals';

// The spots team's check-in lists. Each names the index that serves it; the
// plan-shape test (apps/seed/src/plans.int.test.ts) holds them to it on a
// seeded, analyzed server, and `npm run bench` measures them.

const cursorShape = z.tuple([cursorTimestamp, cursorUuid]);

async function checkinPage(db: Db, caller: Caller, list: string, scope: SQL, input: PageInput): Promise<Result<Page<Checkin>>> {
  const values = parseInput(pageInput, input);
  if (!values.ok) return values;
  const { limit, cursor } = values.value;
  const after = cursor === undefined ? undefined : decodeCursor(list, cursor, cursorShape);
  if (after && !after.ok) return after;
  return attempt(SPOTS_REFUSALS, async () => {
    const [rows] = await readAs(db, caller, (q) => [
      q
        .select({ row: getTableColumns(checkins), cursor: sql<string>`${checkins.created_at}::text` })
        .from(checkins)
        .where(
          and(
            scope,
            isNull(checkins.archived_at),
            // The cursor carries created_at as Postgres prints it (microseconds).
            after ? sql`(${checkins.created_at}, ${checkins.id}) < (${after.value[0]}::timestamptz, ${after.value[1]}::uuid)` : undefined,
          ),
        )
        // NULLS LAST to match the index exactly: drizzle's .desc() index columns are
        // DESC NULLS LAST, and a plain DESC (NULLS FIRST) order makes Postgres sort
        // every check-in of the spot instead of reading 21 index entries (6.5 ms
        // against 0.25 ms for a spot with 4,242 check-ins).
        .orderBy(sql`${checkins.created_at} DESC NULLS LAST`, sql`${checkins.id} DESC NULLS LAST`)
        .limit(limit + 1),
    ]);
    return pageOf(
      rows,
      limit,
      (r) => r.row,
      (r) => encodeCursor(list, [r.cursor, r.row.id]),
    );
  });
}

/**
 * The latest live check-ins at a spot, newest first, keyset pages (pass the
 * previous page's `next_cursor`; no OFFSET, so page 1,000 costs what page 1
 * costs). Public. Served by `checkins_spot_id_created_at_idx`
 * (spot_id, created_at DESC, id DESC).
 */
export async function spotFeed(db: Db, caller: Caller, spotId: string, input: PageInput = {}): Promise<Result<Page<Checkin>>> {
  const id = parseId('spot_id', spotId);
  if (!id.ok) return id;
  return checkinPage(db, caller, 'spot-feed', eq(checkins.spot_id, id.value), input);
}

/**
 * A rider's live check-ins, newest first, keyset pages as `spotFeed`. Public.
 * Served by `checkins_user_id_created_at_idx` (user_id, created_at DESC, id
 * DESC). For a first page of a rider the statistics say has few check-ins,
 * the planner may instead read `checkins_user_spot_window_uq` (user_id leads
 * it too, and it holds live rows only) and sort the handful it finds.
 */
export async function riderHistory(db: Db, caller: Caller, riderId: string, input: PageInput = {}): Promise<Result<Page<Checkin>>> {
  const id = parseId('rider_id', riderId);
  if (!id.ok) return id;
  return checkinPage(db, caller, 'rider-history', eq(checkins.user_id, id.value), input);
}
