import { and, desc, eq, gte, isNull, sql, type SQL } from 'drizzle-orm';
import { leaderboardInput, type LeaderboardInput } from '@skatehubba/contracts';
import { users } from '@skatehubba/identity';
import {
  attempt,
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
import { checkins } from '../checkins';
import { leaderboardEntries } from '../leaderboard-entries';
import { SPOTS_REFUSALS } from '../refusals';
import { spotLeaderboardEntries } from '../spot-leaderboard-entries';

export interface LeaderboardEntry {
  user_id: string;
  handle: string;
  display_name: string;
  /** Landed live check-ins in the leaderboard window (the last 30 UTC days, today included). */
  landed: number;
}

const cursorShape = z.tuple([z.number().int().positive(), cursorUuid]);

/**
 * One page of entries, most landed first, ties by user id (both descending,
 * as the index is, so a keyset row comparison seeks straight to any page).
 */
async function topEntries(
  db: Db,
  caller: Caller,
  list: string,
  input: LeaderboardInput,
  from: typeof leaderboardEntries | typeof spotLeaderboardEntries,
  scope: SQL | undefined,
): Promise<Result<Page<LeaderboardEntry>>> {
  const values = parseInput(leaderboardInput, input);
  if (!values.ok) return values;
  const { limit, cursor } = values.value;
  const after = cursor === undefined ? undefined : decodeCursor(list, cursor, cursorShape);
  if (after && !after.ok) return after;
  return attempt(SPOTS_REFUSALS, async () => {
    const [rows] = await readAs(db, caller, (q) => [
      q
        .select({ user_id: from.user_id, landed: from.landed, handle: users.handle, display_name: users.display_name })
        .from(from)
        .innerJoin(users, eq(users.id, from.user_id))
        .where(
          and(
            scope,
            // A literal: the planner must see it to use the partial index.
            sql`${from.landed} > 0`,
            after ? sql`(${from.landed}, ${from.user_id}) < (${after.value[0]}::int, ${after.value[1]}::uuid)` : undefined,
          ),
        )
        .orderBy(sql`${from.landed} DESC NULLS LAST`, sql`${from.user_id} DESC NULLS LAST`)
        .limit(limit + 1),
    ]);
    return pageOf(
      rows,
      limit,
      (r) => r,
      (r) => encodeCursor(list, [r.landed, r.user_id]),
    );
  });
}

/**
 * Top riders by landed live check-ins across all spots in the last 30 UTC
 * days (today included). Public. Read top-k from `leaderboard_entries`
 * through `leaderboard_entries_landed_idx`: O(log n + k), whatever the number
 * of check-ins. The counts move in the statement that writes a check-in (a
 * landed check-in shows at once; an archival, a status change or an erasure
 * leaves at once); the window's oldest day leaves when `roll_leaderboards()`
 * runs (daily), so between midnight UTC and that run one more day counts.
 */
export async function leaderboard(db: Db, caller: Caller, input: LeaderboardInput = {}): Promise<Result<Page<LeaderboardEntry>>> {
  return topEntries(db, caller, 'leaderboard', input, leaderboardEntries, undefined);
}

/**
 * Top riders at one spot, as `leaderboard`. Public. Read top-k from
 * `spot_leaderboard_entries` through `spot_leaderboard_entries_spot_landed_idx`.
 */
export async function spotLeaderboard(
  db: Db,
  caller: Caller,
  spotId: string,
  input: LeaderboardInput = {},
): Promise<Result<Page<LeaderboardEntry>>> {
  const id = parseId('spot_id', spotId);
  if (!id.ok) return id;
  return topEntries(db, caller, 'spot-leaderboard', input, spotLeaderboardEntries, eq(spotLeaderboardEntries.spot_id, id.value));
}

/**
 * The same ranking counted from the check-ins themselves, over every landed
 * live check-in created at or after `since` (optionally at one spot): what
 * the entries must equal. The tests hold the fast path to it after random
 * writes, and `npm run bench` measures it next to the fast path (its cost
 * grows with the check-ins in the window: `checkins_landed_created_at_idx`,
 * or `checkins_spot_id_created_at_idx` at one spot).
 */
export function countLandedSince(db: Db, since: Date, { spotId, limit = 10 }: { spotId?: string; limit?: number } = {}) {
  const landed = sql<number>`count(*)::int`;
  return db
    .select({ user_id: checkins.user_id, landed })
    .from(checkins)
    .where(
      and(
        spotId ? eq(checkins.spot_id, spotId) : undefined,
        gte(checkins.created_at, since),
        sql`${checkins.trick_status} = 'landed'`,
        isNull(checkins.archived_at),
      ),
    )
    .groupBy(checkins.user_id)
    .orderBy(desc(landed), desc(checkins.user_id))
    .limit(limit);
}
