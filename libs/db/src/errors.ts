import { AUDIT_REFUSALS } from '@skatehubba/audit';
import { GAMIFICATION_REFUSALS } from '@skatehubba/gamification';
import { IDENTITY_REFUSALS } from '@skatehubba/identity';
import { DataRuleError, pgErrorFields, type RuleTable } from '@skatehubba/schema-kit';
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
  if (!fields?.constraint) return error;
  const spec = REFUSALS[fields.constraint];
  if (!spec) return error;
  return new DataRuleError(spec(fields), { ...fields, constraint: fields.constraint }, { cause: error });
}
