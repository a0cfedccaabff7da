import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';

/** The committed migrations: the only way a test database gets its schema. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../migrations', import.meta.url));

/**
 * - pglite: in-process, one connection.
 * - postgres: the server at DATABASE_URL through node-postgres (app
 *   connections through the pooler when DATABASE_URL_UNPOOLED names the
 *   server and DATABASE_URL a pooler in front of it: see `serverUrls()`).
 * - neon-ws: the same server through @neondatabase/serverless's WebSocket Pool.
 * - neon-http: the same server through neon() over HTTP (no sessions).
 */
export type EngineName = 'pglite' | 'postgres' | 'neon-ws' | 'neon-http';

declare module 'vitest' {
  export interface ProvidedContext {
    engine: EngineName;
    /** pglite: path of the migrated data dir dump that every test file loads. */
    pgliteSnapshot: string;
    /**
     * Server engines: the direct URL (any database), where the harness creates,
     * migrates, clones and drops databases and opens sessions (`t.connect()`);
     * the migrated template to clone per file; and the URL app connections
     * take (`t.db`, `t.app`): the pooler, or the direct URL when there is none.
     */
    postgresUrl: string;
    postgresTemplate: string;
    postgresPooledUrl: string;
    /** neon engines: the loopback helpers from ./neon. */
    neonWsProxy: string;
    neonFetchEndpoint: string;
  }
}

/**
 * The server engine's URLs, named as Neon names them: `DATABASE_URL` for app
 * traffic (a pooler such as PgBouncer in transaction mode, or the server
 * itself), `DATABASE_URL_UNPOOLED` for the direct connection. With only one
 * set, it is both. Empty counts as unset.
 */
export function serverUrls(env: NodeJS.ProcessEnv = process.env): { direct?: string; pooled?: string } {
  const pooled = env.DATABASE_URL || env.DATABASE_URL_UNPOOLED || undefined;
  const direct = env.DATABASE_URL_UNPOOLED || pooled;
  return { direct, pooled };
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
