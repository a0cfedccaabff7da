import { fileURLToPath } from 'node:url';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzleNeonWs } from 'drizzle-orm/neon-serverless';
import { migrate as migrateNeonWs } from 'drizzle-orm/neon-serverless/migrator';
import type { Pool as NeonPool } from '@neondatabase/serverless';
import type { DbHandle } from './client';

/** The committed migrations at the workspace root. Deployed apps pass their own copy. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../migrations', import.meta.url));

/**
 * How long a migration statement may wait for a lock before the whole run
 * fails (and rolls back). Without it, an ALTER TABLE queued behind a long
 * query blocks every later query on that table for as long as it waits.
 */
export const MIGRATION_LOCK_TIMEOUT = '10s';

/**
 * Applies every pending migration with drizzle's migrator, the only path a
 * schema takes, in tests as in production. Pending migrations run in one
 * transaction; applying again is a no-op (tracked in drizzle.__drizzle_migrations).
 */
export async function migrateDb(handle: DbHandle, migrationsFolder = MIGRATIONS_FOLDER): Promise<void> {
  if (handle.driver === 'neon-http') {
    // drizzle's neon-http migrator runs statement by statement with no
    // transaction: a failure half-way would leave a half-migrated schema.
    throw new Error('migrateDb: neon-http has no transactions; migrate through neon-serverless or node-postgres instead');
  }
  if (handle.driver === 'pglite') {
    await handle.client.query(`SET lock_timeout = '${MIGRATION_LOCK_TIMEOUT}'`);
    try {
      await migratePglite(handle.db, { migrationsFolder });
    } finally {
      await handle.client.query('RESET lock_timeout');
    }
    return;
  }
  if (handle.driver === 'neon-serverless') {
    const connection = await handle.client.connect();
    try {
      await connection.query(`SET lock_timeout = '${MIGRATION_LOCK_TIMEOUT}'`);
      await migrateNeonWs(drizzleNeonWs({ client: connection as unknown as NeonPool }), { migrationsFolder });
    } finally {
      await connection.query('RESET lock_timeout').catch(() => undefined);
      connection.release();
    }
    return;
  }
  // One dedicated connection, so the setting applies to the migrator's transaction.
  const connection = await handle.client.connect();
  try {
    await connection.query(`SET lock_timeout = '${MIGRATION_LOCK_TIMEOUT}'`);
    await migrateNodePg(drizzleNodePg(connection), { migrationsFolder });
  } finally {
    await connection.query('RESET lock_timeout').catch(() => undefined);
    connection.release();
  }
}
