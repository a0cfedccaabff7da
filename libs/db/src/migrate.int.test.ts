import { randomUUID } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { is } from 'drizzle-orm';
import { getTableConfig, isPgEnum, PgTable } from 'drizzle-orm/pg-core';
import { afterAll, describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import { emptyDatabaseTarget, hasSessions, ignoreServerShutdown, randomSuffix, withDatabase, withUser } from '@skatehubba/testing';
import { createDb, type DbHandle } from './client';
import { MIGRATION_LOCK_TIMEOUT, MIGRATIONS_FOLDER, migrateDb } from './migrate';
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

  // Behind a transaction pooler a session-level SET and the migrator's
  // transaction may run on different server connections: the timeout must be
  // set inside that transaction. A migration records what it runs under.
  it.skipIf(!hasSessions())("run under the 10 s lock timeout, set inside the migrator's own transaction", async () => {
    const handle = await emptyDatabase();
    const folder = await mkdtemp(join(tmpdir(), 'skatehubba-lock-probe-'));
    cleanups.push(() => rm(folder, { recursive: true, force: true }));
    await mkdir(join(folder, 'meta'));
    const entry = { idx: 0, version: '7', when: Date.now(), tag: '0000_lock_probe', breakpoints: true };
    await writeFile(join(folder, 'meta', '_journal.json'), JSON.stringify({ version: '7', dialect: 'postgresql', entries: [entry] }));
    await writeFile(
      join(folder, '0000_lock_probe.sql'),
      "CREATE TABLE lock_probe AS SELECT current_setting('lock_timeout') AS lock_timeout, txid_current()::text AS txid;",
    );
    await migrateDb(handle, folder);
    const [probe] = await query<{ lock_timeout: string; same_transaction: boolean }>(
      handle,
      `SELECT lock_timeout, txid = (SELECT xmin::text FROM drizzle.__drizzle_migrations ORDER BY id DESC LIMIT 1) AS same_transaction FROM lock_probe`,
    );
    expect(probe).toEqual({ lock_timeout: MIGRATION_LOCK_TIMEOUT, same_transaction: true });
    expect(await query(handle, 'SHOW lock_timeout')).toEqual([{ lock_timeout: '0' }]);
  });

  it.runIf(engine !== 'pglite')("refuse Neon's pooled endpoint by its host name, before connecting", async () => {
    const url = 'postgres://neondb_owner:secret@ep-quiet-river-123456-pooler.eu-central-1.aws.neon.tech/neondb?sslmode=require';
    // No connection is opened: the host name alone decides.
    const handle = await createDb({ driver: engine === 'neon-ws' ? 'neon-serverless' : 'node-postgres', url, max: 1 });
    try {
      await expect(migrateDb(handle)).rejects.toThrow(
        "migrateDb: refusing to migrate through a connection pooler: ep-quiet-river-123456-pooler.eu-central-1.aws.neon.tech/neondb is Neon's pooled endpoint (-pooler in its host name). Migrations run DDL in one transaction across every pending file and belong on a session of their own, not on the pooler that serves the API's short requests. Migrate on the direct URL (DATABASE_URL_UNPOOLED, here postgres://neondb_owner:***@ep-quiet-river-123456.eu-central-1.aws.neon.tech/neondb?sslmode=require).",
      );
    } finally {
      await handle.close();
    }
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

// The upgrade that partitions audit_logs (0007, 0008) rebuilds the table: a
// database holding a trail at the migration before it must come out with
// every audit row, same id, order, content and created_at, and subject_id
// filled in from what each row is about. apps/seed/src/upgrade.int.test.ts
// walks every step with the seed's bulk rows; this one writes each kind of
// change (insert, update, delete, a cascade, an actor, rows from earlier
// months) by hand, so the expected subject of each row is known.
const PARTITIONS_FROM = '0006_app_default_role';

interface JournalEntry {
  tag: string;
}

/** A copy of the migrations folder whose journal stops after the migration tagged `tag`. */
async function migrationsThrough(tag: string): Promise<string> {
  const journal = JSON.parse(await readFile(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: JournalEntry[] };
  const k = journal.entries.findIndex((e) => e.tag === tag);
  if (k < 0) throw new Error(`no migration ${tag} in the journal`);
  const folder = await mkdtemp(join(tmpdir(), `skatehubba-through-${k}-`));
  cleanups.push(() => rm(folder, { recursive: true, force: true }));
  await cp(MIGRATIONS_FOLDER, folder, { recursive: true });
  await writeFile(join(folder, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries: journal.entries.slice(0, k + 1) }));
  return folder;
}

/** One connection of the handle, so a BEGIN ... COMMIT holds (PGlite is one connection anyway). */
async function session(handle: DbHandle): Promise<{ query<R>(text: string): Promise<R[]>; release(): void }> {
  if (handle.driver === 'pglite') {
    return { query: async <R>(text: string) => (await handle.client.query(text)).rows as R[], release: () => undefined };
  }
  if (handle.driver === 'neon-http') throw new Error('neon-http has no sessions');
  // node-postgres and the Neon Pool hand out the same client shape.
  const client = (await (handle.client as { connect(): Promise<unknown> }).connect()) as {
    query(text: string): Promise<{ rows: unknown[] }>;
    release(): void;
  };
  return {
    query: async <R>(text: string) => (await client.query(text)).rows as R[],
    release: () => client.release(),
  };
}

interface AuditRow {
  id: string;
  actor_id: string | null;
  action: string;
  target_table: string;
  target_id: string;
  changes: Record<string, unknown>;
  transaction_id: string;
  created_at: string;
  subject_id?: string | null;
}
const AUDIT_COLUMNS = 'id::text, actor_id, action, target_table, target_id, changes, transaction_id::text, created_at::text';

describe.skipIf(!hasSessions())(`upgrade to partitioned audit_logs on ${engine}`, () => {
  it(`from ${PARTITIONS_FROM}: every audit row survives (id, order, content, created_at), subject_id backfilled, partitions from the oldest month`, async () => {
    const handle = await emptyDatabase();
    await migrateDb(handle, await migrationsThrough(PARTITIONS_FROM));
    const db = await session(handle);
    try {
      const journal = JSON.parse(await readFile(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: JournalEntry[] };
      const through = journal.entries.findIndex((e) => e.tag === PARTITIONS_FROM) + 1;
      expect(await db.query('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations')).toEqual([{ n: through }]);
      expect(journal.entries.length, 'the upgrade under test comes after it').toBeGreaterThan(through);
      const [a, b, staff, spot, c1, c2, s1, s2, ach] = Array.from({ length: 9 }, (): string => randomUUID()) as [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
      ];
      const hash = () => randomUUID().replaceAll('-', '').repeat(2);
      const url = `https://media.skatehubba.test/a.jpg?X-Amz-Expires=60&X-Amz-Signature=${'ab'.repeat(16)}`;
      for (const statement of [
        `INSERT INTO users (id, handle, email, display_name, avatar_url) VALUES ('${a}', 'up_a_${a.slice(0, 8)}', 'a.${a.slice(0, 8)}@example.test', 'Rider A', '${url}')`,
        `INSERT INTO users (id, handle, email, display_name) VALUES ('${b}', 'up_b_${b.slice(0, 8)}', 'b.${b.slice(0, 8)}@example.test', 'Rider B')`,
        `INSERT INTO sessions (id, user_id, token_hash, expires_at) VALUES ('${s1}', '${a}', '${hash()}', now() + interval '1 day')`,
        `INSERT INTO sessions (id, user_id, token_hash, expires_at) VALUES ('${s2}', '${b}', '${hash()}', now() + interval '1 day')`,
        `UPDATE sessions SET revoked_at = now() WHERE id = '${s1}'`,
        `INSERT INTO spots (id, name, latitude, longitude, created_by) VALUES ('${spot}', 'Upgrade plaza', 34.0, -118.4, '${a}')`,
        `INSERT INTO saved_spots (user_id, spot_id) VALUES ('${a}', '${spot}'), ('${b}', '${spot}')`,
        `DELETE FROM saved_spots WHERE user_id = '${a}'`,
        `INSERT INTO checkins (id, user_id, spot_id, trick, trick_status, stance, note, media_url) VALUES ('${c1}', '${a}', '${spot}', 'kickflip', 'landed', 'regular', 'first try', '${url}')`,
        `INSERT INTO checkins (id, user_id, spot_id, trick, trick_status, stance) VALUES ('${c2}', '${b}', '${spot}', 'ollie', 'bailed', 'goofy')`,
        `UPDATE checkins SET note = 'second try' WHERE id = '${c1}'`,
        `INSERT INTO achievements (id, slug, name, description, tier, goal) VALUES ('${ach}', 'up-${ach.slice(0, 8)}', 'Upgrade', '', 'gold', 3)`,
        `INSERT INTO user_achievements (user_id, achievement_id, goal, progress) VALUES ('${a}', '${ach}', 3, 1)`,
        `UPDATE user_achievements SET progress = 2 WHERE user_id = '${a}'`,
        `UPDATE users SET display_name = 'Rider A renamed' WHERE id = '${a}'`,
        // Staff work with an actor, in one transaction.
        'BEGIN',
        `SELECT set_config('skatehubba.actor_id', '${staff}', true)`,
        `UPDATE spots SET name = 'Upgrade plaza renamed' WHERE id = '${spot}'`,
        'COMMIT',
        // Rider B deleted: the cascades (session, check-in, saved spot) are audited as deletes about B.
        `DELETE FROM users WHERE id = '${b}'`,
        // A trail older than this month: written as the admin with a past created_at (5 and 20 months ago).
        `INSERT INTO audit_logs (action, target_table, target_id, changes, created_at) VALUES ('update', 'users', '${a}', '{"display_name": ["Old", "Older"]}', now() - interval '5 months')`,
        `INSERT INTO audit_logs (action, target_table, target_id, changes, created_at) VALUES ('update', 'users', '${a}', '{"display_name": ["Oldest", "Old"]}', now() - interval '20 months')`,
      ]) {
        await db.query(statement);
      }
      const before = await db.query<AuditRow>(`SELECT ${AUDIT_COLUMNS} FROM audit_logs ORDER BY id`);
      expect(before.length).toBeGreaterThan(20);
      expect(before.filter((r) => r.actor_id === staff)).toHaveLength(1);

      await migrateDb(handle);

      // Who each row is about: the rider, by table; nobody for an achievement.
      const subjects: Record<string, Record<string, string | null>> = {
        users: { [a]: a, [b]: b },
        sessions: { [s1]: a, [s2]: b },
        spots: { [spot]: a },
        saved_spots: { [`${a}/${spot}`]: a, [`${b}/${spot}`]: b },
        checkins: { [c1]: a, [c2]: b },
        achievements: { [ach]: null },
        user_achievements: { [`${a}/${ach}`]: a },
      };
      const after = await db.query<AuditRow>(`SELECT ${AUDIT_COLUMNS}, subject_id FROM audit_logs ORDER BY id`);
      expect(after).toEqual(before.map((row) => ({ ...row, subject_id: subjects[row.target_table]?.[row.target_id] })));
      expect(after.filter((r) => r.subject_id === undefined)).toEqual([]);

      // Partitioned, from the oldest row's month to 3 months ahead, and nothing in the default partition.
      const [{ months }] = (await db.query<{ months: string[] }>(
        `SELECT array_agg(to_char(m, '"audit_logs_"YYYY_MM') ORDER BY m) AS months
           FROM generate_series(date_trunc('month', now() - interval '20 months'), date_trunc('month', now()) + interval '3 months', interval '1 month') m`,
      )) as [{ months: string[] }];
      const partitions = await db.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'public.audit_logs'::regclass ORDER BY 1`,
      );
      expect(partitions.map((p) => p.name)).toEqual([...months, 'audit_logs_default']);
      expect(
        await db.query(
          `SELECT count(*)::int AS n FROM audit_logs a JOIN pg_class c ON c.oid = a.tableoid WHERE c.relname = 'audit_logs_default'`,
        ),
      ).toEqual([{ n: 0 }]);

      // New changes continue the same id sequence, after every old row.
      await db.query(`UPDATE users SET display_name = 'After the upgrade' WHERE id = '${a}'`);
      const [newest] = await db.query<{ id: string; subject_id: string }>(
        `SELECT id::text, subject_id FROM audit_logs WHERE target_table = 'users' ORDER BY id DESC LIMIT 1`,
      );
      expect(BigInt(newest!.id)).toBeGreaterThan(BigInt(before.at(-1)!.id));
      expect(newest!.subject_id).toBe(a);
    } finally {
      db.release();
    }
  });
});
