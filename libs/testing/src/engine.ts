import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';

/** The committed migrations: the only way a test database gets its schema. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../migrations', import.meta.url));

/**
 * - pglite: in-process, one connection.
 * - postgres: the server at DATABASE_URL through node-postgres.
 * - neon-ws: the same server through @neondatabase/serverless's WebSocket Pool.
 * - neon-http: the same server through neon() over HTTP (no sessions).
 */
export type EngineName = 'pglite' | 'postgres' | 'neon-ws' | 'neon-http';

declare module 'vitest' {
  export interface ProvidedContext {
    engine: EngineName;
    /** pglite: path of the migrated data dir dump that every test file loads. */
    pgliteSnapshot: string;
    /** postgres: server URL (any database) and the migrated template to clone per file. */
    postgresUrl: string;
    postgresTemplate: string;
    /** neon engines: the loopback helpers from ./neon. */
    neonWsProxy: string;
    neonFetchEndpoint: string;
  }
}

/** Replaces the database name in a Postgres URL. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Replaces the user in a Postgres URL (trust auth on loopback: no password). */
export function withUser(url: string, user: string): string {
  const u = new URL(url);
  u.username = user;
  u.password = '';
  return u.toString();
}

/** The roles the migrations create that tests log in as (global-setup gives them LOGIN). */
export const LOGINS = { app: 'skatehubba_app', readonly: 'skatehubba_readonly' } as const;

/** A short random suffix for database names: letters and digits only, safe unquoted. */
export const randomSuffix = () => Math.random().toString(36).slice(2, 10);

/**
 * Whether this run's engine keeps a session across statements: BEGIN ...
 * COMMIT from the client, db.transaction(), SET. neon-http sends each query
 * as its own HTTP request and cannot; tests that need it are skipped there:
 *
 *   it.skipIf(!hasSessions())('...', ...)
 */
export const hasSessions = () => inject('engine') !== 'neon-http';

/**
 * Every pool and client the harness opens listens for errors: an idle
 * connection ended by the server (a database dropped WITH (FORCE): 57P01)
 * would otherwise end the test process.
 */
export function ignoreServerShutdown(error: Error & { code?: string }) {
  if (error.code !== '57P01') console.error('test database connection error:', error);
}
