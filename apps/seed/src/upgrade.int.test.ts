import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createDb, MIGRATIONS_FOLDER, migrateDb, type DbHandle } from '@skatehubba/db';
import { emptyDatabaseTarget } from '@skatehubba/testing';
import { SEED_TABLES, SeedGenerator } from './generate';
import { loadTables, type SqlRunner } from './load';
import { PROFILES } from './profiles';

// Migration safety, one step at a time: for every migration k of the journal,
// a database migrated to k and holding data is migrated to k + 1 with the
// migrator, and every row is still there, unchanged (audit trail included).
// A statement added to any migration, old or new, that rewrites or loses rows
// fails its step. Runs on PGlite, the Postgres server and the Neon WebSocket
// Pool (neon-http cannot migrate: no transaction).
//
// The seed generator writes the current schema's columns. Every seeded table
// exists from the first migration on, so every step is seeded; a future
// migration that adds a column the generator writes makes the steps before it
// fail loudly here ("column does not exist"), and those steps then need rows
// that fit them.
const engine = inject('engine');
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

interface JournalEntry {
  idx: number;
  tag: string;
}
const journal = JSON.parse(await readFile(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: JournalEntry[] };
/** Each step: from the database at migration k to the one at k + 1. */
const steps = journal.entries.slice(1).map((to, k) => ({ k, from: journal.entries[k]!.tag, to: to.tag }));

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

/** A copy of the migrations folder whose journal stops after migration k. */
async function migrationsUpTo(k: number): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), `skatehubba-upto-${k}-`));
  cleanups.push(() => rm(folder, { recursive: true, force: true }));
  await cp(MIGRATIONS_FOLDER, folder, { recursive: true });
  await writeFile(join(folder, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries: journal.entries.slice(0, k + 1) }));
  return folder;
}

async function runner(handle: DbHandle): Promise<SqlRunner & { release(): void }> {
  if (handle.driver === 'pglite') return Object.assign(handle.client, { release: () => undefined });
  if (handle.driver === 'neon-http') throw new Error('neon-http has no sessions');
  return (await handle.client.connect()) as unknown as SqlRunner & { release(): void };
}

const SNAPSHOT_TABLES = [...SEED_TABLES, 'audit_logs'];

/** The columns of each snapshot table now, in order: a later snapshot digests these same columns. */
const columnsOf = async (db: SqlRunner) => {
  const { rows } = await db.query<{ table: string; columns: string[] }>(
    `SELECT table_name AS table, array_agg(quote_ident(column_name) ORDER BY ordinal_position) AS columns
       FROM information_schema.columns WHERE table_schema = 'public'
        -- 0008 fills audit_logs.subject_id in on purpose (the backfill, whose values
        -- libs/db/src/migrate.int.test.ts checks row by row); every other column must not move.
        AND (table_name, column_name) <> ('audit_logs', 'subject_id')
      GROUP BY table_name`,
  );
  return Object.fromEntries(rows.map((r) => [r.table, r.columns]));
};

/**
 * Row count and a digest of every row, per table, over the columns the table
 * had before the step (`columns`): a column the step adds (audit_logs'
 * subject_id in 0007) is new data, not a change to the old rows, and is
 * checked by the test of the migration that adds and fills it.
 */
const snapshot = async (db: SqlRunner, columns: Record<string, string[]>) => {
  const result: Record<string, { rows: number; digest: string }> = {};
  for (const table of SNAPSHOT_TABLES) {
    const { rows } = await db.query<{ rows: number; digest: string }>(
      `SELECT count(*)::int AS rows, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS digest
         FROM (SELECT ${columns[table]!.join(', ')} FROM ${table}) t`,
    );
    result[table] = rows[0]!;
  }
  return result;
};

describe.skipIf(engine === 'neon-http')(`upgrade with data on ${engine}, every step of the journal`, () => {
  it('has at least one step to walk', () => {
    expect(steps.length).toBe(journal.entries.length - 1);
    expect(steps.length).toBeGreaterThan(0);
  });

  it.for(steps)('seeded at $from, migrated to $to: every row unchanged', async ({ k, to }) => {
    const handle = await emptyDatabase();
    await migrateDb(handle, await migrationsUpTo(k));

    const db = await runner(handle);
    try {
      const appliedAt = async () =>
        (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations')).rows[0]!.n;
      expect(await appliedAt()).toBe(k + 1);
      await db.query('BEGIN');
      await loadTables(db, new SeedGenerator(3 + k, { ...PROFILES.small, users: 200, spots: 40, checkins: 2_000 }), {
        schemaAsFound: true,
      });
      await db.query('COMMIT');
      const columns = await columnsOf(db);
      const before = await snapshot(db, columns);
      expect(before.checkins!.rows).toBe(2_000);

      await migrateDb(handle, await migrationsUpTo(k + 1));

      expect(await appliedAt(), `${to} was applied on top`).toBe(k + 2);
      expect(await snapshot(db, columns)).toEqual(before);
    } finally {
      db.release();
    }
  });
});
