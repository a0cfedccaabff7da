import { expect } from 'vitest';
import type { z } from 'zod';
import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import { checkinInputSchema, checkinWrites, savedSpotInputSchema, savedSpotWrites, spotInputSchema, spotWrites } from '@skatehubba/spots';
import { sessionInputSchema, sessionWrites, userInputSchema, userWrites } from '@skatehubba/identity';
import { databaseTest } from '@skatehubba/testing';
import * as schema from './schema';

// Integration: each input schema (what a rider's request may carry) names
// exactly the columns the app role may INSERT, read from the catalog. A grant
// widened in a migration, or a server-owned column let into a schema, fails here.
const it = databaseTest(schema);

const INPUTS: [table: string, input: z.ZodObject, writes: PgTable][] = [
  ['users', userInputSchema, userWrites],
  ['sessions', sessionInputSchema, sessionWrites],
  ['spots', spotInputSchema, spotWrites],
  ['checkins', checkinInputSchema, checkinWrites],
  ['saved_spots', savedSpotInputSchema, savedSpotWrites],
];

it.for(INPUTS)(
  '%s: the input schema and the writes table are exactly what authenticated may INSERT',
  async ([table, input, writes], { t }) => {
    const rows = await t.query<{ column: string }>(`
    SELECT attname AS column FROM pg_attribute
     WHERE attrelid = 'public.${table}'::regclass AND attnum > 0 AND NOT attisdropped
       AND has_column_privilege('authenticated', attrelid, attnum, 'INSERT')
     ORDER BY 1`);
    expect(rows.map((r) => r.column)).toEqual(Object.keys(input.shape).sort());
    expect(getTableConfig(writes).name).toBe(table);
    expect(rows.map((r) => r.column)).toEqual(
      getTableConfig(writes)
        .columns.map((c) => c.name)
        .sort(),
    );
    for (const serverOwned of ['created_at', 'updated_at', 'archived_at', 'revoked_at', 'progress', 'unlocked_at']) {
      expect(Object.keys(input.shape)).not.toContain(serverOwned);
    }
  },
);

it('refuses a backdated check-in by name before it reaches the database', () => {
  const result = checkinInputSchema.safeParse({
    user_id: '00000000-0000-4000-8000-000000000001',
    spot_id: '00000000-0000-4000-8000-000000000002',
    trick: 'kickflip',
    trick_status: 'landed',
    stance: 'regular',
    created_at: new Date('2020-01-01T00:00:00Z'),
  });
  expect(result.success).toBe(false);
  expect(result.error?.issues).toEqual([expect.objectContaining({ code: 'unrecognized_keys', keys: ['created_at'] })]);
});
