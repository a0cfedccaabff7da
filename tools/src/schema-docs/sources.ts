import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ts from 'typescript';
import type { TriggerDoc } from './model';

/**
 * The first paragraph of the doc comment on every `pgTable('name', ...)`
 * declaration in a lib's `src/`, by table name. That paragraph is each
 * table's one-line reason in the reference.
 */
export async function readTableReasons(srcDir: string): Promise<Record<string, string>> {
  const reasons: Record<string, string> = {};
  const files = (await readdir(srcDir)).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  for (const file of files) {
    const text = await readFile(join(srcDir, file), 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    for (const statement of source.statements) {
      if (!ts.isVariableStatement(statement)) continue;
      for (const declaration of statement.declarationList.declarations) {
        let init = declaration.initializer;
        // `pgTable(...).enableRLS()`: the table is the inner call.
        if (
          init &&
          ts.isCallExpression(init) &&
          ts.isPropertyAccessExpression(init.expression) &&
          ts.isCallExpression(init.expression.expression)
        ) {
          init = init.expression.expression;
        }
        if (!init || !ts.isCallExpression(init) || init.expression.getText(source) !== 'pgTable') continue;
        const [nameArg] = init.arguments;
        if (!nameArg || !ts.isStringLiteral(nameArg)) continue;
        const doc = ts.getJSDocCommentsAndTags(declaration).find(ts.isJSDoc) ?? ts.getJSDocCommentsAndTags(statement).find(ts.isJSDoc);
        const comment = typeof doc?.comment === 'string' ? doc.comment : (ts.getTextOfJSDocComment(doc?.comment) ?? '');
        // A write table (writes.ts) over the same table carries no doc comment: the table's own file speaks for it.
        if (comment.trim()) reasons[nameArg.text] = firstParagraph(comment);
      }
    }
  }
  return reasons;
}

const firstParagraph = (comment: string) => (comment.split(/\n\s*\n/)[0] ?? '').replace(/\s+/g, ' ').trim();

// A statement trigger's transition tables (REFERENCING OLD TABLE AS ... NEW TABLE AS ...) sit between the table and FOR EACH.
const TRIGGER_RE =
  /CREATE\s+TRIGGER\s+(\w+)\s+(BEFORE|AFTER|INSTEAD\s+OF)\s+([^;]+?)\s+ON\s+(\w+)\s+(?:REFERENCING\s+[^;]+?\s+)?FOR\s+EACH\s+(ROW|STATEMENT)\s+EXECUTE\s+FUNCTION\s+(\w+\([^)]*\))/gis;

/** Every trigger the migrations create (custom migrations hold them; drizzle-kit cannot model triggers). */
export async function readTriggers(migrationsDir: string): Promise<TriggerDoc[]> {
  const files = (await readdir(migrationsDir)).filter((f) => f.endsWith('.sql')).sort();
  const triggers = new Map<string, TriggerDoc>();
  for (const file of files) {
    // Function bodies ($$ ... $$) may build triggers on other objects (audit partitions): skip them.
    const text = (await readFile(join(migrationsDir, file), 'utf8')).replace(/\$\$[\s\S]*?\$\$/g, '$$$$');
    for (const dropped of text.matchAll(/DROP\s+TRIGGER\s+(?:IF\s+EXISTS\s+)?(\w+)\s+ON\s+(\w+)/gi)) {
      triggers.delete(`${dropped[2]}.${dropped[1]}`);
    }
    for (const m of text.matchAll(TRIGGER_RE)) {
      const [, name, timing, events, table, level, call] = m as unknown as string[];
      triggers.set(`${table}.${name}`, {
        name: name!,
        table: table!,
        timing: timing!.toUpperCase().replace(/\s+/g, ' '),
        events: events!.replace(/\s+/g, ' ').toUpperCase(),
        level: level!.toUpperCase(),
        call: call!.replace(/\s+/g, ' '),
      });
    }
  }
  return [...triggers.values()].sort((a, b) => `${a.table}.${a.name}`.localeCompare(`${b.table}.${b.name}`));
}
