import { PGlite } from '@electric-sql/pglite';
import { neon, neonConfig, Pool as NeonPool, type Client as NeonClient, type NeonQueryFunction } from '@neondatabase/serverless';
import { drizzle as drizzleNeonHttp, type NeonHttpDatabase } from 'drizzle-orm/neon-http';
import { drizzle as drizzleNeonWs, type NeonDatabase } from 'drizzle-orm/neon-serverless';
import { drizzle as drizzleNodePg, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite, type PgliteDatabase } from 'drizzle-orm/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import ws from 'ws';
import { DataDirOpenError, lockDataDir, readPgVersion, type DataDirLock } from './data-dir';
import * as schema from './schema';
import { databaseUrls } from './urls';

export type Schema = typeof schema;
/**
 * The SkateHubba database whichever driver serves it: what every flow takes
 * (`PgDatabase<PgQueryResultHKT, ...>`), with the relational query API of the
 * whole schema. A handle whose driver is known only at run time
 * (`createDb()` with no options, `DbHandle`) types its `db` as this one type,
 * not as a union of the drivers' types: a union makes `tx` in
 * `asRider(db, id, (tx) => tx.insert(...))` a union too, whose result types
 * disagree (TS2322). Raw `execute()` results are driver-shaped: read them
 * with `rowsOf()` (`@skatehubba/schema-kit`).
 */
export type SkateHubbaDb = PgDatabase<PgQueryResultHKT, Schema>;

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
  | { driver: 'node-postgres'; url: string; max?: number; replicas?: string[] }
  /** Neon over WebSockets; `local` points the driver at a loopback bridge instead of Neon's proxy. */
  | { driver: 'neon-serverless'; url: string; max?: number; local?: LocalNeon; replicas?: string[] }
  /** Neon over HTTP; `local` points the driver at a loopback /sql endpoint. */
  | { driver: 'neon-http'; url: string; local?: LocalNeon; replicas?: string[] };

/** Addresses of Neon stand-ins on loopback (`@skatehubba/testing`, src/neon), for tests against a local server. */
export interface LocalNeon {
  /** `host:port/path` of a WebSocket-to-TCP bridge. */
  wsProxy?: string;
  /** URL of an HTTP endpoint that serves the driver's /sql requests. */
  fetchEndpoint?: string;
}

/**
 * What every handle offers, whichever driver: the primary by default, and
 * replicas only where the caller says a read may be stale.
 *
 * `replicas` in the options (or `DATABASE_URL_REPLICAS` for `createDb()`
 * with no options) lists read replica URLs; reads are spread over them round
 * robin. Routing, and why the primary is the default:
 *  - `db`: the primary. Every write, and every read that must see what was
 *    just written (read-your-writes). Code that does not choose gets this.
 *  - `replica`: reads that may be stale by the replicas' lag (feeds,
 *    leaderboards, spots near me). Read-only: drizzle's `insert()`, `update()`
 *    and `delete()` throw `ReplicaWriteError` at once, and its transactions
 *    (`asRider()`, `asAnonymous()` on it) run `READ ONLY` on the replica, so
 *    a write inside one fails there (25006) as it would on a standby. With
 *    no replica configured it reads the primary, under the same rules, so
 *    code written for replicas behaves the same on one server.
 *  - `forRequest()`: one request's pair. Its `replica` reads a replica until
 *    the request writes through its `db`, and the primary after that, so a
 *    read that follows the request's own write sees it.
 */
export interface DbRouting<D> {
  /** The primary: writes, and reads that must see the latest writes. The default. */
  db: D;
  /** Reads that may be stale: a replica (round robin), or the primary when none is configured. Writes are refused. */
  replica: D;
  /** How many replica URLs `replica` spreads reads over; 0 means it reads the primary. */
  replicaCount: number;
  /** A request's own `db` and `replica`: its `replica` turns to the primary once the request has written through `db`. */
  forRequest(): RequestDb<D>;
}

/**
 * One request's view (`handle.forRequest()`). Anything through `db` but a
 * `select()` or relational query (`insert`, `update`, `delete`, `execute`,
 * `transaction`, so `asRider()`, `withActor()` and every flow) counts as a
 * write: from then on `replica` reads the primary.
 */
export interface RequestDb<D> {
  db: D;
  replica: D;
  /** Whether the request has written through `db` (then `replica` reads the primary). */
  readonly wrote: boolean;
}

export interface PgliteHandle extends DbRouting<PgliteDatabase<Schema>> {
  driver: 'pglite';
  client: PGlite;
  /** Releases the data folder's lock too. */
  close(): Promise<void>;
  /** The data folder's lock, when the database lives in a folder (see `lockDataDir()`). */
  lock?: DataDirLock;
}
export interface NodePgHandle extends DbRouting<NodePgDatabase<Schema>> {
  driver: 'node-postgres';
  client: pg.Pool;
  /** One pool per replica URL, in the order given. */
  replicaClients: pg.Pool[];
  close(): Promise<void>;
}
export interface NeonServerlessHandle extends DbRouting<NeonDatabase<Schema>> {
  driver: 'neon-serverless';
  client: NeonPool;
  replicaClients: NeonPool[];
  close(): Promise<void>;
}
export interface NeonHttpHandle extends DbRouting<NeonHttpDatabase<Schema>> {
  driver: 'neon-http';
  client: NeonQueryFunction<false, false>;
  replicaClients: NeonQueryFunction<false, false>[];
  close(): Promise<void>;
}
/** A driver's handle with `db`, `replica` and `forRequest()` typed as the one driver-agnostic `SkateHubbaDb`. */
export type AnyDriver<H extends DbRouting<unknown>> = Omit<H, keyof DbRouting<unknown>> & DbRouting<SkateHubbaDb>;
/**
 * A handle on any driver, told apart by `driver` (which narrows `client`);
 * `db` is `SkateHubbaDb` on every one. Each driver's own handle (`NodePgHandle`
 * ...) is one, with its driver's precise `db` type.
 */
export type DbHandle = AnyDriver<PgliteHandle> | AnyDriver<NodePgHandle> | AnyDriver<NeonServerlessHandle> | AnyDriver<NeonHttpHandle>;
/** What `createDb()` with no options opens: `DATABASE_URL` through node-postgres, or an in-memory PGlite. */
export type DefaultDbHandle = AnyDriver<PgliteHandle> | AnyDriver<NodePgHandle>;

/**
 * Thrown by a write through the replica path (`handle.replica.insert()` ...),
 * before anything is sent: a replica cannot take it, and a write that
 * succeeded only because no replica is configured would fail in production.
 */
export class ReplicaWriteError extends Error {
  constructor(readonly method: string) {
    super(
      `replica.${method}(): the replica path is for reads that may be stale and takes no writes; write through handle.db (the primary), and read what the request wrote there too (or through handle.forRequest())`,
    );
    this.name = 'ReplicaWriteError';
  }
}

/** drizzle's write builders: refused on the replica path. */
const REPLICA_REFUSED = new Set<PropertyKey>(['insert', 'update', 'delete', 'refreshMaterializedView']);
/** Everything through a request's `db` that may write; `select()`, `$count()`, `query` and `$with()` do not count. */
const REQUEST_WRITES = new Set<PropertyKey>(['insert', 'update', 'delete', 'execute', 'transaction', 'batch', 'refreshMaterializedView']);

type TransactionConfig = { accessMode?: 'read only' | 'read write' } & Record<string, unknown>;
type Routable = object & { transaction(fn: (tx: never) => Promise<unknown>, config?: never): Promise<unknown> };

/**
 * The replica path over `sources` (the replicas, or the primary when there
 * are none): each use picks the next source, round robin; writes are
 * refused; transactions are READ ONLY.
 */
function replicaPath<D extends object>(sources: D[]): D {
  let next = 0;
  return new Proxy(sources[0]!, {
    get(_target, property) {
      if (REPLICA_REFUSED.has(property)) {
        return () => {
          throw new ReplicaWriteError(String(property));
        };
      }
      const source = sources[next++ % sources.length]! as D & Routable;
      if (property === 'transaction') {
        return (fn: (tx: never) => Promise<unknown>, config?: TransactionConfig) =>
          source.transaction(fn, { ...config, accessMode: 'read only' } as never);
      }
      const value: unknown = Reflect.get(source, property, source);
      return typeof value === 'function' ? value.bind(source) : value;
    },
  });
}

function routing<D extends object>(primary: D, replicas: D[]): DbRouting<D> {
  // The primary under the replica path's rules: a request's replica reads after its first write.
  const primaryReads = replicaPath([primary]);
  const replica = replicas.length ? replicaPath(replicas) : primaryReads;
  return {
    db: primary,
    replica,
    replicaCount: replicas.length,
    forRequest() {
      let wrote = false;
      const db = new Proxy(primary, {
        get(target, property, receiver) {
          if (REQUEST_WRITES.has(property)) wrote = true;
          return Reflect.get(target, property, receiver);
        },
      });
      const reads = new Proxy(replica, {
        get(_target, property) {
          const source = wrote ? primaryReads : replica;
          const value: unknown = Reflect.get(source, property, source);
          return typeof value === 'function' ? value.bind(source) : value;
        },
      });
      return {
        db,
        replica: reads,
        get wrote() {
          return wrote;
        },
      };
    },
  };
}

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
 * options: `DATABASE_URL` if set (node-postgres; app traffic, so on Neon the
 * pooled URL) with the replicas of `DATABASE_URL_REPLICAS`, otherwise an
 * in-memory PGlite. Migrations and the seed take the direct URL instead
 * (`databaseUrls().direct`); see `migrateDb()`.
 */
export async function createDb(options: Extract<DbOptions, { driver: 'pglite' }>): Promise<PgliteHandle>;
export async function createDb(options: Extract<DbOptions, { driver: 'node-postgres' }>): Promise<NodePgHandle>;
export async function createDb(options: Extract<DbOptions, { driver: 'neon-serverless' }>): Promise<NeonServerlessHandle>;
export async function createDb(options: Extract<DbOptions, { driver: 'neon-http' }>): Promise<NeonHttpHandle>;
export async function createDb(): Promise<DefaultDbHandle>;
export async function createDb(options?: DbOptions): Promise<DbHandle>;
export async function createDb(options?: DbOptions): Promise<DbHandle> {
  const urls = databaseUrls();
  const opts: DbOptions =
    options ?? (urls.app ? { driver: 'node-postgres', url: urls.app, replicas: urls.replicas } : { driver: 'pglite' });
  switch (opts.driver) {
    case 'pglite': {
      if (!opts.dataDir) {
        const client = new PGlite();
        await client.waitReady;
        const db = drizzlePglite(client, { schema });
        return { driver: 'pglite', client, ...routing(db, []), close: () => client.close() };
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
      return { driver: 'pglite', client, ...routing(drizzlePglite(client, { schema }), []), close, lock };
    }
    case 'node-postgres': {
      const open = (url: string) => {
        const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10 });
        pool.on('error', reportIdleError);
        // A checked-out connection that the server ends between queries emits on
        // the client, not the pool; the caller's next query fails with the cause.
        pool.on('connect', (connection) => connection.on('error', reportIdleError));
        return pool;
      };
      const client = open(opts.url);
      const replicaClients = (opts.replicas ?? []).map(open);
      const db = drizzleNodePg(client, { schema });
      const replicas = replicaClients.map((replica) => drizzleNodePg(replica, { schema }));
      return {
        driver: 'node-postgres',
        client,
        replicaClients,
        ...routing(db, replicas),
        close: async () => {
          await Promise.all([client, ...replicaClients].map((pool) => pool.end()));
        },
      };
    }
    case 'neon-serverless': {
      useLocalNeon(opts.local);
      const open = (url: string) => {
        const pool = new NeonPool({ connectionString: url, max: opts.max ?? 10 });
        pool.on('error', reportIdleError);
        pool.on('connect', (connection: NeonClient) => connection.on('error', reportIdleError));
        return pool;
      };
      const client = open(opts.url);
      const replicaClients = (opts.replicas ?? []).map(open);
      const db = drizzleNeonWs({ client, schema });
      const replicas = replicaClients.map((replica) => drizzleNeonWs({ client: replica, schema }));
      return {
        driver: 'neon-serverless',
        client,
        replicaClients,
        ...routing(db, replicas),
        close: async () => {
          await Promise.all([client, ...replicaClients].map((pool) => pool.end()));
        },
      };
    }
    case 'neon-http': {
      useLocalNeon(opts.local);
      const client = neon(opts.url);
      const replicaClients = (opts.replicas ?? []).map((url) => neon(url));
      const db = drizzleNeonHttp({ client, schema });
      const replicas = replicaClients.map((replica) => drizzleNeonHttp({ client: replica, schema }));
      return { driver: 'neon-http', client, replicaClients, ...routing(db, replicas), close: async () => undefined };
    }
  }
}
