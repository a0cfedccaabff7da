import fc from 'fast-check';
import { TransactionRollbackError } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { expect } from 'vitest';
import type { TestDatabase } from './database';
import { asDatabaseRefusal } from './errors';

/** One seed for every property run, so a failure is reproducible: pass it back with `seed`. */
export const PROPERTY_SEED = 20_261_125;
export const PROPERTY_RUNS = 1_000;

interface ZodLike {
  safeParse(value: unknown): { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } };
}

export interface AgreementReport {
  cases: number;
  accepted: number;
  refused: number;
}

/**
 * The zod insert schema and the database must give the same verdict on every
 * generated row: zod accepts exactly the rows the database accepts. Each row
 * is inserted through drizzle in its own transaction and rolled back, so
 * cases do not see each other. A refusal counts only with SQLSTATE class 22
 * (data exception) or 23 (integrity constraint); anything else is a bug and
 * fails the run. A disagreement fails with fast-check's shrunk counterexample,
 * the seed and the path to replay it.
 */
export async function expectVerdictsAgree(
  t: TestDatabase<Record<string, unknown>>,
  {
    table,
    schema,
    rows,
    numRuns = PROPERTY_RUNS,
    seed = PROPERTY_SEED,
  }: { table: PgTable; schema: ZodLike; rows: fc.Arbitrary<Record<string, unknown>>; numRuns?: number; seed?: number },
): Promise<AgreementReport> {
  const report: AgreementReport = { cases: 0, accepted: 0, refused: 0 };
  await fc.assert(
    fc.asyncProperty(rows, async (row) => {
      const parsed = schema.safeParse(row);
      const zod = parsed.success
        ? 'accepts'
        : `refuses (${parsed.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})`;
      let database = 'accepts';
      try {
        await t.db.transaction(async (tx) => {
          await tx.insert(table).values(row as never);
          tx.rollback();
        });
      } catch (error) {
        if (!(error instanceof TransactionRollbackError)) {
          const refusal = asDatabaseRefusal(error);
          if (!refusal || !/^2[23]/.test(refusal.code)) throw error;
          database = `refuses (${refusal.code} ${refusal.constraint ?? ''} ${refusal.message})`;
        }
      }
      expect(zod.startsWith('accepts'), `zod ${zod} but the database ${database}`).toBe(database === 'accepts');
      report.cases++;
      if (database === 'accepts') report.accepted++;
      else report.refused++;
    }),
    { numRuns, seed },
  );
  return report;
}
