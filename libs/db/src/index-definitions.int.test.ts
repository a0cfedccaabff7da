import { generateDrizzleJson, generateMigration } from 'drizzle-kit/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyDatabaseTarget, openTestDatabase, type TestDatabase } from '@skatehubba/testing';
import { createDb, type DbHandle } from './client';
import * as schema from './schema';

// Integration: every index the migrations built has exactly the definition the
// drizzle table files declare: columns, order, NULLS placement, expressions,
// partial predicate, uniqueness. The expected side is built from the table
// objects themselves (drizzle-kit's SQL for the composed schema, applied to an
// empty database on the same engine), so it cannot drift from them; a
// migration that builds an index differently (an index order dropped, a
// predicate lost) fails here on every engine, before a plan test sees it.
let t: TestDatabase<typeof schema>;
let declared: DbHandle;
let dropDeclared: () => Promise<void>;

const INDEX_DEFS = `SELECT c.relname AS name, pg_get_indexdef(c.oid) AS def
                      FROM pg_class c WHERE c.relkind = 'i' AND c.relnamespace = 'public'::regnamespace ORDER BY 1`;

async function rows<R>(handle: DbHandle, text: string): Promise<R[]> {
  if (handle.driver === 'pglite') return (await handle.client.query<R>(text)).rows;
  if (handle.driver === 'neon-http') return (await handle.client.query(text)) as R[];
  return (await handle.client.query(text)).rows as R[];
}

beforeAll(async () => {
  t = await openTestDatabase(schema);
  const target = await emptyDatabaseTarget();
  dropDeclared = target.drop;
  declared = await createDb(target.options);
  const statements = await generateMigration(generateDrizzleJson({}), generateDrizzleJson(schema as Record<string, unknown>));
  for (const statement of statements) await rows(declared, statement);
});
afterAll(async () => {
  await declared?.close();
  await dropDeclared?.();
  await t?.close();
});

describe('index definitions', () => {
  it('match the drizzle table files exactly (pg_get_indexdef)', async () => {
    const built = await t.query<{ name: string; def: string }>(INDEX_DEFS);
    const expected = await rows<{ name: string; def: string }>(declared, INDEX_DEFS);
    expect(expected.length).toBeGreaterThan(20);
    expect(Object.fromEntries(built.map((r) => [r.name, r.def]))).toEqual(Object.fromEntries(expected.map((r) => [r.name, r.def])));
  });
});
