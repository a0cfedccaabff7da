import { expect } from 'vitest';
import { pgErrorFields, type PgErrorFields } from '@skatehubba/schema-kit';

/** The fields Postgres reports for a refused statement, from any driver (see pgErrorFields). */
export type DatabaseRefusal = PgErrorFields;

/** Finds the Postgres error under drizzle's DrizzleQueryError wrapper, if any. */
export const asDatabaseRefusal = (error: unknown): DatabaseRefusal | undefined => pgErrorFields(error);

/**
 * Asserts that the statement is refused by the named constraint (or
 * trigger-enforced rule), and returns the refusal for further checks.
 */
export async function expectRefused(promise: Promise<unknown>, constraint: string): Promise<DatabaseRefusal> {
  let refusal: DatabaseRefusal | undefined;
  try {
    await promise;
  } catch (error) {
    refusal = asDatabaseRefusal(error);
    if (!refusal) throw error;
  }
  expect(refusal, `expected ${constraint} to refuse the statement, but it succeeded`).toBeDefined();
  expect(refusal!.constraint, refusal!.message).toBe(constraint);
  return refusal!;
}
