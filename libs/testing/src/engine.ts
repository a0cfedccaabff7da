import { fileURLToPath } from 'node:url';

/** The committed migrations: the only way a test database gets its schema. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../migrations', import.meta.url));

export type EngineName = 'pglite' | 'postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    engine: EngineName;
    /** pglite: path of the migrated data dir dump that every test file loads. */
    pgliteSnapshot: string;
    /** postgres: server URL (any database) and the migrated template to clone per file. */
    postgresUrl: string;
    postgresTemplate: string;
  }
}

/** Replaces the database name in a Postgres URL. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** A short random suffix for database names: letters and digits only, safe unquoted. */
export const randomSuffix = () => Math.random().toString(36).slice(2, 10);
