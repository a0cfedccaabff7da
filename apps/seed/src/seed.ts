import { createDb, migrateDb, type NodePgHandle, type PgliteHandle } from '@skatehubba/db';
import { SeedGenerator } from './generate';
import { loadTables, SeedError, type SqlRunner } from './load';
import type { SeedCounts } from './profiles';
import { printTimings, type StageTiming } from './progress';

export interface SeedResult {
  seeded: boolean;
  existingUsers: number;
  timings: StageTiming[];
}

/** Tables the seed writes, for --reset on a server database. */
const log = (line: string) => process.stderr.write(`${line}\n`);

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
 * Migrates with the real migrations, then seeds in one transaction, unless the
 * database already holds riders: then it reuses them and changes nothing
 * (`--reset` is the only way to start over). A refused row stops the run and
 * rolls back everything, with the table and the rule in the error.
 */
// The seed loads on a session (one transaction, bulk statements): PGlite or a server over TCP.
export async function migrateAndSeed(handle: PgliteHandle | NodePgHandle, seed: number, counts: SeedCounts): Promise<SeedResult> {
  const timings: StageTiming[] = [];
  await timed(timings, 'migrate', () => migrateDb(handle));
  const runner: SqlRunner = handle.driver === 'pglite' ? handle.client : await handle.client.connect();
  try {
    const [{ n }] = (await runner.query<{ n: string | number }>('SELECT count(*) AS n FROM users')).rows as [{ n: string | number }];
    const existingUsers = Number(n);
    if (existingUsers > 0) {
      log(`database already has ${existingUsers.toLocaleString('en-US')} riders: reusing it (pass --reset to start over)`);
      return { seeded: false, existingUsers, timings };
    }
    const generator = await timed(timings, 'plan', async () => new SeedGenerator(seed, counts));
    await runner.query('BEGIN');
    try {
      timings.push(...(await loadTables(runner, generator)));
      await timed(timings, 'commit', () => runner.query('COMMIT'));
    } catch (error) {
      await runner.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    await timed(timings, 'analyze', () => runner.query('ANALYZE'));
    printTimings(timings);
    return { seeded: true, existingUsers: 0, timings };
  } finally {
    if ('release' in runner) (runner as { release(): void }).release();
  }
}

export interface RiderLogin {
  handle: string;
  email: string;
  checkins: number;
}

/** The busiest riders, printed as logins to try. */
export async function sampleRiders(runner: SqlRunner, n = 3): Promise<RiderLogin[]> {
  const { rows } = await runner.query<{ handle: string; email: string; checkins: string | number }>(
    `SELECT u.handle, u.email, count(c.id) AS checkins
       FROM users u LEFT JOIN checkins c ON c.user_id = u.id
      GROUP BY u.id ORDER BY count(c.id) DESC, u.handle LIMIT ${Number(n)}`,
  );
  return rows.map((r) => ({ ...r, checkins: Number(r.checkins) }));
}

export { SeedError, createDb };
