import { existsSync } from 'node:fs';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { PgDialect, type PgSession } from 'drizzle-orm/pg-core';
import type pg from 'pg';
import type { DbHandle } from './client';
import { DATABASE_URL_ENV, describeUrl, isNeonPoolerUrl, neonDirectUrl, redactUrl } from './urls';

/**
 * The committed migrations: a built package carries a copy next to its code
 * (`dist/migrations`, made by the build), so `migrateDb()` works from
 * node_modules; the sources read the workspace root's. Deployed apps may
 * pass their own copy.
 */
const PACKAGED_MIGRATIONS = fileURLToPath(new URL('./migrations', import.meta.url));
export const MIGRATIONS_FOLDER = existsSync(PACKAGED_MIGRATIONS)
  ? PACKAGED_MIGRATIONS
  : fileURLToPath(new URL('../../../migrations', import.meta.url));

/**
 * How long a migration statement may wait for a lock before the whole run
 * fails (and rolls back). Without it, an ALTER TABLE queued behind a long
 * query blocks every later query on that table for as long as it waits.
 */
export const MIGRATION_LOCK_TIMEOUT = '10s';

/** Thrown by `migrateDb()` before it changes anything, when the handle reaches the database through a connection pooler. */
export class PoolerMigrationError extends Error {
  constructor(reason: string, direct?: string) {
    super(
      `migrateDb: refusing to migrate through a connection pooler: ${reason}. ` +
        'Migrations run DDL in one transaction across every pending file and belong on a session of their own, ' +
        "not on the pooler that serves the API's short requests. " +
        `Migrate on the direct URL (${DATABASE_URL_ENV.direct}${direct ? `, here ${direct}` : '; on Neon, the same URL without -pooler in the host name'}).`,
    );
    this.name = 'PoolerMigrationError';
  }
}

/**
 * Applies every pending migration with drizzle's migrator, the only path a
 * schema takes, in tests as in production. Pending migrations run in one
 * transaction; applying again is a no-op (tracked in drizzle.__drizzle_migrations).
 *
 * The lock timeout is set inside that transaction, transaction-local
 * (`set_config(..., true)`), so it governs every migration statement and
 * ends with the transaction: nothing is left on the connection, and no other
 * connection of a pool is involved. Refuses (`PoolerMigrationError`) a handle
 * whose URL is Neon's pooled endpoint, or that reaches a loopback server
 * through a relay such as a local PgBouncer.
 */
export async function migrateDb(handle: DbHandle, migrationsFolder = MIGRATIONS_FOLDER): Promise<void> {
  if (handle.driver === 'neon-http') {
    // drizzle's neon-http migrator runs statement by statement with no
    // transaction: a failure half-way would leave a half-migrated schema.
    throw new Error('migrateDb: neon-http has no transactions; migrate through neon-serverless or node-postgres instead');
  }
  await refusePooler(handle);
  const migrations = readMigrationFiles({ migrationsFolder });
  // drizzle's migrator opens its transaction through session.transaction();
  // this session is the handle's own with that one call wrapped, so the lock
  // timeout is the transaction's first statement.
  // (session is drizzle's, marked internal in its typings; the migrator itself reads db.session.)
  const session = (handle.db as unknown as { session: PgSession }).session;
  const withLockTimeout = Object.create(session) as PgSession;
  withLockTimeout.transaction = (fn, config) =>
    session.transaction(async (tx) => {
      await tx.execute(sql`SELECT set_config('lock_timeout', ${MIGRATION_LOCK_TIMEOUT}, true)`);
      return fn(tx);
    }, config);
  await new PgDialect().migrate(migrations, withLockTimeout, { migrationsFolder });
}

async function refusePooler(handle: Exclude<DbHandle, { driver: 'neon-http' }>): Promise<void> {
  if (handle.driver === 'pglite') return;
  const url = handle.client.options.connectionString;
  if (url && isNeonPoolerUrl(url)) {
    throw new PoolerMigrationError(
      `${describeUrl(url)} is Neon's pooled endpoint (-pooler in its host name)`,
      redactUrl(neonDirectUrl(url)),
    );
  }
  // The Neon Pool reaches Postgres through a WebSocket proxy by design; only
  // node-postgres has its own TCP socket to compare with the server's view.
  if (handle.driver !== 'node-postgres') return;
  const relay = await relayedFrom(handle.client);
  if (relay) throw new PoolerMigrationError(relay);
}

const LOOPBACK_ADDRESSES = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * Whether something on this machine relays the connection: the server sees
 * the client at a loopback address, but at another port than this process's
 * socket (PgBouncer, or any proxy, opens its own connection to the server).
 * Says nothing over a Unix socket, or when the server sees a non-loopback
 * address (a remote server, a container's port mapping): those cannot be told
 * apart from a direct connection this way.
 */
async function relayedFrom(pool: pg.Pool): Promise<string | undefined> {
  const client = (await pool.connect()) as unknown as RelayProbe;
  try {
    const { rows } = await client.query<{ addr: string | null; port: number | null }>(
      'SELECT host(inet_client_addr()) AS addr, inet_client_port() AS port',
    );
    const seen = rows[0];
    const socket = client.connection?.stream;
    if (!seen?.addr || !seen.port || !socket?.localPort || !LOOPBACK_ADDRESSES.has(seen.addr)) return undefined;
    if (seen.port === socket.localPort) return undefined;
    return (
      `this process connects to ${socket.remoteAddress}:${socket.remotePort} from port ${socket.localPort}, ` +
      `but the server sees the connection come from ${seen.addr}:${seen.port}: something on this machine (PgBouncer, a proxy) relays it`
    );
  } finally {
    client.release();
  }
}

interface RelayProbe {
  query<R>(text: string): Promise<{ rows: R[] }>;
  release(): void;
  /** node-postgres keeps its socket here (not in its typings). */
  connection?: { stream?: Socket };
}
