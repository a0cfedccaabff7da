import { expect } from 'vitest';

/** The fields Postgres reports for a refused statement, from node-postgres or PGlite. */
export interface DatabaseRefusal {
  code: string;
  constraint: string | undefined;
  message: string;
}

/** Finds the Postgres error under drizzle's DrizzleQueryError wrapper, if any. */
export function asDatabaseRefusal(error: unknown): DatabaseRefusal | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const e = current as { code?: unknown; constraint?: unknown; message?: unknown; cause?: unknown };
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) {
      return {
        code: e.code,
        constraint: typeof e.constraint === 'string' ? e.constraint : undefined,
        message: String(e.message),
      };
    }
    current = e.cause;
  }
  return undefined;
}

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
