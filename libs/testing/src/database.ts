import { readFile } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import type { SQL } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { Client as NeonClient, neon, neonConfig, Pool as NeonPool } from '@neondatabase/serverless';
import { drizzle as drizzleNeonHttp } from 'drizzle-orm/neon-http';
import { drizzle as drizzleNeonWs } from 'drizzle-orm/neon-serverless';
import ws from 'ws';
import { inject } from 'vitest';
import { ignoreServerShutdown, LOGINS, randomSuffix, withDatabase, withUser, type EngineName } from './engine';

/**
 * Logins a test can connect as. `admin` is the server's superuser (the
 * migrations' and the seed's login, a member of skatehubba_owner); `app` and
 * `readonly` are the roles the migrations create, given LOGIN by the test run
 * (global-setup) the way a deployment does.
 */
export type TestLogin = 'admin' | 'app' | 'readonly';

export interface TestDatabase<S extends Record<string, unknown>> {
  engine: EngineName;
  /**
   * drizzle over this file's own migrated database, as the admin login: for
   * fixtures, which set server-owned columns (a check-in's `created_at`, an
   * unlock) that no app role may, and for rules that hold for any role.
   */
  db: PgDatabase<PgQueryResultHKT, S>;
  /**
   * drizzle as the API's login, `skatehubba_app`: a real LOGIN role on a
   * server, whose sessions start as `anonymous` (migration 0006) until
   * `asRider()` switches a transaction to `authenticated`. On PGlite the session is always a superuser,
   * so this is `db` and only what those helpers switch to (SET LOCAL ROLE) is
   * the app's: policies and grants hold, escapes cannot be shown.
   */
  app: PgDatabase<PgQueryResultHKT, S>;
  /** Raw SQL, for the rules that must hold for any client, not only drizzle. */
  query<R = Record<string, unknown>>(statement: SQL | string): Promise<R[]>;
  /**
   * A second, independent connection to the same database (for races and raw
   * sessions), as `login` (default admin), on the direct URL: a session of
   * its own, never through the pooler. Another login needs a server: PGlite
   * has one superuser session.
   */
  connect(
    login?: TestLogin,
  ): Promise<{ query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>; close(): Promise<void> }>;
  /**
   * This file's database as a URL for `login` (default admin): `direct`, the
   * server itself, or `pooled`, the URL the app connections (`db`, `app`)
   * take: the pooler when DATABASE_URL_UNPOOLED and DATABASE_URL name
   * different endpoints, else the server too. Server engines only.
   */
  url(login?: TestLogin, via?: 'direct' | 'pooled'): string;
  close(): Promise<void>;
}

/**
 * Opens a database of its own, migrated by the real migrations, on the engine
 * the vitest project was started for. Test files get theirs through
 * `databaseTest()` (one per file, closed after it); tests inside a file share
 * it and make their own rows with factories.
 */
export async function openTestDatabase<S extends Record<string, unknown>>(schema: S): Promise<TestDatabase<S>> {
  const engine = inject('engine');
  if (engine === 'pglite') {
    const dump = await readFile(inject('pgliteSnapshot'));
    const client = new PGlite({ loadDataDir: new Blob([dump]) });
    await client.waitReady;
    const db = drizzlePglite(client, { schema });
    return {
      engine,
      db: db as unknown as PgDatabase<PgQueryResultHKT, S>,
      app: db as unknown as PgDatabase<PgQueryResultHKT, S>,
      async query<R>(statement: SQL | string) {
        const result = typeof statement === 'string' ? await client.query(statement) : await db.execute(statement);
        return result.rows as R[];
      },
      // PGlite is a single connection: "another connection" is the same one,
      // which is all a PGlite test can honestly exercise.
      async connect(login: TestLogin = 'admin') {
        if (login !== 'admin') throw new Error(`PGlite has one superuser session; logging in as ${login} needs a server engine`);
        return {
          query: async <R>(text: string, params?: unknown[]) => (await client.query(text, params)).rows as R[],
          close: async () => undefined,
        };
      },
      url() {
        throw new Error('PGlite runs in this process and has no URL: mark the test to run on a server engine');
      },
      close: () => client.close(),
    };
  }

  const baseUrl = inject('postgresUrl');
  const pooledBaseUrl = inject('postgresPooledUrl');
  const template = inject('postgresTemplate');
  const name = `skatehubba_test_${randomSuffix()}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  admin.on('error', ignoreServerShutdown);
  await admin.connect();
  await cloneTemplate(admin, name, template);
  const urls = { direct: withDatabase(baseUrl, name), pooled: withDatabase(pooledBaseUrl, name) };
  // App connections through the pooler (when there is one); sessions direct.
  const urlAs = (login: TestLogin, via: 'direct' | 'pooled' = 'pooled') =>
    login === 'admin' ? urls[via] : withUser(urls[via], LOGINS[login]);
  const drop = async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  };
  // close() drops the database WITH (FORCE), which ends any connection a pool
  // is still closing with 57P01 admin_shutdown: expected, not a failure.

  if (engine === 'neon-http') {
    useLocalNeon();
    const client = neon(urlAs('admin'));
    const db = drizzleNeonHttp({ client, schema });
    const app = drizzleNeonHttp({ client: neon(urlAs('app')), schema });
    return {
      engine,
      db: db as unknown as PgDatabase<PgQueryResultHKT, S>,
      app: app as unknown as PgDatabase<PgQueryResultHKT, S>,
      async query<R>(statement: SQL | string) {
        if (typeof statement === 'string') return (await client.query(statement)) as R[];
        const result = (await db.execute(statement)) as unknown as { rows: R[] } | R[];
        return Array.isArray(result) ? result : result.rows;
      },
      async connect() {
        throw new Error('neon-http has no sessions (each query is one HTTP request): mark the test it.skipIf(!hasSessions())');
      },
      url: (login = 'admin', via = 'direct') => urlAs(login, via),
      close: drop,
    };
  }

  // postgres and neon-ws: @neondatabase/serverless's Pool and Client are
  // node-postgres subclasses (over a WebSocket), so one code path serves both.
  const Client = (engine === 'neon-ws' ? NeonClient : pg.Client) as typeof pg.Client;
  const openPool = (login: TestLogin) => enginePool(schema, urlAs(login), { max: 20 });
  const { pool, db } = openPool('admin');
  // pg pools connect on first use: a file that never uses `app` opens no connection.
  const app = openPool('app');
  return {
    engine,
    db,
    app: app.db,
    async query<R>(statement: SQL | string) {
      if (typeof statement === 'string') return (await pool.query(statement)).rows as R[];
      return ((await db.execute(statement)) as unknown as { rows: R[] }).rows;
    },
    async connect(login: TestLogin = 'admin') {
      const client = new Client({ connectionString: urlAs(login, 'direct') });
      client.on('error', ignoreServerShutdown);
      await client.connect();
      return {
        query: async <R>(text: string, params?: unknown[]) => (await client.query(text, params)).rows as R[],
        close: () => client.end(),
      };
    },
    url: (login = 'admin', via = 'direct') => urlAs(login, via),
    async close() {
      await Promise.all([pool.end(), app.pool.end()]);
      await drop();
    },
  };
}

/**
 * A pool and drizzle over it on this run's server engine's driver, to any
 * URL: node-postgres for `postgres`, the Neon WebSocket Pool through the
 * run's loopback bridge for `neon-ws` (the Neon Pool and Client are
 * node-postgres subclasses over a WebSocket, so one code path serves both).
 * For tests that open their own connections, e.g. through a pooler of
 * their own; `end()` closes the pool.
 */
export function enginePool<S extends Record<string, unknown>>(
  schema: S,
  url: string,
  { max }: { max: number },
): { pool: pg.Pool; db: PgDatabase<PgQueryResultHKT, S>; end(): Promise<void> } {
  const engine = inject('engine');
  if (engine !== 'postgres' && engine !== 'neon-ws') throw new Error(`enginePool needs a server engine with sessions, not ${engine}`);
  if (engine === 'neon-ws') useLocalNeon();
  const Pool = (engine === 'neon-ws' ? NeonPool : pg.Pool) as typeof pg.Pool;
  const pool = new Pool({ connectionString: url, max });
  pool.on('connect', (client) => client.on('error', ignoreServerShutdown));
  pool.on('error', ignoreServerShutdown);
  const db = (engine === 'neon-ws'
    ? drizzleNeonWs({ client: pool as unknown as NeonPool, schema })
    : drizzleNodePg({ client: pool, schema })) as unknown as PgDatabase<PgQueryResultHKT, S>;
  return { pool, db, end: () => pool.end() };
}

/**
 * CREATE DATABASE ... TEMPLATE, on the direct connection. It fails while any
 * session is connected to the template (55006); the harness never connects
 * to it after migrating, so such a session is someone else's: the message
 * names it.
 */
async function cloneTemplate(admin: pg.Client, name: string, template: string): Promise<void> {
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template} STRATEGY FILE_COPY`);
  } catch (error) {
    if ((error as { code?: string }).code !== '55006') throw error;
    const { rows } = await admin.query<{ who: string }>(
      "SELECT format('%s from %s:%s (%s)', usename, client_addr, client_port, coalesce(nullif(application_name, ''), 'no application_name')) AS who FROM pg_stat_activity WHERE datname = $1",
      [template],
    );
    throw new Error(
      `cannot clone the migrated template ${template}: connected to it: ${rows.map((r) => r.who).join('; ') || 'a session that has just left'}. A pooler that served the template keeps its server connection open; the harness creates, migrates and clones databases on DATABASE_URL_UNPOOLED (the direct URL), so point nothing else at the template.`,
      { cause: error },
    );
  }
}

/**
 * Points the Neon drivers at this run's loopback helpers: the WebSocket
 * bridge (plain ws, no pipelining: the bridge is a dumb pipe to a server
 * that expects a normal startup) and the HTTP /sql endpoint.
 */
function useLocalNeon() {
  const wsProxy = inject('neonWsProxy');
  neonConfig.webSocketConstructor = ws;
  neonConfig.wsProxy = (host, port) => `${wsProxy}?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineConnect = false;
  neonConfig.pipelineTLS = false;
  neonConfig.fetchEndpoint = inject('neonFetchEndpoint');
}

/**
 * Where to open a new, empty (unmigrated) database on this run's engine, in
 * the shape `createDb()` of `@skatehubba/db` takes, and how to drop it: for
 * the tests of the migrations themselves. PGlite: in memory, nothing to drop.
 */
export type EmptyDatabaseTarget =
  | { driver: 'pglite' }
  | { driver: 'node-postgres'; url: string; max: number }
  | { driver: 'neon-serverless'; url: string; max: number; local: { wsProxy: string } }
  | { driver: 'neon-http'; url: string; local: { fetchEndpoint: string } };

export async function emptyDatabaseTarget(): Promise<{ options: EmptyDatabaseTarget; drop(): Promise<void> }> {
  const engine = inject('engine');
  if (engine === 'pglite') return { options: { driver: 'pglite' }, drop: async () => undefined };
  const baseUrl = inject('postgresUrl');
  const name = `skatehubba_empty_${randomSuffix()}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  admin.on('error', ignoreServerShutdown);
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = withDatabase(baseUrl, name);
  const options: EmptyDatabaseTarget =
    engine === 'postgres'
      ? { driver: 'node-postgres', url, max: 2 }
      : engine === 'neon-ws'
        ? { driver: 'neon-serverless', url, max: 2, local: { wsProxy: inject('neonWsProxy') } }
        : { driver: 'neon-http', url, local: { fetchEndpoint: inject('neonFetchEndpoint') } };
  return {
    options,
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}
