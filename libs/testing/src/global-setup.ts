import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { ignoreServerShutdown, LOGINS, MIGRATIONS_FOLDER, randomSuffix, serverUrls, withDatabase, type EngineName } from './engine';

/**
 * Runs once per test run and engine: migrates one database with the real
 * migrations, then every test file gets its own copy of it.
 *  - pglite: migrate in memory, dump the data dir; each file loads the dump.
 *  - postgres: migrate a template database; each file clones it
 *    (CREATE DATABASE ... TEMPLATE ... STRATEGY FILE_COPY, about 10 ms).
 */
export default async function setup(project: TestProject) {
  const engine = project.config.provide.engine as EngineName;
  if (engine === 'pglite') {
    const dir = await mkdtemp(join(tmpdir(), 'skatehubba-pglite-'));
    // SKATEHUBBA_PGLITE_EMPTY: a dump of a freshly initialised, empty PGlite
    // (no schema) to start from instead of running initdb, 10 s on a busy
    // 2-core machine; the mutation gate sets it for its hundred runs.
    const empty = process.env.SKATEHUBBA_PGLITE_EMPTY;
    const client = empty ? new PGlite({ loadDataDir: new Blob([await readFile(empty)]) }) : new PGlite();
    await migratePglite(drizzlePglite(client), { migrationsFolder: MIGRATIONS_FOLDER });
    for (const statement of mutantStatements()) await client.exec(statement);
    const dump = await client.dumpDataDir('none');
    await client.close();
    const file = join(dir, 'migrated.tar');
    await writeFile(file, Buffer.from(await dump.arrayBuffer()));
    project.provide('pgliteSnapshot', file);
    return async () => rm(dir, { recursive: true, force: true });
  }

  const { direct: url, pooled } = serverUrls();
  if (!url) throw new Error(`the ${engine} test engine needs DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/postgres`);
  const template = `skatehubba_tpl_${randomSuffix()}`;
  const admin = new pg.Client({ connectionString: url });
  admin.on('error', ignoreServerShutdown);
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `cannot reach ${process.env.DATABASE_URL_UNPOOLED ? 'DATABASE_URL_UNPOOLED' : 'DATABASE_URL'} (${new URL(url).host}): ${(error as Error).message}. Start Postgres or unset DATABASE_URL to test on PGlite only.`,
    );
  }
  // Databases are created, migrated and cloned on the direct URL only: a
  // pooler that had served the template would keep a server connection to it,
  // and CREATE DATABASE ... TEMPLATE fails while anyone is connected to the
  // source ("source database ... is being accessed by other users").
  if (pooled === url) {
    const relay = await relayedConnection(admin);
    if (relay) {
      await admin.end();
      throw new Error(
        `DATABASE_URL (${new URL(url).host}) is not the server itself: ${relay}. Test databases are created and cloned on the direct connection: set DATABASE_URL_UNPOOLED to the server (e.g. postgres://postgres@127.0.0.1:5432/postgres) and keep DATABASE_URL on the pooler for the app connections.`,
      );
    }
  } else {
    await checkPooler(pooled!, url);
  }
  await admin.query(`CREATE DATABASE ${template}`);
  const pool = new pg.Pool({ connectionString: withDatabase(url, template), max: 1 });
  pool.on('error', ignoreServerShutdown);
  try {
    await migrateNodePg(drizzleNodePg(pool), { migrationsFolder: MIGRATIONS_FOLDER });
    for (const statement of mutantStatements()) await pool.query(statement);
  } finally {
    await pool.end();
  }
  // The migrations create the roles NOLOGIN; a deployment gives the API's role
  // (and support's) a login, and so does the test run: trust auth on loopback,
  // no password. Roles are per cluster: altered only when needed, since two
  // runs altering one role at once fail ("tuple concurrently updated").
  for (const role of Object.values(LOGINS)) {
    const { rows } = await admin.query<{ rolcanlogin: boolean }>('SELECT rolcanlogin FROM pg_roles WHERE rolname = $1', [role]);
    if (!rows[0]?.rolcanlogin) await admin.query(`ALTER ROLE ${role} LOGIN`);
  }
  project.provide('postgresUrl', url);
  project.provide('postgresTemplate', template);
  project.provide('postgresPooledUrl', pooled!);
  const helpers = engine === 'neon-ws' || engine === 'neon-http' ? await startNeonHelpers() : undefined;
  if (helpers) {
    project.provide('neonWsProxy', helpers.wsProxy);
    project.provide('neonFetchEndpoint', helpers.fetchEndpoint);
  }
  return async () => {
    await helpers?.stop();
    await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await admin.end();
  };
}

/**
 * Whether something on this machine relays `client`'s connection: the server
 * sees it at a loopback address, but at another port than the client's own
 * socket (PgBouncer opens its own connections to the server). The same probe
 * as migrateDb()'s refusal of a pooler.
 */
async function relayedConnection(client: pg.Client): Promise<string | undefined> {
  const { rows } = await client.query<{ addr: string | null; port: number | null }>(
    'SELECT host(inet_client_addr()) AS addr, inet_client_port() AS port',
  );
  const socket = (client as unknown as { connection?: { stream?: Socket } }).connection?.stream;
  const seen = rows[0];
  if (!seen?.addr || !seen.port || !socket?.localPort || !['127.0.0.1', '::1'].includes(seen.addr)) return undefined;
  if (seen.port === socket.localPort) return undefined;
  return `the server sees this connection come from port ${seen.port}, not from this process's ${socket.localPort}, so a pooler or proxy relays it`;
}

/**
 * The pooled URL answers and reaches the same cluster as the direct one
 * (same system identifier): the harness creates each file's database on the
 * direct URL and the app connections look for it through the pooler.
 */
async function checkPooler(pooled: string, direct: string): Promise<void> {
  const systemId = async (url: string, name: string) => {
    const client = new pg.Client({ connectionString: url });
    client.on('error', ignoreServerShutdown);
    try {
      await client.connect();
      const { rows } = await client.query<{ id: string }>('SELECT system_identifier::text AS id FROM pg_control_system()');
      return rows[0]!.id;
    } catch (error) {
      throw new Error(
        `cannot reach ${name} (${new URL(url).host}): ${(error as Error).message}. Start the pooler (npx tsx libs/testing/src/pgbouncer-cli.ts start --target ${direct} --dir /tmp/skatehubba-pgbouncer), or unset DATABASE_URL_UNPOOLED to run everything on the server directly.`,
      );
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  const [viaPooler, viaDirect] = [await systemId(pooled, 'DATABASE_URL, the pooler'), await systemId(direct, 'DATABASE_URL_UNPOOLED')];
  if (viaPooler !== viaDirect) {
    throw new Error(
      `DATABASE_URL (${new URL(pooled).host}) and DATABASE_URL_UNPOOLED (${new URL(direct).host}) reach different servers (system identifiers ${viaPooler} and ${viaDirect}): point the pooler at the server DATABASE_URL_UNPOOLED names.`,
    );
  }
}

/**
 * The mutation gate (`npm run test:mutants`, tools/src/mutants) breaks one
 * rule of the migrated schema on purpose and expects the tests that own the
 * rule to fail. It passes the breaking SQL in SKATEHUBBA_MUTANT_SQL,
 * statements separated as in a migration (`--> statement-breakpoint`); it is
 * applied to the migrated database before any test file copies it. Unset in
 * every other run.
 */
function mutantStatements(): string[] {
  const text = process.env.SKATEHUBBA_MUTANT_SQL ?? '';
  return text
    .split('--> statement-breakpoint')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Starts neon/serve.ts (the WebSocket bridge and the HTTP /sql endpoint) as a
 * child process and reads its addresses. A separate process, not an import:
 * it serves every test worker for the whole run, outside any of them.
 * Closing its stdin stops it, so it cannot outlive the run.
 */
async function startNeonHelpers() {
  const script = fileURLToPath(new URL('./neon/serve.ts', import.meta.url));
  const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));
  const child = spawn(tsx, [script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const first = await Promise.race([
    once(lines, 'line') as Promise<[string]>,
    once(child, 'exit').then(([code]) => {
      throw new Error(`the Neon loopback helpers (${script}) exited with ${code} before starting`);
    }),
  ]);
  const { wsProxy, fetchEndpoint } = JSON.parse(first[0]) as { wsProxy: string; fetchEndpoint: string };
  return {
    wsProxy,
    fetchEndpoint,
    stop: async () => {
      child.stdin.end();
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}
