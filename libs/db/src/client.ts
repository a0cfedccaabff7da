import { PGlite } from '@electric-sql/pglite';
import { neon, neonConfig, Pool as NeonPool, type NeonQueryFunction } from '@neondatabase/serverless';
import { drizzle as drizzleNeonHttp, type NeonHttpDatabase } from 'drizzle-orm/neon-http';
import { drizzle as drizzleNeonWs, type NeonDatabase } from 'drizzle-orm/neon-serverless';
import { drizzle as drizzleNodePg, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite, type PgliteDatabase } from 'drizzle-orm/pglite';
import pg from 'pg';
import ws from 'ws';
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
  /** Embedded Postgres in this process. `dataDir` persists it; omitted, it lives in memory. */
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
  close(): Promise<void>;
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
 * Idle pooled connections can fail (server restart, failover, a database
 * dropped WITH (FORCE)); a pool with no 'error' listener would crash the
 * process. The pool discards the broken connection and opens a new one on
 * demand, so this only reports. 57P01 (admin_shutdown) is the server ending
 * the connection on purpose and is not worth a line.
 */
function reportIdleError(error: Error & { code?: string }) {
  if (error.code !== '57P01') console.warn(`database: idle connection failed (${error.code ?? 'no code'}): ${error.message}`);
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
      const client = opts.dataDir ? new PGlite(opts.dataDir) : new PGlite();
      await client.waitReady;
      return { driver: 'pglite', client, db: drizzlePglite(client, { schema }), close: () => client.close() };
    }
    case 'node-postgres': {
      const client = new pg.Pool({ connectionString: opts.url, max: opts.max ?? 10 });
      client.on('error', reportIdleError);
      return { driver: 'node-postgres', client, db: drizzleNodePg(client, { schema }), close: () => client.end() };
    }
    case 'neon-serverless': {
      useLocalNeon(opts.local);
      const client = new NeonPool({ connectionString: opts.url, max: opts.max ?? 10 });
      client.on('error', reportIdleError);
      return { driver: 'neon-serverless', client, db: drizzleNeonWs({ client, schema }), close: () => client.end() };
    }
    case 'neon-http': {
      useLocalNeon(opts.local);
      const client = neon(opts.url);
      return { driver: 'neon-http', client, db: drizzleNeonHttp({ client, schema }), close: async () => undefined };
    }
  }
}
