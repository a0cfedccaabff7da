import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { is } from 'drizzle-orm';
import { getTableConfig, integer, isPgEnum, pgEnum, pgTable, PgTable, text, uuid } from 'drizzle-orm/pg-core';
import mermaid from 'mermaid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '@skatehubba/db';
import { generateSchemaDoc, SCHEMA_DOC_PATH } from './main';
import { describeSchema } from './model';
import { renderMermaid, renderSchemaDoc } from './render';

const run = promisify(execFile);
const exported = Object.values(schema as Record<string, unknown>);
const composedTables = () => exported.filter((v): v is PgTable => is(v, PgTable));
const mermaidBlock = (markdown: string) => markdown.split('```mermaid\n')[1]!.split('```')[0]!;

let generated: string;
beforeAll(async () => {
  generated = await generateSchemaDoc();
});

describe('schema reference generator', () => {
  it('covers every table and every enum the aggregator composes', () => {
    const tables = composedTables().map((t) => getTableConfig(t).name);
    const enums = exported.filter(isPgEnum).map((e) => e.enumName);
    // 15 tables (identity 3, spots 6, gamification 3, notifications 2, audit 1) and 5 enums.
    expect(tables).toHaveLength(15);
    expect(enums).toHaveLength(5);
    for (const table of tables) {
      expect(generated, table).toContain(`### \`${table}\``);
      expect(mermaidBlock(generated), table).toContain(`  ${table} {`);
    }
    for (const name of enums) expect(generated, name).toMatch(new RegExp(`^\\| \`${name}\` \\|`, 'm'));
    // Every column of every table has a row.
    for (const table of composedTables()) {
      for (const column of getTableConfig(table).columns) expect(generated).toContain(`| \`${column.name}\` |`);
    }
  });

  it('shows every foreign key with its delete rule, and the triggers from the custom migrations', () => {
    expect(generated).toContain('`checkins_spot_id_fk` FOREIGN KEY (spot_id) -> spots (id), ON DELETE RESTRICT');
    expect(generated).toContain('users |o--o{ spots : "created_by (SET NULL)"');
    expect(generated).toContain('`audit_logs_append_only_trg` TRIGGER BEFORE UPDATE OR DELETE FOR EACH ROW');
    expect(generated).toMatch(/checkins_user_spot_window_uq` UNIQUE INDEX on `user_id, spot_id, date_bin\(.*WHERE `archived_at IS NULL`/);
  });

  it('writes a renamed column into its output (fixture schema)', () => {
    const tier = pgEnum('deck_tier', ['street', 'park']);
    const make = (widthColumn: string) => {
      const decks = pgTable('decks', {
        id: uuid('id').primaryKey(),
        brand: text('brand').notNull(),
        width: integer(widthColumn),
        tier: tier('tier'),
      });
      const fixture = { tier, decks };
      return renderSchemaDoc(
        describeSchema({
          schema: fixture,
          domains: [{ name: 'gear', folder: 'libs/gear', packageName: '@skatehubba/gear', exports: fixture }],
        }),
      );
    };
    const before = make('width_in');
    const after = make('width_mm');
    expect(before).toContain('| `width_in` | integer |');
    expect(after).toContain('| `width_mm` | integer |');
    expect(after).not.toContain('width_in');
    expect(mermaidBlock(after)).toContain('integer width_mm');
    expect(after).toContain('| `deck_tier` | `street`, `park` | `decks.tier` |');
  });

  it('refuses a composed table that no domain lib owns', () => {
    const orphan = pgTable('orphans', { id: uuid('id').primaryKey() });
    expect(() => describeSchema({ schema: { orphan }, domains: [] })).toThrow(/no owning domain lib: orphans/);
  });
});

describe('the Mermaid diagram', () => {
  it('is accepted by Mermaid itself', async () => {
    await expect(mermaid.parse(mermaidBlock(generated))).resolves.toMatchObject({ diagramType: 'er' });
  });

  it('would be caught if broken (the parser rejects a malformed relationship)', async () => {
    const broken = renderMermaid(describeSchema({ schema: {}, domains: [] })) + '\n  users ||--o{ : "no child"';
    await expect(mermaid.parse(broken)).rejects.toThrow(/Parse error/);
  });
});

describe('npm run docs -- --check', () => {
  const main = fileURLToPath(new URL('./main.ts', import.meta.url));
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'schema-docs-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('passes on the generated file and fails on a hand edit, saying to run npm run docs', async () => {
    const file = join(dir, 'schema.md');
    await writeFile(file, generated);
    await expect(run('npx', ['tsx', main, '--check', '--file', file])).resolves.toMatchObject({
      stdout: expect.stringContaining('up to date'),
    });

    await writeFile(file, generated.replace('| `handle` | text |', '| `handle` | varchar |'));
    const failure = await run('npx', ['tsx', main, '--check', '--file', file]).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toMatch(/run `npm run docs`/);
  });

  it('the committed docs/schema.md is what the generator writes', async () => {
    expect(await readFile(SCHEMA_DOC_PATH, 'utf8')).toBe(generated);
  });
});
