import { AUDIT_REFUSALS } from '@skatehubba/audit';
import { GAMIFICATION_REFUSALS } from '@skatehubba/gamification';
import { IDENTITY_REFUSALS } from '@skatehubba/identity';
import { DataRuleError, pgErrorFields, rowSecurityRefusal, type RuleTable, type RuleVerdict } from '@skatehubba/schema-kit';
import { SPOTS_REFUSALS } from '@skatehubba/spots';

/** Every team's constraints, by name. A test holds this equal to the catalog. */
export const REFUSALS: RuleTable = {
  ...IDENTITY_REFUSALS,
  ...SPOTS_REFUSALS,
  ...GAMIFICATION_REFUSALS,
  ...AUDIT_REFUSALS,
};

/**
 * Turns a refused write into a `DataRuleError` naming the rule, or returns
 * the error unchanged when it is not a rule refusal (connection loss, a bug).
 * Works on errors from every driver and through drizzle's wrapper.
 *
 *   try { ... } catch (error) { throw toDataRuleError(error); }
 */
export function toDataRuleError(error: unknown): unknown {
  const fields = pgErrorFields(error);
  if (!fields) return error;
  const spec = fields.constraint ? REFUSALS[fields.constraint] : undefined;
  if (fields.constraint && spec) return new DataRuleError(spec(fields), { ...fields, constraint: fields.constraint }, { cause: error });
  const rls = rowSecurityRefusal(fields);
  if (rls) {
    // Postgres names the policy only when a restrictive one fails; a table's policies share one verdict.
    const policy = rls.policy ?? Object.keys(REFUSALS).find((name) => name.startsWith(`${rls.table}_`) && name.endsWith('_pol'));
    const verdict = policy ? REFUSALS[policy] : undefined;
    if (policy && verdict) return new DataRuleError(verdict(fields), { ...fields, constraint: policy }, { cause: error });
  }
  if (fields.code === '42501') return new DataRuleError(PRIVILEGE_REFUSAL, { ...fields, constraint: 'privilege' }, { cause: error });
  return error;
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

/** SQLSTATEs that mean "the same transaction may succeed if run again". */
const TRANSIENT = new Set(['40001' /* serialization_failure */, '40P01' /* deadlock_detected */]);

/**
 * Runs `fn` (a whole transaction) and runs it again when Postgres aborted it
 * as a serialization failure or a deadlock victim: both roll the transaction
 * back completely, so a re-run is safe. Up to `attempts` runs, with jittered
 * exponential backoff from 10 ms; the last failure is rethrown. The data
 * layer's own writes are single statements or short READ COMMITTED
 * transactions that lock in one order and do not hit these; use this for
 * SERIALIZABLE transactions and multi-row updates across tables.
 */
export async function withTransientRetry<T>(fn: () => Promise<T>, { attempts = 5 } = {}): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      const code = pgErrorFields(error)?.code;
      if (!code || !TRANSIENT.has(code) || attempt >= attempts) throw error;
      const delay = 10 * 2 ** (attempt - 1) * (0.5 + Math.random());
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
