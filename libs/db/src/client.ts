import { PGlite } from '@electric-sql/pglite';
import { neon, neonConfig, Pool as NeonPool, type Client as NeonClient, type NeonQueryFunction } from '@neondatabase/serverless';
import { drizzle as drizzleNeonHttp, type NeonHttpDatabase } from 'drizzle-orm/neon-http';
import { drizzle as drizzleNeonWs, type NeonDatabase } from 'drizzle-orm/neon-serverless';
import { drizzle as drizzleNodePg, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite, type PgliteDatabase } from 'drizzle-orm/pglite';
import pg from 'pg';
import ws from 'ws';
import { DataDirOpenError, lockDataDir, readPgVersion, type DataDirLock } from './data-dir';
import * as schema from './schema';

export type Schema = typeof schema;
export type SkateHubbaDb = PgliteDatabase<Schema> | NodePgDatabase<Schema> | NeonDatabase<Schema> | NeonHttpDatabase<Schema>;

/**
 * Which driver where:
 *  - `node-postgres`: long-lived servers, tools, migrations, the seed, CI.
 *  - `neon-serverless`: serverless functions on Neon that need transactions
 *    (`db.transaction()`, `withActor()`, `archiveSpot()`): a WebSocket Pool.
 *  - `neon-http`: serverless one-shot reads and single-statement writes on
 *    Neon: one HTTP round trip per query, no session, so no interactive
 *    transactions (`db.transaction()` throws) and no migrations.
 *  - `pglite`: embedded Postgres in this process (local default, tests, seed:serve).
 */
export type DbOptions =
  /**
   * Embedded Postgres in this process. `dataDir` persists it (created with its
   * parents, and locked to this process until `close()`); omitted, it lives in memory.
   */
  | { driver: 'pglite'; dataDir?: string }
  /** A Postgres server over TCP (servers, tools, CI). */
  | { driver: 'node-postgres'; url: string; max?: number }
  /** Neon over WebSockets; `local` points the driver at a loopback bridge instead of Neon's proxy. */
  | { driver: 'neon-serverless'; url: string; max?: number; local?: LocalNeon }
  /** Neon over HTTP; `local` points the driver at a loopback /sql endpoint. */
  | { driver: 'neon-http'; url: string; local?: LocalNeon };

/** Addresses of Neon stand-ins on loopback (`@skatehubba/testing`, src/neon), for tests against a local server. */
export interface LocalNeon {
  /** `host:port/path` of a WebSocket-to-TCP bridge. */
  wsProxy?: string;
  /** URL of an HTTP endpoint that serves the driver's /sql requests. */
  fetchEndpoint?: string;
}

export interface PgliteHandle {
  driver: 'pglite';
  db: PgliteDatabase<Schema>;
  client: PGlite;
  /** Releases the data folder's lock too. */
  close(): Promise<void>;
  /** The data folder's lock, when the database lives in a folder (see `lockDataDir()`). */
  lock?: DataDirLock;
}
export interface NodePgHandle {
  driver: 'node-postgres';
  db: NodePgDatabase<Schema>;
  client: pg.Pool;
  close(): Promise<void>;
}
export interface NeonServerlessHandle {
  driver: 'neon-serverless';
  db: NeonDatabase<Schema>;
  client: NeonPool;
  close(): Promise<void>;
}
export interface NeonHttpHandle {
  driver: 'neon-http';
  db: NeonHttpDatabase<Schema>;
  client: NeonQueryFunction<false, false>;
  close(): Promise<void>;
}
export type DbHandle = PgliteHandle | NodePgHandle | NeonServerlessHandle | NeonHttpHandle;

// Node 20 has no global WebSocket; the Neon Pool needs a constructor.
neonConfig.webSocketConstructor ??= ws;

function useLocalNeon(local: LocalNeon | undefined) {
  if (!local) return;
  if (local.wsProxy) {
    const proxy = local.wsProxy;
    neonConfig.wsProxy = (host, port) => `${proxy}?address=${host}:${port}`;
    // A loopback bridge is plain ws in front of a server expecting a normal startup.
    neonConfig.useSecureWebSocket = false;
    neonConfig.pipelineConnect = false;
    neonConfig.pipelineTLS = false;
  }
  if (local.fetchEndpoint) neonConfig.fetchEndpoint = local.fetchEndpoint;
}

/**
 * Pooled connections can fail while idle or checked out between queries
 * (server restart, failover, a database dropped WITH (FORCE)); a pool or
 * client with no 'error' listener would crash the process. The pool discards
 * the broken connection and opens a new one on demand, and a caller's query
 * on it fails with the cause, so this only reports what nobody else will. The
 * server ending a connection on purpose (57P01-57P03) and the broken pipe or
 * reset that follows are not worth a line.
 */
const ENDED_BY_SERVER = new Set(['57P01', '57P02', '57P03', 'EPIPE', 'ECONNRESET']);
export function reportIdleError(error: Error & { code?: string }) {
  if (!ENDED_BY_SERVER.has(error.code ?? ''))
    console.warn(`database: a pooled connection failed (${error.code ?? 'no code'}): ${error.message}`);
}

/**
 * Opens the SkateHubba database on one of the supported drivers. With no
 * options: `DATABASE_URL` if set (node-postgres), otherwise an in-memory PGlite.
 */
export async function createDb(options: Extract<DbOptions, { driver: 'pglite' }>): Promise<PgliteHandle>;
export async function createDb(options: Extract<DbOptions, { driver: 'node-postgres' }>): Promise<NodePgHandle>;
export async function createDb(options: Extract<DbOptions, { driver: 'neon-serverless' }>): Promise<NeonServerlessHandle>;
export async function createDb(options: Extract<DbOptions, { driver: 'neon-http' }>): Promise<NeonHttpHandle>;
export async function createDb(options?: DbOptions): Promise<DbHandle>;
export async function createDb(options?: DbOptions): Promise<DbHandle> {
  const opts: DbOptions =
    options ?? (process.env.DATABASE_URL ? { driver: 'node-postgres', url: process.env.DATABASE_URL } : { driver: 'pglite' });
  switch (opts.driver) {
    case 'pglite': {
      if (!opts.dataDir) {
        const client = new PGlite();
        await client.waitReady;
        return { driver: 'pglite', client, db: drizzlePglite(client, { schema }), close: () => client.close() };
      }
      const lock = await lockDataDir(opts.dataDir);
      let client: PGlite;
      try {
        client = new PGlite(lock.dataDir);
        await client.waitReady;
      } catch (error) {
        await lock.release();
        throw new DataDirOpenError(lock.dataDir, error, await readPgVersion(lock.dataDir));
      }
      const close = async () => {
        try {
          await client.close();
        } finally {
          await lock.release();
        }
      };
      return { driver: 'pglite', client, db: drizzlePglite(client, { schema }), close, lock };
    }
    case 'node-postgres': {
      const client = new pg.Pool({ connectionString: opts.url, max: opts.max ?? 10 });
      client.on('error', reportIdleError);
      // A checked-out connection that the server ends between queries emits on
      // the client, not the pool; the caller's next query fails with the cause.
      client.on('connect', (connection) => connection.on('error', reportIdleError));
      return { driver: 'node-postgres', client, db: drizzleNodePg(client, { schema }), close: () => client.end() };
    }
    case 'neon-serverless': {
      useLocalNeon(opts.local);
      const client = new NeonPool({ connectionString: opts.url, max: opts.max ?? 10 });
      client.on('error', reportIdleError);
      client.on('connect', (connection: NeonClient) => connection.on('error', reportIdleError));
      return { driver: 'neon-serverless', client, db: drizzleNeonWs({ client, schema }), close: () => client.end() };
    }
    case 'neon-http': {
      useLocalNeon(opts.local);
      const client = neon(opts.url);
      return { driver: 'neon-http', client, db: drizzleNeonHttp({ client, schema }), close: async () => undefined };
    }
  }
}
