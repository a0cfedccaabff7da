/**
 * Typed errors for refused writes. The database is the judge; this turns its
 * verdict (SQLSTATE + constraint name) into something the API can answer
 * with: which rule, what kind of failure, and a sentence for the client.
 */

import type { DataRuleErrorWire, RuleKind } from '@skatehubba/contracts';

/** How the API should treat a broken rule: the kinds and their HTTP statuses are @skatehubba/contracts'. */
export type { RuleKind };

/** What Postgres reported, from node-postgres, PGlite or the Neon drivers. */
export interface PgErrorFields {
  code: string;
  constraint?: string;
  detail?: string;
  message: string;
}

/** What a broken rule means for the API. */
export interface RuleVerdict {
  /** Stable rule id the API and SDK can switch on, e.g. `duplicate_checkin`. */
  rule: string;
  kind: RuleKind;
  /** A sentence for the client. */
  message: string;
  /** Extra typed facts (for a duplicate check-in: when the rider may check in again). */
  facts?: Record<string, unknown>;
}

/** Reads one refusal of one constraint; may use the error detail. */
export type RuleSpec = (fields: PgErrorFields) => RuleVerdict;

/** Every named constraint or trigger-enforced rule a lib owns, by constraint name. */
export type RuleTable = Record<string, RuleSpec>;

/**
 * A request refused by a rule, whoever judged it: the database (a constraint,
 * a trigger, a definer function's guard, a policy, a missing privilege: then
 * `sqlstate` is Postgres' code) or a write function before the database was
 * asked (input validation, a flow's own check: `sqlstate` null).
 */
export class DataRuleError extends Error {
  readonly rule: string;
  readonly kind: RuleKind;
  /** The constraint, trigger, guard or policy that refused; for a function's own check, the check's name. */
  readonly constraint: string;
  readonly sqlstate: string | null;
  readonly facts: Record<string, unknown>;
  constructor(verdict: RuleVerdict, fields: Partial<PgErrorFields> & { code: string; constraint: string }, options?: { cause?: unknown }) {
    super(verdict.message, options);
    this.name = 'DataRuleError';
    this.rule = verdict.rule;
    this.kind = verdict.kind;
    this.constraint = fields.constraint;
    this.sqlstate = fields.code || null;
    this.facts = verdict.facts ?? {};
  }

  /** A refusal judged in TypeScript, before or without the database. */
  static fromRule(verdict: RuleVerdict, constraint: string = verdict.rule): DataRuleError {
    return new DataRuleError(verdict, { code: '', constraint });
  }

  /** The refusal as the API returns it (`res.status(httpStatusOf(e.kind)).json(e)`): no constraint name, no SQLSTATE. */
  toJSON(): DataRuleErrorWire {
    return { rule: this.rule, kind: this.kind, message: this.message, facts: this.facts };
  }
}

/** Finds the Postgres error fields under driver and drizzle wrappers (DrizzleQueryError.cause). */
export function pgErrorFields(error: unknown): PgErrorFields | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const e = current as { code?: unknown; constraint?: unknown; detail?: unknown; message?: unknown; cause?: unknown };
    // Every SQLSTATE Postgres raises has a digit; errno codes (EPIPE, EPERM) have none.
    if (typeof e.code === 'string' && /^(?=.*\d)[0-9A-Z]{5}$/.test(e.code)) {
      return {
        code: e.code,
        constraint: typeof e.constraint === 'string' ? e.constraint : undefined,
        detail: typeof e.detail === 'string' ? e.detail : undefined,
        message: String(e.message),
      };
    }
    current = e.cause;
  }
  return undefined;
}

/** A rule with one meaning and a fixed sentence (CHECKs, unique keys). */
export const rule =
  (id: string, kind: RuleKind, message: string): RuleSpec =>
  () => ({ rule: id, kind, message });

/**
 * A foreign key refuses two different things with one name:
 * a child pointing at a missing parent, and deleting a parent that children
 * still point at (RESTRICT). The detail tells them apart.
 */
export const foreignKeyRule =
  (missing: [id: string, message: string], inUse?: [id: string, message: string]): RuleSpec =>
  (fields) =>
    // 23001 restrict_violation (ON DELETE RESTRICT); NO ACTION reports 23503 "still referenced".
    inUse && (fields.code === '23001' || /still referenced/.test(fields.detail ?? ''))
      ? { rule: inUse[0], kind: 'in_use', message: inUse[1] }
      : { rule: missing[0], kind: 'missing_reference', message: missing[1] };

/**
 * One verdict for every policy of a table. Postgres names no policy when a
 * row fails the permissive policies (`new row violates row-level security
 * policy for table "checkins"`), so all of a table's policies share the
 * sentence, and the mapping can find it from the table name.
 */
export function policyRules(verdict: RuleVerdict, ...policies: string[]): RuleTable {
  return Object.fromEntries(policies.map((name) => [name, () => verdict]));
}

/** The table and (for a restrictive policy) the policy named by a row-level security refusal, 42501. */
export function rowSecurityRefusal(fields: PgErrorFields): { table: string; policy?: string } | undefined {
  if (fields.code !== '42501') return undefined;
  const match = /violates row-level security policy (?:"([^"]+)" )?for table "([^"]+)"/.exec(fields.message);
  return match ? { table: match[2]!, policy: match[1] } : undefined;
}

/**
 * The `DataRuleError` for an error whose named rule (constraint, trigger or
 * definer-function guard) is in `table`, else undefined: for a lib's own flows,
 * which cannot import the aggregator's `toDataRuleError`.
 */
export function refusalIn(table: RuleTable, error: unknown): DataRuleError | undefined {
  const fields = pgErrorFields(error);
  const spec = fields?.constraint ? table[fields.constraint] : undefined;
  if (!fields?.constraint || !spec) return undefined;
  return new DataRuleError(spec(fields), { ...fields, constraint: fields.constraint }, { cause: error });
}

/** Rows of `db.execute()`, whichever driver: node-postgres and PGlite wrap them in `{ rows }`, neon-http does not. */
export function rowsOf<R>(result: unknown): R[] {
  return (Array.isArray(result) ? result : (result as { rows: R[] }).rows) as R[];
}

/**
 * SQLSTATE 42501 without a policy: the role lacks a privilege (a column it may
 * not write, a table it may not read, TRUNCATE, SET ROLE, ALTER). The driver's
 * message, kept as the cause, names the object.
 */
export const PRIVILEGE_REFUSAL: RuleVerdict = {
  rule: 'permission_denied',
  kind: 'forbidden',
  message: 'this role may not do that: the data layer grants each role only what its requests need',
};

/**
 * The `DataRuleError` for a refusal under `rules`, or undefined when the error
 * is not one (a lost connection, a bug): a named constraint, trigger or guard
 * in `rules`; a row-level security refusal, mapped by its table to that
 * table's policies (which share one verdict); or any other 42501, a missing
 * privilege. Works on every driver's errors and through drizzle's wrapper.
 */
export function ruleErrorOf(rules: RuleTable, error: unknown): DataRuleError | undefined {
  if (error instanceof DataRuleError) return error;
  const fields = pgErrorFields(error);
  if (!fields) return undefined;
  const spec = fields.constraint ? rules[fields.constraint] : undefined;
  if (fields.constraint && spec) return new DataRuleError(spec(fields), { ...fields, constraint: fields.constraint }, { cause: error });
  const rls = rowSecurityRefusal(fields);
  if (rls) {
    // Postgres names the policy only when a restrictive one fails; a table's policies share one verdict.
    const policy = rls.policy ?? Object.keys(rules).find((name) => name.startsWith(`${rls.table}_`) && name.endsWith('_pol'));
    const verdict = policy ? rules[policy] : undefined;
    if (policy && verdict) return new DataRuleError(verdict(fields), { ...fields, constraint: policy }, { cause: error });
  }
  if (fields.code === '42501') return new DataRuleError(PRIVILEGE_REFUSAL, { ...fields, constraint: 'privilege' }, { cause: error });
  return undefined;
}
