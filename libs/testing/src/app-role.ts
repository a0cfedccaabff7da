import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { asAnonymous, asRider } from '@skatehubba/schema-kit';
import { hasSessions } from './engine';
import type { TestDatabase } from './database';

type Db<S extends Record<string, unknown>> = PgDatabase<PgQueryResultHKT, S>;

/**
 * Runs `fn` as the API would for a request of rider `riderId`: on the app
 * login (`t.app`), through `asRider()`, so every policy and grant applies.
 * neon-http has no interactive transaction to switch the role in, so there
 * `fn` runs on the admin login; the access suites cover that driver with
 * batches instead.
 */
export function asAppRider<S extends Record<string, unknown>, T>(
  t: TestDatabase<S>,
  riderId: string,
  fn: (db: Db<S>) => Promise<T>,
): Promise<T> {
  return hasSessions() ? asRider(t.app, riderId, (tx) => fn(tx as unknown as Db<S>)) : fn(t.db);
}

/**
 * As `asAppRider`, for a request with no rider: the app login as `anonymous`.
 * On neon-http the app login itself, which starts every session as
 * `anonymous` (migration 0006), so the policies hold there too.
 */
export function asAppAnonymous<S extends Record<string, unknown>, T>(t: TestDatabase<S>, fn: (db: Db<S>) => Promise<T>): Promise<T> {
  return hasSessions() ? asAnonymous(t.app, (tx) => fn(tx as unknown as Db<S>)) : fn(t.app);
}
