import { describe, expect } from 'vitest';
import { databaseTest, hasSessions, type TestDatabase } from '@skatehubba/testing';
import { ACHIEVEMENT_CATALOGUE } from './vocabulary';
import { SeedGenerator } from './generate';
import { loadTables, SeedError, type SqlRunner } from './load';
import { PROFILES } from './profiles';

// Integration: the generator's rows go through the real schema (every CHECK,
// FK, the dedupe index and the triggers) on each engine.
const it = databaseTest({});
let runner: SqlRunner & { close(): Promise<void> };

// The seed loads in one transaction on one session: not a neon-http workload.
const skip = !hasSessions();

const one = async <R>(t: TestDatabase<Record<string, never>>, text: string) => (await t.query<R>(text))[0]!;

describe.skipIf(skip)('the large profile, at small scale', () => {
  // Same shape as the large profile (per-rider activity, saved spots, session share), 1/50th of the rows.
  const counts = { ...PROFILES.large, users: 2_000, spots: 400, checkins: 20_000 };

  it.beforeAll(async ({ t }) => {
    const conn = await t.connect();
    runner = { query: async (text, params) => ({ rows: await conn.query(text, params) }), close: conn.close };
    await runner.query('BEGIN');
    await loadTables(runner, new SeedGenerator(42, counts));
    await runner.query('COMMIT');
  });
  it.afterAll(async () => runner?.close());

  it('loads every row: the database accepted all of them', async ({ t }) => {
    const c = await one<{ users: number; spots: number; checkins: number }>(
      t,
      'SELECT (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM spots)::int AS spots, (SELECT count(*) FROM checkins)::int AS checkins',
    );
    expect(c).toEqual({ users: counts.users, spots: counts.spots, checkins: counts.checkins });
  });

  it('counts and unlocks exactly as the check-ins say', async ({ t }) => {
    // The counters, recounted from the live check-ins in SQL.
    const count = (where: string) => `
      SELECT user_id, 'checkins'::achievement_metric AS metric, count(*)::int AS value FROM checkins ${where} GROUP BY user_id
      UNION ALL SELECT user_id, 'landed', count(*) FILTER (WHERE trick_status = 'landed')::int FROM checkins ${where} GROUP BY user_id
      UNION ALL SELECT user_id, 'distinct_spots', count(DISTINCT spot_id)::int FROM checkins ${where} GROUP BY user_id`;
    const wrongCounters = await one<{ n: number }>(
      t,
      `SELECT count(*)::int AS n FROM (${count('WHERE archived_at IS NULL')}) c FULL JOIN rider_metrics m USING (user_id, metric)
        WHERE coalesce(c.value, 0) <> coalesce(m.value, 0)`,
    );
    expect(wrongCounters.n).toBe(0);
    // Unlocks stay when an archive lowers a counter. The seed closes its spots
    // after every check-in is in, so each rider's peak is the count over all
    // their check-ins, archived ones included: exactly those reached a goal.
    const wrongUnlocks = await one<{ n: number }>(
      t,
      `WITH expected AS (
         SELECT c.user_id, a.id AS achievement_id, a.goal FROM (${count('')}) c JOIN achievements a ON a.metric = c.metric AND c.value >= a.goal)
       SELECT count(*)::int AS n FROM expected e
         FULL JOIN (SELECT * FROM user_achievements WHERE unlocked_at IS NOT NULL) ua USING (user_id, achievement_id)
        WHERE e.user_id IS NULL OR ua.user_id IS NULL OR ua.progress <> e.goal`,
    );
    expect(wrongUnlocks.n).toBe(0);
    // The catalogue the seed loads is the vocabulary's, metric for metric.
    const bySlug = (a: { slug: string }, b: { slug: string }) => (a.slug < b.slug ? -1 : 1);
    const catalogue = await t.query<{ slug: string; metric: string }>('SELECT slug, metric::text AS metric FROM achievements');
    expect(catalogue.sort(bySlug)).toEqual([...ACHIEVEMENT_CATALOGUE].sort(bySlug).map((a) => ({ slug: a.slug, metric: a.metric })));
    const unlocked = await one<{ n: number }>(t, 'SELECT count(*)::int AS n FROM user_achievements WHERE unlocked_at IS NOT NULL');
    expect(unlocked.n).toBeGreaterThan(counts.users / 2);
  });

  it('puts unlock times on the check-in that reached the goal', async ({ t }) => {
    const wrong = await one<{ n: number }>(
      t,
      `
      SELECT count(*)::int AS n FROM user_achievements ua JOIN achievements a ON a.id = ua.achievement_id
       WHERE a.slug = 'first-push' AND ua.unlocked_at <> (SELECT min(created_at) FROM checkins c WHERE c.user_id = ua.user_id)`,
    );
    expect(wrong.n).toBe(0);
  });

  it('leaves updated_at equal to created_at, as the trigger writes it on insert', async ({ t }) => {
    const n = await one<{ n: number }>(t, 'SELECT count(*)::int AS n FROM checkins WHERE updated_at <> created_at');
    expect(n.n).toBe(0);
  });

  it('audits every seeded row, as any insert is', async ({ t }) => {
    const n = await one<{ audited: number; rows: number }>(
      t,
      `
      SELECT (SELECT count(*) FROM audit_logs WHERE target_table = 'checkins' AND action = 'insert')::int AS audited,
             (SELECT count(*) FROM checkins)::int AS rows`,
    );
    expect(n.audited).toBe(n.rows);
  });

  it('stops at the first refused row with the table and rule, and keeps nothing of the run', async ({ t }) => {
    const before = await one<{ n: number }>(t, 'SELECT count(*)::int AS n FROM users');
    await runner.query('BEGIN');
    // Same seed again: the first user's id collides with an existing row.
    const error = await loadTables(runner, new SeedGenerator(42, { ...counts, checkins: 10 })).catch((e: unknown) => e);
    await runner.query('ROLLBACK');
    expect(error).toBeInstanceOf(SeedError);
    expect((error as SeedError).table).toBe('users');
    expect((error as SeedError).rule).toBe('users_pk');
    expect((error as SeedError).message).toMatch(/seeding users failed: users_pk refused a row/);
    expect(await one<{ n: number }>(t, 'SELECT count(*)::int AS n FROM users')).toEqual(before);
  });
});
