import { AUDIT_REFUSALS } from '@skatehubba/audit';
import { GAMIFICATION_REFUSALS } from '@skatehubba/gamification';
import { IDENTITY_REFUSALS } from '@skatehubba/identity';
import { NOTIFICATIONS_REFUSALS } from '@skatehubba/notifications';
import { PRIVILEGE_REFUSAL, pgErrorFields, ruleErrorOf, type DataRuleError, type RuleTable } from '@skatehubba/schema-kit';
import { SPOTS_REFUSALS } from '@skatehubba/spots';

// One place for the API to import refusals from: the error, its kinds and
// their HTTP statuses, and the JSON a refusal becomes.
export { DataRuleError } from '@skatehubba/schema-kit';
export { httpStatusOf, RULE_KINDS, type DataRuleErrorWire, type RuleKind } from '@skatehubba/contracts';

/** Every team's constraints, by name. A test holds this equal to the catalog. */
export const REFUSALS: RuleTable = {
  ...IDENTITY_REFUSALS,
  ...SPOTS_REFUSALS,
  ...GAMIFICATION_REFUSALS,
  ...NOTIFICATIONS_REFUSALS,
  ...AUDIT_REFUSALS,
};

/**
 * Turns a refused write into a `DataRuleError` naming the rule, or returns
 * the error unchanged when it is not a rule refusal (connection loss, a bug).
 * Works on errors from every driver and through drizzle's wrapper. The write
 * functions of the libs already return their refusals (`Result`); this is for
 * the API's own SQL.
 *
 *   try { ... } catch (error) { throw toDataRuleError(error); }
 */
export function toDataRuleError<E>(error: E): DataRuleError | E {
  return ruleErrorOf(REFUSALS, error) ?? error;
}

export { PRIVILEGE_REFUSAL };

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
