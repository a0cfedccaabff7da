import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, migrateDb, type PgliteHandle } from '@skatehubba/db';
import { MUTANTS } from './mutants';

// The mutation gate's list against the migrated catalog: every named
// constraint, index, trigger and policy the migrations build has at least one
// mutant, and no mutant names an object that is gone. A new rule cannot land
// without a mutant, and so without a test that fails when the rule breaks.
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
let db: PgliteHandle;

beforeAll(async () => {
  db = await createDb({ driver: 'pglite' });
  await migrateDb(db);
}, 120_000);
afterAll(async () => db?.close());

interface CatalogObject {
  kind: string;
  name: string;
}

const catalog = async () =>
  (
    await db.client.query<CatalogObject>(`
      SELECT CASE contype WHEN 'f' THEN 'foreign key' WHEN 'c' THEN 'check' WHEN 'p' THEN 'primary key'
                          WHEN 'u' THEN 'unique' ELSE contype::text END AS kind, conname AS name
        FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND contype <> 'n'
      UNION ALL
      SELECT 'index', c.relname FROM pg_class c WHERE c.relkind IN ('i', 'I') AND c.relnamespace = 'public'::regnamespace
      UNION ALL
      SELECT 'trigger', tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
       WHERE NOT t.tgisinternal AND c.relnamespace = 'public'::regnamespace
      UNION ALL
      SELECT 'policy', polname FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid WHERE c.relnamespace = 'public'::regnamespace
      ORDER BY 1, 2`)
  ).rows;

describe('mutant list', () => {
  it('has a mutant for every constraint, index, trigger and policy in the migrated catalog', async () => {
    const covered = new Set(MUTANTS.flatMap((m) => m.covers));
    const objects = await catalog();
    expect(objects.length).toBeGreaterThan(80);
    expect(objects.filter((o) => !covered.has(o.name))).toEqual([]);
  });

  it('names only objects that exist', async () => {
    const names = new Set((await catalog()).map((o) => o.name));
    expect(MUTANTS.flatMap((m) => m.covers.filter((name) => !names.has(name)).map((name) => `${m.name}: ${name}`))).toEqual([]);
  });

  it('changes the delete rule of every foreign key', async () => {
    const fks = (await catalog()).filter((o) => o.kind === 'foreign key').map((o) => o.name);
    expect(fks.filter((fk) => !MUTANTS.some((m) => m.name.startsWith(`${fk} on delete `)))).toEqual([]);
  });

  it('has unique names, SQL, and owners that exist', () => {
    expect(new Set(MUTANTS.map((m) => m.name)).size).toBe(MUTANTS.length);
    for (const m of MUTANTS) {
      expect(m.sql.length, m.name).toBeGreaterThan(0);
      expect(m.owners.length, m.name).toBeGreaterThan(0);
      for (const owner of m.owners) expect(existsSync(`${ROOT}/${owner.file}`), `${m.name}: ${owner.file}`).toBe(true);
    }
  });
});
