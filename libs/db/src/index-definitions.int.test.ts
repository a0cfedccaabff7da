import { generateDrizzleJson, generateMigration } from 'drizzle-kit/api';
import { describe, expect } from 'vitest';
import { databaseTest } from '@skatehubba/testing';
import * as schema from './schema';

// Integration: every index the migrations built has exactly the definition the
// drizzle table files declare: columns, order, NULLS placement, expressions,
// partial predicate, uniqueness. The expected side is built from the table
// objects themselves (drizzle-kit's SQL for the composed schema, run in a
// scratch schema of the same database), so it cannot drift from them; a
// migration that builds an index differently (the id tiebreak of a keyset
// index dropped, a partial predicate lost) fails here on every engine.
const it = databaseTest(schema);
const DECLARED = 'declared_schema';

/**
 * Every index of a schema, with names left out of the definition so the two
 * schemas compare. audit_logs is partitioned (0008), which drizzle cannot
 * declare: its indexes are partitioned ones ('I', defined `ON ONLY` the parent).
 */
const indexDefs = (namespace: string) => `
  SELECT c.relname AS name,
         replace(regexp_replace(pg_get_indexdef(c.oid), '\\m(public|${DECLARED})\\.', '', 'g'), ' ON ONLY ', ' ON ') AS def
    FROM pg_class c WHERE c.relkind IN ('i', 'I') AND c.relnamespace = '${namespace}'::regnamespace ORDER BY 1`;

it.beforeAll(async ({ t }) => {
  const statements = await generateMigration(generateDrizzleJson({}), generateDrizzleJson(schema as Record<string, unknown>));
  // Policies are left out: they name functions of the real schema and no index depends on them.
  const ddl = statements
    .filter((s) => !/^CREATE POLICY|ENABLE ROW LEVEL SECURITY/.test(s))
    .map((s) => s.replaceAll('"public".', `"${DECLARED}".`));
  // One statement, so it runs the same on every driver (neon-http has no session for SET).
  await t.query(`CREATE SCHEMA ${DECLARED}`);
  await t.query(`DO $declared$ BEGIN
    PERFORM set_config('search_path', '${DECLARED}', true);
    ${ddl.map((s) => `EXECUTE $ddl$${s}$ddl$;`).join('\n    ')}
  END $declared$`);
});

describe('index definitions', () => {
  it('match the drizzle table files exactly (pg_get_indexdef)', async ({ t }) => {
    const built = await t.query<{ name: string; def: string }>(indexDefs('public'));
    const declared = await t.query<{ name: string; def: string }>(indexDefs(DECLARED));
    expect(declared.length).toBeGreaterThan(20);
    expect(Object.fromEntries(built.map((r) => [r.name, r.def]))).toEqual(Object.fromEntries(declared.map((r) => [r.name, r.def])));
  });
});
