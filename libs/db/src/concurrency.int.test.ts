import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, inject } from 'vitest';
import { recordProgress } from '@skatehubba/gamification';
import { createAchievement } from '@skatehubba/gamification/factories';
import { createUser } from '@skatehubba/identity/factories';
import { DataRuleError, pgErrorFields, unwrap } from '@skatehubba/schema-kit';
import { buildCheckin, createSpot } from '@skatehubba/spots/factories';
import { databaseTest, type TestDatabase } from '@skatehubba/testing';
import { toDataRuleError, withTransientRetry } from './errors';
import * as schema from './schema';

// Races on a real server: 16 concurrent callers, each on its own pooled
// connection (node-postgres, the Neon WebSocket Pool, or one HTTP request per
// query for neon-http). PGlite is one connection, so a race there is only an
// interleaving on one session: these run on the server engines.
const engine = inject('engine');
const CALLERS = 16;
const it = databaseTest(schema);

/** Starts all callers together, so they hit the server at once rather than in launch order. */
async function race<T>(callers: number, fn: (i: number) => Promise<T>): Promise<PromiseSettledResult<T>[]> {
  let go!: () => void;
  const start = new Promise<void>((resolve) => (go = resolve));
  const runs = Array.from({ length: callers }, (_, i) => start.then(() => fn(i)));
  go();
  return Promise.allSettled(runs);
}

/** Every failure of a race, as the typed error the API would see. Anything else (deadlock, 40001) fails the test. */
function refusals(results: PromiseSettledResult<unknown>[]): DataRuleError[] {
  return results
    .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    .map((r) => {
      const mapped = toDataRuleError(r.reason);
      if (!(mapped instanceof DataRuleError)) throw r.reason;
      return mapped;
    });
}

const auditCount = async (t: TestDatabase<typeof schema>, table: string, targetId: string) =>
  (
    await t.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_logs WHERE target_table = ${table} AND target_id = ${targetId}`)
  )[0]!.n;

describe.skipIf(engine === 'pglite')(`races on ${engine}, ${CALLERS} connections`, () => {
  it('identical check-ins: exactly one lands, every other caller gets duplicate_checkin', async ({ t }) => {
    const rider = await createUser(t.db);
    const spot = await createSpot(t.db);
    const row = buildCheckin(rider.id, spot.id, { created_at: new Date('2026-05-01T18:04:00Z') });
    const results = await race(CALLERS, () => t.db.insert(schema.checkins).values(row).returning());

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = refusals(results);
    expect(refused).toHaveLength(CALLERS - 1);
    expect(new Set(refused.map((e) => e.rule))).toEqual(new Set(['duplicate_checkin']));
    expect(refused[0]!.facts.retryAt).toEqual(new Date('2026-05-01T18:10:00Z'));
    const landed = await t.db.select().from(schema.checkins).where(eq(schema.checkins.user_id, rider.id));
    expect(landed).toHaveLength(1);
    expect(await auditCount(t, 'checkins', landed[0]!.id)).toBe(1);
  });

  it('achievement progress 16 x 100: exact total, one unlock, at the goal, one audit row per call', async ({ t }) => {
    const rider = await createUser(t.db);
    const goal = 777;
    const achievement = await createAchievement(t.db, { goal });
    const steps = 100;
    const results = await race(CALLERS, async () => {
      const seen = [];
      // Staff (the admin login), as support tooling would: one statement per call, no role switch.
      for (let i = 0; i < steps; i++)
        seen.push(unwrap(await recordProgress(t.db, { staff: rider.id }, rider.id, { achievement_id: achievement.id })));
      return seen;
    });
    expect(refusals(results)).toEqual([]);
    const all = results.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
    expect(all).toHaveLength(CALLERS * steps);
    // Every call saw its own count: nothing lost, nothing doubled.
    expect(new Set(all.map((r) => r.progress)).size).toBe(CALLERS * steps);
    const unlocks = all.filter((r) => r.just_unlocked);
    expect(unlocks).toHaveLength(1);
    expect(unlocks[0]!.progress).toBe(goal);
    const [row] = await t.db
      .select()
      .from(schema.userAchievements)
      .where(and(eq(schema.userAchievements.user_id, rider.id), eq(schema.userAchievements.achievement_id, achievement.id)));
    expect(row).toMatchObject({ progress: CALLERS * steps, unlocked_at: unlocks[0]!.unlocked_at });
    // The unlock time is the moment of the call that reached the goal: no call before it saw an unlock.
    expect(all.filter((r) => r.progress < goal && r.unlocked_at !== null)).toEqual([]);
    expect(await auditCount(t, 'user_achievements', `${rider.id}/${achievement.id}`)).toBe(CALLERS * steps);
  });

  it('saving and unsaving raced: the final state is the last committed operation, and the trail is a serial history', async ({ t }) => {
    const rider = await createUser(t.db);
    const spot = await createSpot(t.db);
    const target = `${rider.id}/${spot.id}`;
    const rounds = 10;
    // Even callers save (idempotent), odd callers unsave, 10 rounds each.
    const results = await race(CALLERS, async (i) => {
      let changed = 0;
      for (let round = 0; round < rounds; round++) {
        const rows =
          i % 2 === 0
            ? await t.db.insert(schema.savedSpots).values({ user_id: rider.id, spot_id: spot.id }).onConflictDoNothing().returning()
            : await t.db
                .delete(schema.savedSpots)
                .where(and(eq(schema.savedSpots.user_id, rider.id), eq(schema.savedSpots.spot_id, spot.id)))
                .returning();
        changed += rows.length;
      }
      return changed;
    });
    expect(refusals(results)).toEqual([]);
    const changes = results.reduce((sum, r) => sum + (r.status === 'fulfilled' ? r.value : 0), 0);

    const trail = await t.query<{ action: string }>(
      sql`SELECT action FROM audit_logs WHERE target_table = 'saved_spots' AND target_id = ${target} ORDER BY id`,
    );
    // The first save always lands (the row did not exist), so there is a history to check.
    expect(changes).toBeGreaterThan(0);
    // One audit row per operation that changed something, none for the no-ops, as a
    // serial history: insert, delete, insert, ... never two of a kind in a row.
    expect(trail.map((row) => row.action)).toEqual(Array.from({ length: changes }, (_, i) => (i % 2 === 0 ? 'insert' : 'delete')));
    const saved = await t.db.select().from(schema.savedSpots).where(eq(schema.savedSpots.user_id, rider.id));
    expect(saved.length).toBe(trail.at(-1)?.action === 'insert' ? 1 : 0);
  });

  it('every mutation under mixed load leaves exactly one audit row: none lost, none doubled', async ({ t }) => {
    const riders = await Promise.all(Array.from({ length: CALLERS }, () => createUser(t.db)));
    const spot = await createSpot(t.db);
    const perCaller = 20;
    const results = await race(CALLERS, async (i) => {
      const rider = riders[i]!;
      const ids: string[] = [];
      for (let n = 0; n < perCaller; n++) {
        // Each in its own 10-minute bucket, so none is a duplicate.
        const created_at = new Date(Date.UTC(2026, 0, 1) + n * 600_000);
        const [row] = await t.db
          .insert(schema.checkins)
          .values(buildCheckin(rider.id, spot.id, { created_at }))
          .returning();
        ids.push(row!.id);
        await t.db
          .update(schema.checkins)
          .set({ note: `take ${n}` })
          .where(eq(schema.checkins.id, row!.id));
      }
      return ids;
    });
    expect(refusals(results)).toEqual([]);
    const ids = results.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
    expect(ids).toHaveLength(CALLERS * perCaller);
    const counts = await t.query<{ action: string; n: number }>(sql`
      SELECT action, count(*)::int AS n FROM audit_logs
       WHERE target_table = 'checkins' AND target_id IN (SELECT id::text FROM checkins WHERE spot_id = ${spot.id})
       GROUP BY action ORDER BY action`);
    expect(counts).toEqual([
      { action: 'insert', n: CALLERS * perCaller },
      { action: 'update', n: CALLERS * perCaller },
    ]);
    const doubled = await t.query(sql`
      SELECT target_id, action FROM audit_logs
       WHERE target_table = 'checkins' AND target_id IN (SELECT id::text FROM checkins WHERE spot_id = ${spot.id})
       GROUP BY target_id, action HAVING count(*) > 1`);
    expect(doubled).toEqual([]);
  });

  // distinct_spots counts a (rider, spot) pair when its first live check-in
  // arrives and uncounts it when its last one goes: a decision each statement
  // makes from what it sees. One caller holds its write uncommitted until the
  // other 15 wait on a lock, so every one of them decides while the first is
  // in flight. Bailed check-ins take no leaderboard row, so nothing else
  // orders the callers. neon-http has no transaction to hold open.
  describe.skipIf(engine === 'neon-http')('distinct_spots under raced writes of one rider at one spot', () => {
    const bucket = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 600_000);
    const metrics = async (t: TestDatabase<typeof schema>, riderId: string) =>
      Object.fromEntries(
        (
          await t.query<{ metric: string; value: number }>(
            sql`SELECT metric::text, value FROM rider_metrics WHERE user_id = ${riderId} AND metric IN ('checkins', 'distinct_spots')`,
          )
        ).map((r) => [r.metric, r.value]),
      );
    /** Runs `first` in a transaction held open until the others (started after it) wait on a lock, then commits it. */
    async function firstHeldThenRest(
      t: TestDatabase<typeof schema>,
      first: (tx: Parameters<Parameters<typeof t.db.transaction>[0]>[0]) => Promise<unknown>,
      rest: (i: number) => Promise<unknown>,
    ) {
      let others!: Promise<PromiseSettledResult<unknown>[]>;
      await t.db.transaction(async (tx) => {
        await first(tx);
        others = race(CALLERS - 1, rest);
        const deadline = Date.now() + 15_000;
        for (;;) {
          const [{ waiting }] = (await t.query<{ waiting: number }>(
            sql`SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
          )) as [{ waiting: number }];
          if (waiting >= CALLERS - 1) break;
          if (Date.now() > deadline) throw new Error(`only ${waiting} of ${CALLERS - 1} callers waited on a lock`);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      });
      return others;
    }

    it('16 first check-ins at a new spot, raced: the spot counts once', async ({ t }) => {
      const rider = await createUser(t.db);
      const [home, spot] = [await createSpot(t.db), await createSpot(t.db)];
      await t.db.insert(schema.checkins).values(buildCheckin(rider.id, home.id, { trick_status: 'bailed', created_at: bucket(0) }));
      const checkIn = (db: Pick<typeof t.db, 'insert'>, i: number) =>
        db.insert(schema.checkins).values(buildCheckin(rider.id, spot.id, { trick_status: 'bailed', created_at: bucket(1 + i) }));
      const results = await firstHeldThenRest(
        t,
        (tx) => checkIn(tx, 0),
        (i) => checkIn(t.db, 1 + i),
      );
      expect(refusals(results)).toEqual([]);
      expect(await metrics(t, rider.id)).toEqual({ checkins: 1 + CALLERS, distinct_spots: 2 });
    });

    it.for(['archived', 'deleted'] as const)(
      'the last 16 live check-ins at a spot %s at once, raced: the spot leaves the count once',
      async (way, { t }) => {
        const rider = await createUser(t.db);
        const [home, spot] = [await createSpot(t.db), await createSpot(t.db)];
        await t.db.insert(schema.checkins).values(buildCheckin(rider.id, home.id, { trick_status: 'bailed', created_at: bucket(0) }));
        const rows = await t.db
          .insert(schema.checkins)
          .values(
            Array.from({ length: CALLERS }, (_, i) =>
              buildCheckin(rider.id, spot.id, { trick_status: 'bailed', created_at: bucket(1 + i) }),
            ),
          )
          .returning({ id: schema.checkins.id });
        expect(await metrics(t, rider.id)).toEqual({ checkins: 1 + CALLERS, distinct_spots: 2 });
        // Archival is an UPDATE (checkins_count_updated), deletion a DELETE (checkins_count_deleted); each caller one row.
        const remove = (db: Pick<typeof t.db, 'update' | 'delete'>, i: number) =>
          way === 'archived'
            ? db
                .update(schema.checkins)
                .set({ archived_at: sql`now()` })
                .where(eq(schema.checkins.id, rows[i]!.id))
            : db.delete(schema.checkins).where(eq(schema.checkins.id, rows[i]!.id));
        const results = await firstHeldThenRest(
          t,
          (tx) => remove(tx, 0),
          (i) => remove(t.db, 1 + i),
        );
        expect(refusals(results)).toEqual([]);
        expect(await metrics(t, rider.id)).toEqual({ checkins: 1, distinct_spots: 1 });
      },
    );
  });
});

describe.skipIf(engine === 'pglite' || engine === 'neon-http')(`transient failures on ${engine}`, () => {
  // Write skew under SERIALIZABLE: each transaction reads both riders and
  // updates one. Postgres must abort one of them with 40001.
  async function skewedPair(t: TestDatabase<typeof schema>, wrap: <T>(fn: () => Promise<T>) => Promise<T>) {
    const [a, b] = [await createUser(t.db), await createUser(t.db)];
    let barrier!: () => void;
    let arrived = 0;
    const bothRead = new Promise<void>((resolve) => (barrier = resolve));
    const attempt = (mine: string) =>
      wrap(() =>
        t.db.transaction(
          async (tx) => {
            await tx.execute(sql`SELECT count(*) FROM users WHERE id IN (${a.id}, ${b.id}) AND display_name = 'On duty'`);
            if (++arrived === 2) barrier();
            await Promise.race([bothRead, new Promise((r) => setTimeout(r, 200))]);
            await tx.update(schema.users).set({ display_name: 'On duty' }).where(eq(schema.users.id, mine));
          },
          { isolationLevel: 'serializable' },
        ),
      );
    return Promise.allSettled([attempt(a.id), attempt(b.id)]);
  }

  it('a serialization failure surfaces as 40001 without a retry', async ({ t }) => {
    const results = await skewedPair(t, (fn) => fn());
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(failed).toHaveLength(1);
    expect(toDataRuleError(failed[0]!.reason)).toBe(failed[0]!.reason);
    expect(pgErrorFields(failed[0]!.reason)?.code).toBe('40001');
  });

  it('withTransientRetry() runs the aborted transaction again and both succeed', async ({ t }) => {
    const results = await skewedPair(t, (fn) => withTransientRetry(fn));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
  });
});
