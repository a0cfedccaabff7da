import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { is } from 'drizzle-orm';
import { getTableConfig, isPgEnum, PgTable } from 'drizzle-orm/pg-core';
import { afterAll, describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import { emptyDatabaseTarget, hasSessions, ignoreServerShutdown, randomSuffix, withDatabase, withUser } from '@skatehubba/testing';
import { createDb, type DbHandle } from './client';
import { MIGRATIONS_FOLDER, migrateDb } from './migrate';
import * as schema from './schema';

// Integration: the committed migrations apply from zero through migrateDb()
// (the path production takes) on this run's engine, and applying them again
// changes nothing.
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

const query = async <R>(handle: DbHandle, text: string): Promise<R[]> => {
  switch (handle.driver) {
    case 'pglite':
      return (await handle.client.query(text)).rows as R[];
    case 'neon-http':
      return (await handle.client.query(text)) as R[];
    case 'node-postgres':
      return (await handle.client.query(text)).rows as R[];
    case 'neon-serverless':
      return (await handle.client.query(text)).rows as R[];
  }
};

/** Everything a migration can change, as one digest: columns, constraints, indexes, triggers, functions, enums. */
const FINGERPRINT = `
  SELECT md5(string_agg(line, E'\\n' ORDER BY line)) AS digest, count(*)::int AS objects FROM (
    SELECT format('col %s.%s %s %s %s', table_name, column_name, data_type, is_nullable, column_default) AS line
      FROM information_schema.columns WHERE table_schema = 'public'
    UNION ALL SELECT format('con %s %s', conname, pg_get_constraintdef(oid)) FROM pg_constraint WHERE connamespace = 'public'::regnamespace
    UNION ALL SELECT format('idx %s', indexdef) FROM pg_indexes WHERE schemaname = 'public'
    UNION ALL SELECT format('trg %s', pg_get_triggerdef(t.oid)) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                WHERE NOT t.tgisinternal AND c.relnamespace = 'public'::regnamespace
    UNION ALL SELECT format('fn %s', md5(prosrc)) FROM pg_proc WHERE pronamespace = 'public'::regnamespace
    UNION ALL SELECT format('enum %s %s %s', t.typname, e.enumsortorder, e.enumlabel) FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid
  ) objects`;

/** The same objects counted by kind; constraints without NOT NULL (Postgres 18 records those too, 15 does not). */
const OBJECTS_BY_KIND = `
  SELECT (SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public')::int AS columns,
         (SELECT count(*) FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND contype IN ('p', 'f', 'u', 'c'))::int AS constraints,
         (SELECT count(*) FROM pg_indexes WHERE schemaname = 'public')::int AS indexes,
         -- Triggers of public tables: each audit partition (schema audit_partitions) carries copies of its parent's.
         (SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
           WHERE NOT t.tgisinternal AND c.relnamespace = 'public'::regnamespace)::int AS triggers,
         (SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace)::int AS functions,
         (SELECT count(*) FROM pg_enum)::int AS enum_labels`;

/** What the committed migrations must build, counted from the schema and the migration files themselves. */
async function expectedObjects() {
  const tables = Object.values(schema as Record<string, unknown>)
    .filter((v): v is PgTable => is(v, PgTable))
    .map((table) => getTableConfig(table));
  const sum = (f: (table: (typeof tables)[number]) => number) => tables.reduce((n, table) => n + f(table), 0);
  const primaryKeys = sum((t) => (t.primaryKeys.length || t.columns.some((c) => c.primary) ? 1 : 0));
  const uniques = sum((t) => t.uniqueConstraints.length + t.columns.filter((c) => c.isUnique).length);
  // Triggers and functions exist only in the custom migrations: replay their CREATE and DROP statements.
  const created = { triggers: new Set<string>(), functions: new Set<string>() };
  for (const file of (await readdir(MIGRATIONS_FOLDER)).filter((f) => f.endsWith('.sql')).sort()) {
    const text = await readFile(join(MIGRATIONS_FOLDER, file), 'utf8');
    for (const m of text.matchAll(/\b(CREATE(?: OR REPLACE)?|DROP) (TRIGGER|FUNCTION) (?:IF EXISTS )?(\w+)/gi)) {
      const set = m[2]!.toUpperCase() === 'TRIGGER' ? created.triggers : created.functions;
      if (m[1]!.toUpperCase() === 'DROP') set.delete(m[3]!);
      else set.add(m[3]!);
    }
  }
  return {
    columns: sum((t) => t.columns.length),
    constraints: primaryKeys + uniques + sum((t) => t.foreignKeys.length + t.checks.length),
    indexes: primaryKeys + uniques + sum((t) => t.indexes.length),
    triggers: created.triggers.size,
    functions: created.functions.size,
    enum_labels: Object.values(schema as Record<string, unknown>)
      .filter(isPgEnum)
      .reduce((n, e) => n + e.enumValues.length, 0),
  };
}

const journalEntries = async () =>
  (JSON.parse(await readFile(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }).entries.length;

describe(`migrations on ${engine}`, () => {
  it.runIf(engine === 'neon-http')('are refused over neon-http, which has no transaction to run them in', async () => {
    const handle = await emptyDatabase();
    await expect(migrateDb(handle)).rejects.toThrow(/neon-http has no transactions/);
    expect(await query(handle, "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'")).toEqual([
      { n: 0 },
    ]);
  });

  it.skipIf(!hasSessions())('apply from zero, and applying again changes nothing', async () => {
    const handle = await emptyDatabase();
    const [empty] = await query<{ objects: number }>(handle, FINGERPRINT);
    expect(empty!.objects).toBe(0);

    await migrateDb(handle);
    const [first] = await query<{ digest: string; objects: number }>(handle, FINGERPRINT);
    const applied = await query<{ n: number }>(handle, 'SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations');
    const [kinds] = await query<Awaited<ReturnType<typeof expectedObjects>>>(handle, OBJECTS_BY_KIND);
    expect(kinds).toEqual(await expectedObjects());
    expect(applied).toEqual([{ n: await journalEntries() }]);

    await migrateDb(handle);
    expect(await query(handle, FINGERPRINT)).toEqual([first]);
    expect(await query(handle, 'SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations')).toEqual(applied);
  });

  it.skipIf(!hasSessions())('do not leave their lock timeout on the connection', async () => {
    const handle = await emptyDatabase();
    await migrateDb(handle);
    // A pooled connection handed back after migrating must not keep the 10 s lock_timeout.
    expect(await query(handle, 'SHOW lock_timeout')).toEqual([{ lock_timeout: '0' }]);
  });

  // On Neon the migrations run as neondb_owner: it owns the database and may
  // create roles, but it is no superuser. A superuser (the tests' postgres)
  // passes checks that such a login fails, so the path is run for real here,
  // with a login made like it.
  it.runIf(engine === 'postgres')('apply as a login that is not a superuser, and hand every object to skatehubba_owner', async () => {
    const url = inject('postgresUrl');
    const login = `skatehubba_deployer_${randomSuffix()}`;
    const admin = new pg.Client({ connectionString: url });
    admin.on('error', ignoreServerShutdown);
    await admin.connect();
    cleanups.push(async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${login} WITH (FORCE)`);
      await admin.query(`DROP ROLE IF EXISTS ${login}`);
      await admin.end();
    });
    await admin.query(`CREATE ROLE ${login} LOGIN CREATEROLE NOSUPERUSER NOBYPASSRLS`);
    await admin.query(`CREATE DATABASE ${login} OWNER ${login}`);
    const handle = await createDb({ driver: 'node-postgres', url: withUser(withDatabase(url, login), login), max: 2 });
    try {
      await migrateDb(handle);
      const owners = await query<{ owner: string; n: number }>(
        handle,
        `SELECT pg_get_userbyid(owner) AS owner, count(*)::int AS n FROM (
           SELECT relowner AS owner FROM pg_class WHERE relnamespace = 'public'::regnamespace
           UNION ALL SELECT proowner FROM pg_proc WHERE pronamespace = 'public'::regnamespace
           UNION ALL SELECT typowner FROM pg_type WHERE typnamespace = 'public'::regnamespace AND typtype = 'e'
         ) o GROUP BY 1`,
      );
      expect(owners).toEqual([{ owner: 'skatehubba_owner', n: expect.any(Number) }]);
    } finally {
      await handle.close();
    }
  });
});
