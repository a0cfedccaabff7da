import { eq, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { describe, expect, inject } from 'vitest';
import { LEADERBOARD_DAYS } from '@skatehubba/contracts';
import type { TrickStatus } from '@skatehubba/enums';
import { eraseRider, users } from '@skatehubba/identity';
import { createUser } from '@skatehubba/identity/factories';
import { pgErrorFields, unwrap } from '@skatehubba/schema-kit';
import { databaseTest, hasSessions, type TestDatabase } from '@skatehubba/testing';
import { checkins } from './checkins';
import { createCheckin, createSpot } from './factories';
import { archiveSpot } from './flows/archive';
import { checkIn, deleteCheckin, updateCheckin } from './flows/check-in';
import { leaderboardEntries } from './leaderboard-entries';
import { leaderboardWindow } from './leaderboard-window';
import { rollLeaderboards } from './maintenance';
import { countLandedSince, leaderboard, spotLeaderboard } from './reads/leaderboards';
import { spotLeaderboardEntries } from './spot-leaderboard-entries';
import { spots } from './spots';

// The leaderboards read precomputed counts (leaderboard_entries,
// spot_leaderboard_entries) in O(log n + k). These tests hold the fast path
// to the same ranking counted from the check-ins (countLandedSince) after
// random writes of every kind, show the one staleness it has (the window's
// oldest day leaves when roll_leaderboards() runs), and that riders checking
// in at one spot at once never wait for each other.
const schema = { users, spots, checkins, leaderboardWindow, leaderboardEntries, spotLeaderboardEntries };
const it = databaseTest(schema);
const DAY = 86_400_000;

async function windowStart(t: TestDatabase<typeof schema>): Promise<Date> {
  const [row] = await t.db.select({ starts_at: leaderboardWindow.starts_at }).from(leaderboardWindow);
  return row!.starts_at;
}

/** The whole fast-path ranking, page by page (pages of 3, so paging is exercised), as [user_id, landed]. */
async function fastRanking(db: never, spotId?: string): Promise<[string, number][]> {
  const all: [string, number][] = [];
  let cursor: string | undefined;
  do {
    const page = unwrap(
      spotId
        ? await spotLeaderboard(db, 'anonymous', spotId, { limit: 3, cursor })
        : await leaderboard(db, 'anonymous', { limit: 3, cursor }),
    );
    all.push(...page.items.map((e) => [e.user_id, e.landed] as [string, number]));
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return all;
}

/** The ranking counted from the check-ins, restricted to `riders` (other tests' rows share the database). */
async function countedRanking(db: never, since: Date, riders: string[], spotId?: string): Promise<[string, number][]> {
  const rows = await countLandedSince(db, since, { spotId, limit: 1_000_000 });
  return rows.filter((r) => riders.includes(r.user_id)).map((r) => [r.user_id, r.landed]);
}

const mine = (ranking: [string, number][], riders: string[]) => ranking.filter(([id]) => riders.includes(id));

describe('leaderboards', () => {
  it(
    'equal the count over the check-ins after any mix of check-ins, imports, status changes, archivals, deletions and erasures',
    {
      timeout: 300_000,
    },
    async ({ t }) => {
      const staff = (await createUser(t.db)).id;
      type Op =
        | { type: 'check-in'; rider: number; spot: number; status: TrickStatus }
        | { type: 'import'; rider: number; spot: number; daysAgo: number; status: TrickStatus }
        | { type: 'set-status'; pick: number; status: TrickStatus }
        | { type: 'delete'; pick: number }
        | { type: 'archive'; spot: number }
        | { type: 'erase'; rider: number };
      const status = fc.constantFrom<TrickStatus>('landed', 'landed', 'bailed', 'retry');
      const op: fc.Arbitrary<Op> = fc.oneof(
        { weight: 5, arbitrary: fc.record({ type: fc.constant('check-in' as const), rider: fc.nat(4), spot: fc.nat(2), status }) },
        {
          weight: 3,
          // Around the window's edge: 28 to 31 days back is in and out of the 30.
          arbitrary: fc.record({
            type: fc.constant('import' as const),
            rider: fc.nat(4),
            spot: fc.nat(2),
            daysAgo: fc.integer({ min: 0, max: 34 }),
            status,
          }),
        },
        { weight: 2, arbitrary: fc.record({ type: fc.constant('set-status' as const), pick: fc.nat(), status }) },
        { weight: 1, arbitrary: fc.record({ type: fc.constant('delete' as const), pick: fc.nat() }) },
        { weight: 1, arbitrary: fc.record({ type: fc.constant('archive' as const), spot: fc.nat(2) }) },
        { weight: 1, arbitrary: fc.record({ type: fc.constant('erase' as const), rider: fc.nat(4) }) },
      );
      let compared = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 10, maxLength: 30 }), async (ops) => {
          const riders = await Promise.all(Array.from({ length: 5 }, async () => (await createUser(t.db)).id));
          const spotIds = await Promise.all(Array.from({ length: 3 }, async () => (await createSpot(t.db)).id));
          const erased = new Set<string>();
          const made: { id: string; rider: string }[] = [];
          let minute = 0;
          for (const o of ops) {
            if (o.type === 'check-in' || o.type === 'import') {
              const rider = riders[o.rider]!;
              if (erased.has(rider)) continue;
              if (o.type === 'check-in') {
                const result = await checkIn(
                  t.app,
                  { rider },
                  { spot_id: spotIds[o.spot]!, trick: 'ollie', trick_status: o.status, stance: 'regular' },
                );
                if (result.ok) made.push({ id: result.value.checkin.id, rider });
              } else {
                // An import as staff writes history; each one in its own bucket.
                const created_at = new Date(Date.now() - o.daysAgo * DAY - ++minute * 11 * 60_000);
                const row = await createCheckin(t.db, rider, spotIds[o.spot]!, { created_at, trick_status: o.status }).catch(
                  (error: unknown) => {
                    // An archived spot refuses it; nothing else may.
                    if (pgErrorFields(error)?.constraint !== 'checkins_spot_active_trg') throw error;
                  },
                );
                if (row) made.push({ id: row.id, rider });
              }
            } else if (o.type === 'set-status' || o.type === 'delete') {
              const live = made.filter((m) => !erased.has(m.rider));
              if (!live.length) continue;
              const target = live[o.pick % live.length]!;
              if (o.type === 'set-status') await updateCheckin(t.app, { rider: target.rider }, target.id, { trick_status: o.status });
              else await deleteCheckin(t.app, { rider: target.rider }, target.id);
            } else if (o.type === 'archive') {
              await archiveSpot(t.db, { staff }, spotIds[o.spot]!);
            } else {
              const rider = riders[o.rider]!;
              if (!erased.has(rider)) unwrap(await eraseRider(t.db, { staff }, rider));
              erased.add(rider);
            }
          }
          const since = await windowStart(t);
          expect(mine(await fastRanking(t.app as never), riders)).toEqual(await countedRanking(t.db as never, since, riders));
          for (const spotId of spotIds) {
            expect(mine(await fastRanking(t.app as never, spotId), riders)).toEqual(
              await countedRanking(t.db as never, since, riders, spotId),
            );
          }
          compared++;
        }),
        { numRuns: 8, seed: 20261202, endOnFailure: true },
      );
      expect(compared).toBe(8);
    },
  );

  it(`count the last ${LEADERBOARD_DAYS} UTC days; the oldest day leaves when roll_leaderboards() runs, and only then`, async ({ t }) => {
    const rider = (await createUser(t.db)).id;
    const spot = (await createSpot(t.db)).id;
    const start = await windowStart(t);
    // Today's check-in, and one in the window's oldest hour: both count.
    await createCheckin(t.db, rider, spot, { created_at: new Date(Date.now() - 60_000) });
    await createCheckin(t.db, rider, spot, { created_at: new Date(start.getTime() + 30 * 60_000) });
    // One just before the window: never counted.
    await createCheckin(t.db, rider, spot, { created_at: new Date(start.getTime() - 30 * 60_000) });
    const landed = async () => (await t.db.select().from(leaderboardEntries).where(eq(leaderboardEntries.user_id, rider)))[0]?.landed ?? 0;
    expect(await landed()).toBe(2);

    // A day later, before the job runs, the oldest day still counts: at most one day stale per day the job is late.
    const tomorrow = new Date(Date.now() + DAY);
    const countedTomorrow = await countedRanking(t.db as never, new Date(start.getTime() + DAY), [rider]);
    expect(countedTomorrow).toEqual([[rider, 1]]);
    expect(await landed()).toBe(2);
    const roll = await rollLeaderboards(t.db as never, tomorrow);
    expect(roll.window_start.getTime()).toBe(start.getTime() + DAY);
    expect(roll.checkins_moved).toBeGreaterThanOrEqual(1);
    expect(await landed()).toBe(1);
    // Idempotent: the same roll again moves nothing.
    expect((await rollLeaderboards(t.db as never, tomorrow)).checkins_moved).toBe(0);
    expect(await landed()).toBe(1);
    // And back (the next tests expect today's window).
    await rollLeaderboards(t.db as never, new Date());
    expect(await landed()).toBe(2);
  });

  it('keep their rules: one window, counts never below zero, a spot deleted with its entries', async ({ t }) => {
    // The window starts at the start of the UTC day LEADERBOARD_DAYS - 1 days back.
    const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
    expect((await windowStart(t)).getTime()).toBe(today - (LEADERBOARD_DAYS - 1) * DAY);
    for (const [id, constraint] of [
      [true, 'leaderboard_window_pk'],
      [false, 'leaderboard_window_single_ck'],
    ] as const) {
      const error = await t.db
        .insert(leaderboardWindow)
        .values({ id, starts_at: new Date() })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(pgErrorFields(error)?.constraint, `a second window (${id})`).toBe(constraint);
    }
    const rider = (await createUser(t.db)).id;
    const spot = (await createSpot(t.db)).id;
    const checkin = await createCheckin(t.db, rider, spot);
    for (const [table, constraint] of [
      [leaderboardEntries, 'leaderboard_entries_landed_ck'],
      [spotLeaderboardEntries, 'spot_leaderboard_entries_landed_ck'],
    ] as const) {
      const error = await t.db
        .update(table)
        .set({ landed: -1 })
        .where(eq(table.user_id, rider))
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(pgErrorFields(error)?.constraint).toBe(constraint);
    }
    // Its check-in gone, the spot may go, and its entries (now 0) with it.
    await t.db.delete(checkins).where(eq(checkins.id, checkin.id));
    expect((await t.db.select().from(spotLeaderboardEntries).where(eq(spotLeaderboardEntries.spot_id, spot)))[0]?.landed).toBe(0);
    await t.db.delete(spots).where(eq(spots.id, spot));
    expect(await t.db.select().from(spotLeaderboardEntries).where(eq(spotLeaderboardEntries.spot_id, spot))).toEqual([]);
  });

  it.skipIf(!hasSessions())('roll_leaderboards() is staff only', async ({ t }) => {
    const rider = (await createUser(t.db)).id;
    const before = await windowStart(t);
    const refused = await t.app
      .transaction(async (tx) => {
        await tx.execute(
          sql`SELECT set_config('request.jwt.claims', ${JSON.stringify({ sub: rider })}, true), set_config('role', 'authenticated', true)`,
        );
        return rollLeaderboards(tx as never, new Date(Date.now() + 5 * DAY));
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(refused).toMatchObject({ rule: 'permission_denied', kind: 'forbidden' });
    // With EXECUTE granted to PUBLIC by mistake, the function's own guard still refuses a rider.
    const guarded = await t.db
      .transaction(async (tx) => {
        await tx.execute(sql`GRANT EXECUTE ON FUNCTION roll_leaderboards(timestamptz) TO PUBLIC`);
        await tx.execute(
          sql`SELECT set_config('request.jwt.claims', ${JSON.stringify({ sub: rider })}, true), set_config('role', 'authenticated', true)`,
        );
        return rollLeaderboards(tx as never, new Date(Date.now() + 5 * DAY));
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(guarded).toMatchObject({ rule: 'maintenance_staff_only', kind: 'forbidden', constraint: 'roll_leaderboards_staff_guard' });
    expect((await windowStart(t)).getTime()).toBe(before.getTime());
  });

  // PGlite is one session: riders at once need a server.
  it.skipIf(inject('engine') === 'pglite')(
    '16 riders checking in at one spot at once all land, none waits for another, and the counts are exact',
    async ({ t }) => {
      const spot = (await createSpot(t.db)).id;
      const riders = await Promise.all(Array.from({ length: 16 }, async () => (await createUser(t.db)).id));
      const results = await Promise.all(
        riders.map((rider) => checkIn(t.app, { rider }, { spot_id: spot, trick: 'kickflip', trick_status: 'landed', stance: 'regular' })),
      );
      expect(results.map((r) => (r.ok ? 'landed' : r.error.rule))).toEqual(riders.map(() => 'landed'));
      const ranking = await fastRanking(t.app as never, spot);
      expect(ranking.map(([, n]) => n)).toEqual(riders.map(() => 1));
      expect(ranking.map(([id]) => id).sort()).toEqual([...riders].sort());
    },
  );
});
