import { and, eq, inArray } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { ACHIEVEMENT_TIERS, PROGRESS_STEP_MAX } from '@skatehubba/contracts';
import { eraseRider, users } from '@skatehubba/identity';
import { createUser } from '@skatehubba/identity/factories';
import { pgErrorFields, runAs, unwrap, type Db } from '@skatehubba/schema-kit';
import { databaseTest, type TestDatabase } from '@skatehubba/testing';
import { achievements, type Achievement } from '../achievements';
import { createAchievement } from '../factories';
import { achievementsOf } from '../queries';
import { riderMetrics } from '../rider-metrics';
import { userAchievements } from '../user-achievements';
import { recomputeProgress, recordProgress } from './progress';

// Integration, on every engine: the progress flows. recordProgress() moves
// manual achievements only (a counted one moves with the rider's check-ins);
// recomputeProgress() rebuilds the counters from the check-ins; achievementsOf()
// pages the catalogue with the rider's progress. Spots, check-ins and
// notifications belong to other libs: this file writes and reads them in SQL,
// as any client of the database would.
const schema = { users, achievements, userAchievements, riderMetrics };
const it = databaseTest(schema);
type T = TestDatabase<typeof schema>;
type Metric = 'checkins' | 'landed' | 'distinct_spots';

async function spot(t: T): Promise<string> {
  const [row] = await t.query<{ id: string }>(
    `INSERT INTO spots (name, latitude, longitude) VALUES ('Spot ' || gen_random_uuid(), 34.05, -118.24) RETURNING id`,
  );
  return row!.id;
}

let minutes = 0;
/** A check-in written by the owner (an import), each in a dedupe bucket of its own. */
async function checkin(t: T, rider: string, spotId: string, status: 'landed' | 'bailed' = 'landed'): Promise<string> {
  minutes += 11;
  const [row] = await t.query<{ id: string }>(
    `INSERT INTO checkins (user_id, spot_id, trick, trick_status, stance, created_at)
     VALUES ('${rider}', '${spotId}', 'kickflip', '${status}', 'regular', now() - interval '${minutes} minutes') RETURNING id`,
  );
  return row!.id;
}

/** Several check-ins in one statement (an import): the triggers' set-based pass, not the one-row path. */
async function checkinsAtOnce(t: T, rider: string, rows: [spotId: string, status: 'landed' | 'bailed'][]): Promise<void> {
  const values = rows.map(([spotId, status]) => {
    minutes += 11;
    return `('${rider}', '${spotId}', 'kickflip', '${status}', 'regular', now() - interval '${minutes} minutes')`;
  });
  await t.query(`INSERT INTO checkins (user_id, spot_id, trick, trick_status, stance, created_at) VALUES ${values.join(', ')}`);
}

/** The rider's counters as stored. */
async function stored(t: T, rider: string): Promise<Record<Metric, number>> {
  const rows = await t.db.select().from(riderMetrics).where(eq(riderMetrics.user_id, rider));
  const value = (m: Metric) => rows.find((r) => r.metric === m)?.value ?? 0;
  return { checkins: value('checkins'), landed: value('landed'), distinct_spots: value('distinct_spots') };
}

/** The rider's counters counted directly over their live check-ins. */
async function counted(t: T, rider: string): Promise<Record<Metric, number>> {
  const [row] = await t.query<{ checkins: number; landed: number; distinct_spots: number }>(
    `SELECT count(*)::int AS checkins, (count(*) FILTER (WHERE trick_status = 'landed'))::int AS landed,
            count(DISTINCT spot_id)::int AS distinct_spots
       FROM checkins WHERE user_id = '${rider}' AND archived_at IS NULL`,
  );
  return row!;
}

async function noticesOf(t: T, rider: string) {
  return t.query<{ achievement_id: string; created_at: Date }>(
    `SELECT achievement_id, created_at FROM notifications WHERE user_id = '${rider}' ORDER BY created_at`,
  );
}

/** Everything a progress write could change for `rider`. */
async function snapshot(t: T, rider: string) {
  return {
    progress: await t.db
      .select()
      .from(userAchievements)
      .where(eq(userAchievements.user_id, rider))
      .orderBy(userAchievements.achievement_id),
    metrics: await t.db.select().from(riderMetrics).where(eq(riderMetrics.user_id, rider)).orderBy(riderMetrics.metric),
    notices: await noticesOf(t, rider),
  };
}

const refusalOf = (promise: PromiseLike<unknown>) =>
  Promise.resolve(promise).then(
    () => undefined,
    (error: unknown) => error,
  );

// Opens this file's database before the first test, under the hook's time limit rather than a test's.
it.beforeAll(async ({ t }) => {
  await t.query('SELECT 1');
});

describe('recordProgress()', () => {
  it('adds steps to a manual achievement, unlocks it once at the goal and announces the unlock', async ({ t }) => {
    const rider = (await createUser(t.db)).id;
    const staff = (await createUser(t.db)).id;
    const manual = await createAchievement(t.db, { metric: 'manual', goal: 3 });

    const first = unwrap(await recordProgress(t.app, { rider }, rider, { achievement_id: manual.id }));
    expect(first).toMatchObject({
      user_id: rider,
      achievement_id: manual.id,
      goal: 3,
      progress: 1,
      unlocked_at: null,
      just_unlocked: false,
    });
    expect(await noticesOf(t, rider)).toEqual([]);

    // Staff records for the rider; the step that reaches the goal unlocks.
    const second = unwrap(await recordProgress(t.db as never, { staff }, rider, { achievement_id: manual.id, by: 2 }));
    expect(second).toMatchObject({ progress: 3, just_unlocked: true });
    expect(second.unlocked_at).toBeInstanceOf(Date);
    const notices = await noticesOf(t, rider);
    expect(notices.map((n) => [n.achievement_id, new Date(n.created_at).getTime()])).toEqual([[manual.id, second.unlocked_at!.getTime()]]);

    // Past the goal: progress keeps counting, the unlock and its one notice stay.
    const third = unwrap(await recordProgress(t.app, { rider }, rider, { achievement_id: manual.id, by: 4 }));
    expect(third).toMatchObject({ progress: 7, just_unlocked: false });
    expect(third.unlocked_at!.getTime()).toBe(second.unlocked_at!.getTime());
    expect(await noticesOf(t, rider)).toHaveLength(1);
    const [row] = await t.db
      .select()
      .from(userAchievements)
      .where(and(eq(userAchievements.user_id, rider), eq(userAchievements.achievement_id, manual.id)));
    expect(row).toMatchObject({ progress: 7, goal: 3 });
  });

  it('refuses, by name and with nothing changed, a counted achievement, an unknown one, a bad step and another rider', async ({ t }) => {
    const rider = (await createUser(t.db)).id;
    const other = (await createUser(t.db)).id;
    const manual = await createAchievement(t.db, { metric: 'manual', goal: 5 });
    unwrap(await recordProgress(t.app, { rider }, rider, { achievement_id: manual.id, by: 2 }));
    await checkin(t, rider, await spot(t));
    const before = await snapshot(t, rider);
    const otherBefore = await snapshot(t, other);

    const cases: [string, string, () => ReturnType<typeof recordProgress>][] = [];
    for (const metric of ['checkins', 'landed', 'distinct_spots'] as const) {
      const counted = await createAchievement(t.db, { metric, goal: 1 });
      cases.push([
        `a ${metric} achievement`,
        'progress_is_counted',
        () => recordProgress(t.app, { rider }, rider, { achievement_id: counted.id }),
      ]);
    }
    cases.push(
      [
        'an unknown achievement',
        'achievement_not_found',
        () => recordProgress(t.app, { rider }, rider, { achievement_id: crypto.randomUUID() }),
      ],
      ['a zero step', 'invalid_input', () => recordProgress(t.app, { rider }, rider, { achievement_id: manual.id, by: 0 })],
      ['a negative step', 'invalid_input', () => recordProgress(t.app, { rider }, rider, { achievement_id: manual.id, by: -3 })],
      ['a fractional step', 'invalid_input', () => recordProgress(t.app, { rider }, rider, { achievement_id: manual.id, by: 1.5 })],
      [
        'a step past an integer',
        'invalid_input',
        () => recordProgress(t.app, { rider }, rider, { achievement_id: manual.id, by: PROGRESS_STEP_MAX + 1 }),
      ],
      ['a rider id that is not a uuid', 'invalid_input', () => recordProgress(t.app, { rider }, 'nobody', { achievement_id: manual.id })],
      ['another rider', 'progress_not_yours', () => recordProgress(t.app, { rider }, other, { achievement_id: manual.id })],
      [
        'for a rider, by another',
        'progress_not_yours',
        () => recordProgress(t.app, { rider: other }, rider, { achievement_id: manual.id }),
      ],
    );
    for (const [what, rule, call] of cases) {
      const result = await call();
      expect(result.ok ? 'accepted' : result.error.rule, what).toBe(rule);
    }
    // The database's own guards, for a caller that skips the input schema.
    for (const [step, guard] of [
      [0, 'record_progress_step_guard'],
      [-1, 'record_progress_step_guard'],
    ] as const) {
      const error = await refusalOf(t.query(`SELECT * FROM record_progress('${rider}', '${manual.id}', ${step})`));
      expect(pgErrorFields(error)?.constraint, `step ${step}`).toBe(guard);
    }
    expect(await snapshot(t, rider)).toEqual(before);
    expect(await snapshot(t, other)).toEqual(otherBefore);
  });
});

describe('rider_metrics', () => {
  it('follow every insert, status change and deletion of check-ins, and recomputeProgress() restores them after tampering', async ({
    t,
  }) => {
    const rider = (await createUser(t.db)).id;
    const [s1, s2] = [await spot(t), await spot(t)];
    const expectExact = async (what: string) => expect(await stored(t, rider), what).toEqual(await counted(t, rider));

    await checkin(t, rider, s1);
    await checkin(t, rider, s1, 'bailed');
    await expectExact('two check-ins at one spot');
    expect((await stored(t, rider)).distinct_spots).toBe(1);
    const later = await checkin(t, rider, s2, 'bailed');
    await expectExact('a second spot');
    await t.query(`UPDATE checkins SET trick_status = 'landed' WHERE id = '${later}'`);
    await expectExact('a status changed to landed');
    expect(await stored(t, rider)).toEqual({ checkins: 3, landed: 2, distinct_spots: 2 });
    await t.query(`DELETE FROM checkins WHERE id = '${later}'`);
    await expectExact('a deletion');
    expect(await stored(t, rider)).toEqual({ checkins: 2, landed: 1, distinct_spots: 1 });

    // An achievement added after the rider passed its goal is not unlocked by the triggers; a recount does.
    const reached = await createAchievement(t.db, { metric: 'checkins', goal: 2 });
    const unreached = await createAchievement(t.db, { metric: 'landed', goal: 5 });

    // Tampered by the owner: wrong values, a counter gone.
    await t.db
      .update(riderMetrics)
      .set({ value: 99 })
      .where(and(eq(riderMetrics.user_id, rider), eq(riderMetrics.metric, 'checkins')));
    await t.db
      .update(riderMetrics)
      .set({ value: 0 })
      .where(and(eq(riderMetrics.user_id, rider), eq(riderMetrics.metric, 'landed')));
    await t.db.delete(riderMetrics).where(and(eq(riderMetrics.user_id, rider), eq(riderMetrics.metric, 'distinct_spots')));
    expect(await stored(t, rider)).toEqual({ checkins: 99, landed: 0, distinct_spots: 0 });

    const startedAt = Date.now();
    const recount = unwrap(await recomputeProgress(t.app, { rider }, rider));
    expect(recount).toEqual([
      { metric: 'checkins', value_before: 99, value_after: 2 },
      { metric: 'landed', value_before: 0, value_after: 1 },
      { metric: 'distinct_spots', value_before: 0, value_after: 1 },
    ]);
    await expectExact('after the recount');
    const held = await t.db
      .select()
      .from(userAchievements)
      .where(and(eq(userAchievements.user_id, rider), inArray(userAchievements.achievement_id, [reached.id, unreached.id])));
    expect(held.map((h) => h.achievement_id)).toEqual([reached.id]);
    expect(held[0]!.unlocked_at!.getTime()).toBeGreaterThanOrEqual(startedAt - 5_000);
    expect((await noticesOf(t, rider)).filter((n) => n.achievement_id === reached.id)).toHaveLength(1);

    // Again: nothing to repair, nothing unlocked twice.
    for (const m of unwrap(await recomputeProgress(t.app, { rider }, rider))) expect(m.value_after, m.metric).toBe(m.value_before);
    expect((await noticesOf(t, rider)).filter((n) => n.achievement_id === reached.id)).toHaveLength(1);
  });

  it('count one statement of many check-ins (an import) as its rows one by one: each new spot once', async ({ t }) => {
    const rider = (await createUser(t.db)).id;
    const [s1, s2, s3] = [await spot(t), await spot(t), await spot(t)];
    const expectExact = async (what: string) => expect(await stored(t, rider), what).toEqual(await counted(t, rider));
    await checkin(t, rider, s1, 'bailed');
    const gone = await checkin(t, rider, s2);
    await t.query(`DELETE FROM checkins WHERE id = '${gone}'`);
    expect(await stored(t, rider)).toEqual({ checkins: 1, landed: 0, distinct_spots: 1 });
    // Two at a new spot, one at a spot with a live check-in, one at a spot
    // whose only check-in was deleted: two spots more, not three or four.
    await checkinsAtOnce(t, rider, [
      [s3, 'landed'],
      [s3, 'bailed'],
      [s1, 'landed'],
      [s2, 'bailed'],
    ]);
    await expectExact('four check-ins in one statement');
    expect(await stored(t, rider)).toEqual({ checkins: 5, landed: 2, distinct_spots: 3 });
    await t.query(`DELETE FROM checkins WHERE user_id = '${rider}' AND spot_id IN ('${s2}', '${s3}')`);
    await expectExact('those at the new spots deleted in one statement');
    expect(await stored(t, rider)).toEqual({ checkins: 2, landed: 1, distinct_spots: 1 });
  });

  it('recomputeProgress() is the rider’s own, or staff’s, and names a missing rider', async ({ t }) => {
    const rider = (await createUser(t.db)).id;
    const other = (await createUser(t.db)).id;
    const staff = (await createUser(t.db)).id;
    await checkin(t, other, await spot(t));
    await t.db.update(riderMetrics).set({ value: 5 }).where(eq(riderMetrics.user_id, other));
    const refused = await recomputeProgress(t.app, { rider }, other);
    expect(refused.ok ? 'accepted' : refused.error.rule).toBe('progress_not_yours');
    expect((await stored(t, other)).checkins).toBe(5);
    const missing = await recomputeProgress(t.db as never, { staff }, crypto.randomUUID());
    expect(missing.ok ? 'accepted' : missing.error.rule).toBe('rider_not_found');
    expect(unwrap(await recomputeProgress(t.db as never, { staff }, other)).find((m) => m.metric === 'checkins')).toEqual({
      metric: 'checkins',
      value_before: 5,
      value_after: 1,
    });
  });

  it('keep their rules, are the rider’s alone to read and nobody’s to write, and go with the account', async ({ t }) => {
    const a = (await createUser(t.db)).id;
    const b = (await createUser(t.db)).id;
    const staff = (await createUser(t.db)).id;
    await checkin(t, a, await spot(t));
    await checkin(t, b, await spot(t));
    for (const [constraint, write] of [
      ['rider_metrics_value_ck', () => t.db.update(riderMetrics).set({ value: -1 }).where(eq(riderMetrics.user_id, a))],
      ['rider_metrics_metric_ck', () => t.db.insert(riderMetrics).values({ user_id: a, metric: 'manual', value: 1 })],
      ['rider_metrics_pk', () => t.db.insert(riderMetrics).values({ user_id: a, metric: 'checkins', value: 1 })],
    ] as const) {
      expect(pgErrorFields(await refusalOf(write()))?.constraint, constraint).toBe(constraint);
    }

    const asB = <R>(work: (q: Db) => PromiseLike<R>) => runAs(t.app as never, { rider: b }, (q) => [work(q)] as const).then(([r]) => r);
    const seen = await asB((q) => q.select().from(riderMetrics));
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((m) => m.user_id === b)).toBe(true);
    expect(await asB((q) => q.select().from(riderMetrics).where(eq(riderMetrics.user_id, a)))).toEqual([]);
    const writes = [
      await refusalOf(asB((q) => q.update(riderMetrics).set({ value: 100 }).where(eq(riderMetrics.user_id, b)))),
      await refusalOf(asB((q) => q.insert(riderMetrics).values({ user_id: b, metric: 'landed', value: 100 }))),
      await refusalOf(asB((q) => q.delete(riderMetrics).where(eq(riderMetrics.user_id, b)))),
    ];
    expect(writes.map((e) => pgErrorFields(e)?.code)).toEqual(['42501', '42501', '42501']);
    expect(await stored(t, b)).toEqual(await counted(t, b));

    unwrap(await eraseRider(t.db as never, { staff }, a));
    expect(await t.db.select().from(riderMetrics).where(eq(riderMetrics.user_id, a))).toEqual([]);
  });
});

describe('achievementsOf()', () => {
  it('pages the whole catalogue in tier and slug order, with the rider’s own progress on each', async ({ t }) => {
    const rider = (await createUser(t.db)).id;
    const other = (await createUser(t.db)).id;
    const made: Achievement[] = [];
    for (const tier of ACHIEVEMENT_TIERS) {
      made.push(await createAchievement(t.db, { tier, metric: 'manual', goal: 4 }));
      made.push(await createAchievement(t.db, { tier, metric: 'landed', goal: 1 }));
    }
    const manual = made.find((a) => a.metric === 'manual')!;
    unwrap(await recordProgress(t.app, { rider }, rider, { achievement_id: manual.id, by: 3 }));
    const s = await spot(t);
    await checkin(t, rider, s);
    await checkin(t, rider, s);

    const walk = async (who: string) => {
      const items = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = unwrap(await achievementsOf(t.app, { rider: who }, { limit: 3, cursor }));
        expect(page.items.length).toBeLessThanOrEqual(3);
        items.push(...page.items);
        cursor = page.next_cursor ?? undefined;
        pages++;
      } while (cursor && pages < 200);
      return items;
    };
    const catalogue = await t.db.select().from(achievements);
    const order = (a: { tier: string; slug: string }) => `${ACHIEVEMENT_TIERS.indexOf(a.tier as never)}/${a.slug}`;
    const expected = catalogue.map((a) => ({ id: a.id, key: order(a) })).sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));

    const mine = await walk(rider);
    expect(mine.map((a) => a.achievement_id)).toEqual(expected.map((a) => a.id));
    const byId = (items: typeof mine, id: string) => items.find((a) => a.achievement_id === id)!;
    expect(byId(mine, manual.id)).toMatchObject({ metric: 'manual', goal: 4, progress: 3, unlocked_at: null });
    for (const landed of made.filter((a) => a.metric === 'landed')) {
      // Counted: the live count (2), past the goal; these achievements existed before the check-ins, so both unlocked.
      expect(byId(mine, landed.id).progress).toBe(2);
      expect(byId(mine, landed.id).unlocked_at).toBeInstanceOf(Date);
    }

    // Another rider reads the same catalogue with their own (empty) progress.
    const theirs = await walk(other);
    expect(theirs.map((a) => a.achievement_id)).toEqual(expected.map((a) => a.id));
    expect(theirs.filter((a) => made.some((m) => m.id === a.achievement_id)).every((a) => a.progress === 0 && a.unlocked_at === null)).toBe(
      true,
    );
  });
});
