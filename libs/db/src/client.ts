import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite, type PgliteDatabase } from 'drizzle-orm/pglite';
import { drizzle as drizzleNodePg, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import * as schema from './schema';

export type Schema = typeof schema;
export type SkateHubbaDb = PgliteDatabase<Schema> | NodePgDatabase<Schema>;

export type DbOptions =
  /** Embedded Postgres in this process. `dataDir` persists it; omitted, it lives in memory. */
  | { driver: 'pglite'; dataDir?: string }
  /** A Postgres server over TCP (servers, tools, CI). */
  | { driver: 'node-postgres'; url: string; max?: number };

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
export type DbHandle = PgliteHandle | NodePgHandle;

/**
 * Opens the SkateHubba database on one of the supported drivers. With no
 * options: `DATABASE_URL` if set (node-postgres), otherwise an in-memory PGlite.
 */
export async function createDb(options: Extract<DbOptions, { driver: 'pglite' }>): Promise<PgliteHandle>;
export async function createDb(options: Extract<DbOptions, { driver: 'node-postgres' }>): Promise<NodePgHandle>;
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
      return { driver: 'node-postgres', client, db: drizzleNodePg(client, { schema }), close: () => client.end() };
    }
  }
}
