import { createDb, migrateDb, type NodePgHandle, type PgliteHandle } from '@skatehubba/db';
import { hashSessionToken } from '@skatehubba/identity/factories';
import { LOGIN_RIDERS, SeedGenerator, seedLoginToken } from './generate';
import { loadTables, SeedError, type SqlRunner } from './load';
import type { SeedCounts } from './profiles';
import { printTimings, type StageTiming } from './progress';

export interface SeedResult {
  seeded: boolean;
  /** What the database held before: riders, spots and check-ins (all 0 when it was seeded now). */
  existing: Holdings;
  timings: StageTiming[];
}

export interface Holdings {
  users: number;
  spots: number;
  checkins: number;
}

export interface SeedPlan {
  seed: number;
  counts: SeedCounts;
  /** Start of the UTC day the timeline ends at; default today. */
  anchor?: number;
  /** Aborting stops the load at the next batch and rolls it back. */
  signal?: AbortSignal;
}

async function timed<T>(timings: StageTiming[], stage: string, fn: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await fn();
  timings.push({ stage, ms: performance.now() - start });
  return result;
}

/** Empties a server database the seed is about to rebuild: only called with --reset. */
export async function resetServerDatabase(runner: SqlRunner) {
  await runner.query('DROP SCHEMA IF EXISTS drizzle CASCADE');
  await runner.query('DROP SCHEMA IF EXISTS public CASCADE');
  await runner.query('CREATE SCHEMA public');
}

/**
 * The spots that closed: archived at the anchor, after every check-in there,
 * with their check-ins, as `archive_spot()` does. The check-ins counted when
 * they were made (their unlocks stay); the riders' counters go down now.
 */
async function closeSpots(runner: SqlRunner, generator: SeedGenerator) {
  const { ids, at } = generator.closedSpots();
  await runner.query('UPDATE spots SET archived_at = $2::timestamptz WHERE id = ANY($1::uuid[])', [ids, at]);
  await runner.query('UPDATE checkins SET archived_at = $2::timestamptz WHERE spot_id = ANY($1::uuid[]) AND archived_at IS NULL', [
    ids,
    at,
  ]);
}

/**
 * A believable inbox: the check-in triggers wrote a notification for every
 * unlock as the check-ins loaded, all unread. Riders open most of them: 85%
 * of those older than a day are read, from a minute to 36 hours after they
 * came, never after the anchor. Which ones and when follow from the row's
 * rider and achievement (an md5), so the same seed reads the same ones.
 */
async function readOldNotifications(runner: SqlRunner, anchor: number) {
  await runner.query(
    `UPDATE notifications n
        SET read_at = least(n.created_at + make_interval(mins => 1 + (get_byte(h.digest, 0) * 256 + get_byte(h.digest, 1)) % 2160),
                            $1::timestamptz - interval '1 minute')
       FROM (SELECT id, decode(md5(user_id::text || coalesce(achievement_id::text, '')), 'hex') AS digest FROM notifications) h
      WHERE h.id = n.id AND n.created_at < $1::timestamptz - interval '1 day' AND get_byte(h.digest, 2) < 218`,
    [new Date(anchor).toISOString()],
  );
}

/** How many riders, spots and check-ins a migrated database holds. */
export async function holdings(runner: SqlRunner): Promise<Holdings> {
  const { rows } = await runner.query<Record<keyof Holdings, string | number>>(
    'SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM spots) AS spots, (SELECT count(*) FROM checkins) AS checkins',
  );
  const r = rows[0]!;
  return { users: Number(r.users), spots: Number(r.spots), checkins: Number(r.checkins) };
}

/**
 * Migrates with the real migrations, then seeds in one transaction, unless the
 * database already holds riders: then it reuses them and changes nothing
 * (`--reset` is the only way to start over). A refused row, or an abort,
 * stops the run and rolls back everything; a refusal names the table and rule.
 */
// The seed loads on a session (one transaction, bulk statements): PGlite or a server over TCP.
export async function migrateAndSeed(handle: PgliteHandle | NodePgHandle, plan: SeedPlan): Promise<SeedResult> {
  const timings: StageTiming[] = [];
  await timed(timings, 'migrate', () => migrateDb(handle));
  plan.signal?.throwIfAborted();
  const runner: SqlRunner = handle.driver === 'pglite' ? handle.client : await handle.client.connect();
  try {
    const existing = await holdings(runner);
    if (existing.users > 0) return { seeded: false, existing, timings };
    const generator = await timed(timings, 'plan', async () => new SeedGenerator(plan.seed, plan.counts, plan.anchor));
    await runner.query('BEGIN');
    try {
      // The leaderboards count the 30 days up to the seed's anchor, as if the maintenance job had run that day.
      await runner.query('SELECT roll_leaderboards($1::timestamptz)', [new Date(generator.anchor).toISOString()]);
      timings.push(...(await loadTables(runner, generator, { signal: plan.signal })));
      plan.signal?.throwIfAborted();
      await timed(timings, 'close spots', () => closeSpots(runner, generator));
      await timed(timings, 'inbox history', () => readOldNotifications(runner, generator.anchor));
      await timed(timings, 'commit', () => runner.query('COMMIT'));
    } catch (error) {
      await runner.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    await timed(timings, 'analyze', () => runner.query('ANALYZE'));
    printTimings(timings);
    return { seeded: true, existing, timings };
  } finally {
    if ('release' in runner) (runner as { release(): void }).release();
  }
}

export interface RiderLogin {
  id: string;
  handle: string;
  email: string;
  checkins: number;
  /** The rider's seed session token, when the database holds its live session. */
  token: string | undefined;
  /** Why there is no token: the seed session expired or was revoked, or this seed made none here. */
  missing?: 'expired' | 'other-seed';
}

/**
 * The busiest riders, printed as logins to try, each with the session token
 * the seed derived for them (see `seedLoginToken()`) if that session is live
 * in this database: seeded with this `--seed`, not expired, not revoked.
 */
export async function riderLogins(runner: SqlRunner, seed: number, n = LOGIN_RIDERS): Promise<RiderLogin[]> {
  const { rows } = await runner.query<{ id: string; handle: string; email: string; checkins: string | number }>(
    `SELECT u.id, u.handle, u.email, count(c.id) AS checkins
       FROM users u LEFT JOIN checkins c ON c.user_id = u.id
      GROUP BY u.id ORDER BY count(c.id) DESC, u.handle COLLATE "C" LIMIT ${Number(n)}`,
  );
  const tokens = rows.map((r) => seedLoginToken(seed, r.id));
  const { rows: found } = await runner.query<{ token_hash: string; live: boolean }>(
    'SELECT token_hash, (revoked_at IS NULL AND expires_at > now()) AS live FROM sessions WHERE token_hash = ANY($1::text[])',
    [tokens.map(hashSessionToken)],
  );
  const state = new Map(found.map((f) => [f.token_hash, f.live]));
  return rows.map((r, i) => {
    const live = state.get(hashSessionToken(tokens[i]!));
    const login = { id: r.id, handle: r.handle, email: r.email, checkins: Number(r.checkins) };
    if (live) return { ...login, token: tokens[i] };
    return { ...login, token: undefined, missing: live === false ? 'expired' : 'other-seed' };
  });
}

export { SeedError, createDb };
