/**
 * Typed errors for refused writes. The database is the judge; this turns its
 * verdict (SQLSTATE + constraint name) into something the API can answer
 * with: which rule, what kind of failure, and a sentence for the client.
 */

/** How the API should treat a broken rule. */
export type RuleKind =
  /** The value itself is malformed (400). */
  | 'invalid'
  /** It clashes with an existing row (409). */
  | 'conflict'
  /** It points at a row that does not exist (404 or 422). */
  | 'missing_reference'
  /** The row is referenced by others and cannot go (409). */
  | 'in_use'
  /** The caller's role or rider may not do this: a privilege or a row-level policy (403). */
  | 'forbidden';

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

export class DataRuleError extends Error {
  readonly rule: string;
  readonly kind: RuleKind;
  readonly constraint: string;
  readonly sqlstate: string;
  readonly facts: Record<string, unknown>;
  constructor(verdict: RuleVerdict, fields: PgErrorFields & { constraint: string }, options?: { cause?: unknown }) {
    super(verdict.message, options);
    this.name = 'DataRuleError';
    this.rule = verdict.rule;
    this.kind = verdict.kind;
    this.constraint = fields.constraint;
    this.sqlstate = fields.code;
    this.facts = verdict.facts ?? {};
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
