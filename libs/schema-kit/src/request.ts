import { entityKind, sql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { z } from 'zod';
import { ACTOR_SETTING, anonymousContext, assertUuid, REQUEST_SEARCH_PATH, riderContext } from './access';
import { DataRuleError, ruleErrorOf, type RuleTable } from './errors';

/**
 * Who a request is, as the API knows it after authentication:
 * - `{ rider }`: a verified rider (a live session, a verified JWT). The
 *   transaction becomes `authenticated` with that rider's claim: policies and
 *   column grants decide what it may touch, and the audit trail names the rider.
 * - `{ staff }`: support or an admin tool on a login that is a member of
 *   `skatehubba_owner`; the role stays the login's, the trail names the staff id.
 * - `'anonymous'`: no rider; public reads only.
 */
export type Caller = RiderCaller | StaffCaller | 'anonymous';
export type RiderCaller = { rider: string };
export type StaffCaller = { staff: string };

/**
 * What every write function and list of the libs returns: the value, or the
 * rule that refused the request (a `DataRuleError` with its `rule`, `kind`
 * and message), with nothing changed. Failures that are not a rule (a lost
 * connection, a bug) are thrown, not returned.
 */
export type Result<T> = { ok: true; value: T } | { ok: false; error: DataRuleError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const refused = (error: DataRuleError): { ok: false; error: DataRuleError } => ({ ok: false, error });

/** The value of a `Result`, or its `DataRuleError` thrown: for scripts and tests that expect success. */
export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw result.error;
  return result.value;
}

/**
 * What every function of the libs takes as `db`: the handle `createDb()`
 * gives (`handle.db`, any driver), or a transaction of it.
 */
export type Db = PgDatabase<PgQueryResultHKT, Record<string, unknown>>;
type AnyDb = Db;

/** The rider id of a caller, or undefined for staff and anonymous. */
export const riderOf = (caller: Caller): string | undefined => (typeof caller === 'object' && 'rider' in caller ? caller.rider : undefined);

/**
 * The first statement of a staff request: the audit actor and the search
 * path, transaction-local; the role stays the login's (staff flows check
 * `session_is_staff()` themselves).
 */
export function staffContext(staffId: string): SQL {
  assertUuid('staff id', staffId);
  return sql`SELECT set_config(${ACTOR_SETTING}, ${staffId}, true), set_config('search_path', ${REQUEST_SEARCH_PATH}, true)`;
}

/** The statement that makes the rest of a transaction the caller's. */
export function callerContext(caller: Caller): SQL {
  if (caller === 'anonymous') return anonymousContext();
  return 'rider' in caller ? riderContext(caller.rider) : staffContext(caller.staff);
}

/**
 * Whether `db` speaks over HTTP (`drizzle-orm/neon-http`): no interactive
 * transaction, but a batch runs as one. drizzle's `withReplicas()` wrapper
 * routes transactions to its `$primary`, which is what decides.
 */
function isHttpOnly(db: AnyDb): boolean {
  const primary = (db as { $primary?: AnyDb }).$primary ?? db;
  return (primary.constructor as { [entityKind]?: string })[entityKind] === 'NeonHttpDatabase';
}

/** A query a function builds on whatever executor it is given: the transaction, or the HTTP database for a batch. */
type Build<T extends readonly unknown[]> = (q: AnyDb) => { [K in keyof T]: PromiseLike<T[K]> };

/**
 * Runs the statements `build` makes as `caller`, in one transaction, on any
 * driver: `callerContext()` first, then each statement in order, and either
 * all commit or none. With sessions (PGlite, node-postgres, the Neon
 * WebSocket Pool) it is an interactive transaction; over Neon's HTTP driver
 * the same statements go as one batch, which Neon runs as one transaction.
 * So a later statement cannot use an earlier one's result in JavaScript; it
 * can in SQL (`now()` is the same instant in every statement of it).
 */
export async function runAs<T extends readonly unknown[]>(db: AnyDb, caller: Caller, build: Build<T>): Promise<T> {
  const context = callerContext(caller);
  if (isHttpOnly(db)) {
    const batch = (db as unknown as { batch(items: unknown[]): Promise<unknown[]> }).batch;
    const [, ...results] = await batch.call(db, [db.execute(context), ...build(db)]);
    return results as unknown as T;
  }
  return db.transaction(async (tx) => {
    await tx.execute(context);
    const results: unknown[] = [];
    for (const query of build(tx as unknown as AnyDb)) results.push(await query);
    return results as unknown as T;
  }) as Promise<T>;
}

/**
 * As `runAs`, for reads. An anonymous read is one statement sent as it is,
 * with no transaction around it: the API's login starts every session as
 * `anonymous` (migration 0006) and nothing in the libs sets a role or a
 * claim beyond a transaction, so a public feed costs one round trip instead
 * of four (BEGIN, the context, the query, COMMIT). On another login (the
 * owner's, in tools and tests) it reads as that login; the public lists
 * select only public rows and columns themselves. A rider's read is a
 * transaction as the rider (`runAs`).
 */
export async function readAs<T extends readonly unknown[]>(db: AnyDb, caller: Caller, build: Build<T>): Promise<T> {
  if (caller === 'anonymous') {
    const results: unknown[] = [];
    for (const query of build(db)) results.push(await query);
    return results as unknown as T;
  }
  return runAs(db, caller, build);
}

/**
 * Runs `work` and returns its value as `ok`, or the `DataRuleError` that a
 * refusal in `rules` (a constraint, a trigger or guard, a row-level policy, a
 * missing privilege) maps to, as `refused`. Anything else is rethrown.
 */
export async function attempt<T>(rules: RuleTable, work: () => Promise<T | Result<T>>): Promise<Result<T>> {
  try {
    const value = await work();
    return isResult<T>(value) ? value : ok(value);
  } catch (error) {
    if (error instanceof DataRuleError) return refused(error);
    const mapped = ruleErrorOf(rules, error);
    if (mapped) return refused(mapped);
    throw error;
  }
}

function isResult<T>(value: unknown): value is Result<T> {
  return (
    typeof value === 'object' && value !== null && 'ok' in value && typeof value.ok === 'boolean' && ('value' in value || 'error' in value)
  );
}

/**
 * Parses a request body with its input schema: the values, or `invalid_input`
 * (kind `invalid`) naming every key and rule that failed, server-owned keys a
 * client sent included.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): Result<z.output<S>> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return ok(parsed.data);
  const issues = parsed.error.issues.map((issue) => ({
    path: issue.path.join('.'),
    message: issue.code === 'unrecognized_keys' ? `not accepted: ${issue.keys.join(', ')} (set by the server)` : issue.message,
  }));
  return refused(
    DataRuleError.fromRule(
      {
        rule: 'invalid_input',
        kind: 'invalid',
        message: `the request is not valid: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`,
        facts: { issues },
      },
      'input',
    ),
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id from a request path (`/spots/:spotId`): the value, or `invalid_input` naming the parameter. */
export function parseId(name: string, value: unknown): Result<string> {
  if (typeof value === 'string' && UUID.test(value)) return ok(value.toLowerCase());
  return refused(
    DataRuleError.fromRule(
      {
        rule: 'invalid_input',
        kind: 'invalid',
        message: `${name} must be a UUID`,
        facts: { issues: [{ path: name, message: 'must be a UUID' }] },
      },
      'input',
    ),
  );
}

/** A refusal found by a function itself (a row that is not there for this caller), with nothing changed. */
export function refusal(rule: string, kind: DataRuleError['kind'], message: string, facts?: Record<string, unknown>) {
  return refused(DataRuleError.fromRule({ rule, kind, message, ...(facts ? { facts } : {}) }));
}

/**
 * A timestamp from raw SQL as a Date, whichever driver read it: node-postgres
 * and PGlite parse timestamptz, some paths hand back Postgres' text form
 * (`2026-03-14 12:00:00.123456+00`), which `new Date()` does not read everywhere.
 */
export function toDate(value: Date | string): Date {
  if (value instanceof Date) return value;
  const iso = value.includes('T') ? value : value.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00');
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new TypeError(`not a timestamp: ${value}`);
  return date;
}
