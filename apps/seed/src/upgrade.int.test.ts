import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createDb, MIGRATIONS_FOLDER, migrateDb, type DbHandle } from '@skatehubba/db';
import { emptyDatabaseTarget } from '@skatehubba/testing';
import { SEED_TABLES, SeedGenerator } from './generate';
import { loadTables, type SqlRunner } from './load';
import { PROFILES } from './profiles';

// Migration safety: a database that holds data at the previous migration is
// upgraded to the latest with the migrator, and every row is still there,
// unchanged. Runs on PGlite, the Postgres server and the Neon WebSocket Pool
// (neon-http cannot migrate: no transaction).
const engine = inject('engine');
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** An empty database on this run's engine: in-memory PGlite, or a new database on the server. */
async function emptyDatabase(): Promise<DbHandle> {
  const { options, drop } = await emptyDatabaseTarget();
  const handle = await createDb(options);
  cleanups.push(async () => {
    await handle.close();
    await drop();
  });
  return handle;
}

/** A copy of the migrations folder whose journal stops before the last migration. */
async function previousMigrations(): Promise<{ folder: string; latest: string }> {
  const folder = await mkdtemp(join(tmpdir(), 'skatehubba-previous-'));
  cleanups.push(() => rm(folder, { recursive: true, force: true }));
  await cp(MIGRATIONS_FOLDER, folder, { recursive: true });
  const journalPath = join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(await readFile(journalPath, 'utf8')) as { entries: { tag: string }[] };
  const latest = journal.entries.pop()!.tag;
  await writeFile(journalPath, JSON.stringify(journal));
  return { folder, latest };
}

async function runner(handle: DbHandle): Promise<SqlRunner & { release(): void }> {
  if (handle.driver === 'pglite') return Object.assign(handle.client, { release: () => undefined });
  if (handle.driver === 'neon-http') throw new Error('neon-http has no sessions');
  return (await handle.client.connect()) as unknown as SqlRunner & { release(): void };
}

/** Row count and a digest of every row, per table. */
const snapshot = async (db: SqlRunner) => {
  const result: Record<string, { rows: number; digest: string }> = {};
  for (const table of SEED_TABLES) {
    const { rows } = await db.query<{ rows: number; digest: string }>(
      `SELECT count(*)::int AS rows, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS digest FROM ${table} t`,
    );
    result[table] = rows[0]!;
  }
  return result;
};

describe.skipIf(engine === 'neon-http')(`upgrade with data on ${engine}`, () => {
  it('migrates a seeded database from the previous migration to the latest and loses nothing', async () => {
    const handle = await emptyDatabase();
    const { folder, latest } = await previousMigrations();
    await migrateDb(handle, folder);

    const db = await runner(handle);
    try {
      await db.query('BEGIN');
      await loadTables(db, new SeedGenerator(3, { ...PROFILES.small, users: 300, spots: 60, checkins: 3_000 }));
      await db.query('COMMIT');
      const before = await snapshot(db);
      expect(before.checkins!.rows).toBe(3_000);

      await migrateDb(handle);

      const { rows: applied } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations');
      const journal = JSON.parse(await readFile(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
      expect(applied[0]!.n, `${latest} was applied on top`).toBe(journal.entries.length);
      expect(await snapshot(db)).toEqual(before);
    } finally {
      db.release();
    }
  });
});
