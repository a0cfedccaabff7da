import { sql, type SQL } from 'drizzle-orm';
import { pgRole, type PgDatabase, type PgQueryResultHKT, type PgTransaction } from 'drizzle-orm/pg-core';
import { anonymousRole, authenticatedRole } from 'drizzle-orm/neon';

/**
 * Who may touch the database, as roles. The migrations create them
 * (`0003_roles`, idempotently: roles belong to the cluster, not to one
 * database), so they are declared `.existing()` here and drizzle-kit only
 * writes the policies that name them.
 *
 * - `skatehubba_owner` (NOLOGIN): owns every table and function. The login
 *   that runs the migrations is made a member so it can hand objects over.
 * - `skatehubba_app` (the API's login): owns nothing, may create nothing, and
 *   holds no privilege of its own (NOINHERIT). Every session starts as
 *   `anonymous` (migration 0006: no rider, public reads only); per
 *   transaction `asRider()` makes it `authenticated` (a verified rider), the
 *   way Neon's Data API switches roles.
 * - `authenticated`, `anonymous`: Neon's names, so the same policies serve
 *   the Data API later. Their grants are per column (`0005_privileges`).
 * - `skatehubba_readonly`: support and analytics; reads everything but
 *   `users.email` and `sessions.token_hash`.
 */
export const ownerRole = pgRole('skatehubba_owner').existing();
export const appRole = pgRole('skatehubba_app').existing();
export const readonlyRole = pgRole('skatehubba_readonly').existing();
export { anonymousRole, authenticatedRole };

export const ROLES = {
  owner: 'skatehubba_owner',
  app: 'skatehubba_app',
  readonly: 'skatehubba_readonly',
  authenticated: 'authenticated',
  anonymous: 'anonymous',
} as const;

/**
 * The verified claims of the request, transaction-local. The name and shape
 * are PostgREST's, which Neon's `pg_session_jwt` reads when no JWK is
 * configured and the Data API sets: `{"sub": "<rider uuid>", "role": ...}`.
 */
export const RIDER_CLAIMS_SETTING = 'request.jwt.claims';

/** The transaction-local setting the audit trigger reads the actor from (staff and system changes). */
export const ACTOR_SETTING = 'skatehubba.actor_id';

/**
 * The current rider in a policy: `current_rider_id()` reads the `sub` claim
 * (`0005_privileges`). Wrapped in a sub-select so Postgres runs it once per
 * query (an InitPlan), not once per row.
 */
export const currentRider: SQL = sql`(select current_rider_id())`;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Throws a TypeError naming `what` unless `value` is a UUID: ids reach SQL settings as text. */
export function assertUuid(what: string, value: string): void {
  if (!UUID_RE.test(value)) throw new TypeError(`${what} must be a UUID, got ${JSON.stringify(value)}`);
}

type AnyDb = PgDatabase<PgQueryResultHKT, Record<string, unknown>>;
export type Tx<D> = D extends PgDatabase<infer H, infer S, infer R> ? PgTransaction<H, S, R> : never;

/**
 * The schema search path of every request, transaction-local: `pg_temp` last,
 * so a temporary table (which any role may create, and which lives as long as
 * the pooled connection) cannot stand in for a real table of a later request,
 * whatever search_path a previous request left at session level.
 */
export const REQUEST_SEARCH_PATH = 'public, pg_temp';

/**
 * The one statement that makes the rest of a transaction a rider's: the role
 * becomes `authenticated`, the rider claim and the audit actor are set, and
 * the search path pinned, all transaction-local (`set_config(..., true)`).
 * `asRider()` runs it first in an interactive transaction; a driver without
 * one (neon-http) sends it as the first statement of a batch, which runs as
 * one transaction.
 */
export function riderContext(riderId: string): SQL {
  assertUuid('rider id', riderId);
  const claims = JSON.stringify({ sub: riderId.toLowerCase(), role: ROLES.authenticated });
  return sql`SELECT set_config(${RIDER_CLAIMS_SETTING}, ${claims}, true), set_config(${ACTOR_SETTING}, ${riderId}, true), set_config('search_path', ${REQUEST_SEARCH_PATH}, true), set_config('role', ${ROLES.authenticated}, true)`;
}

/**
 * The statement that makes the rest of a transaction anonymous: the role
 * becomes `anonymous`, the search path is pinned, and the rider claim and
 * actor are emptied, all transaction-local, so a value left on a pooled
 * connection at session level cannot make an anonymous request someone's.
 */
export function anonymousContext(): SQL {
  return sql`SELECT set_config(${RIDER_CLAIMS_SETTING}, '', true), set_config(${ACTOR_SETTING}, '', true), set_config('search_path', ${REQUEST_SEARCH_PATH}, true), set_config('role', ${ROLES.anonymous}, true)`;
}

/**
 * Runs `fn` in a transaction as `riderId` (`riderContext()`). Policies see the
 * rider, the audit trail records the same id, and nothing outlives the
 * transaction, so a pooled connection cannot carry one rider's rights into
 * the next request.
 *
 * The API calls this after it has verified the rider (session token or JWT);
 * the database then lets the transaction touch only what that rider may.
 */
export async function asRider<D extends AnyDb, T>(db: D, riderId: string, fn: (tx: Tx<D>) => Promise<T>): Promise<T> {
  const context = riderContext(riderId);
  return db.transaction(async (tx) => {
    await tx.execute(context);
    return fn(tx as Tx<D>);
  }) as Promise<T>;
}

/**
 * Runs `fn` in a transaction as `anonymous` (`anonymousContext()`): a request
 * without a verified rider. It reads what is public (live spots and
 * check-ins, public profile columns, the achievement catalogue) and may look
 * a session up by its hash.
 */
export async function asAnonymous<D extends AnyDb, T>(db: D, fn: (tx: Tx<D>) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(anonymousContext());
    return fn(tx as Tx<D>);
  }) as Promise<T>;
}
