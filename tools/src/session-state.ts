/**
 * Finds SQL that leaves state on its session. Behind a transaction pooler
 * (PgBouncer in transaction mode, Neon's pooled endpoint) a server connection
 * is one client's only for one transaction, so whatever outlives the
 * transaction (a session-level SET, a session advisory lock, a LISTEN, a named
 * prepared statement, a temporary table, a held cursor) reaches another
 * client, or is lost when the next statement lands elsewhere. Every setting
 * the data layer needs is transaction-local instead: `SET LOCAL`, or
 * `set_config(name, value, true)`; locks are `pg_advisory_xact_lock()`.
 */
export type SessionRule =
  | 'session SET'
  | 'set_config(..., false)'
  | 'session advisory lock'
  | 'LISTEN'
  | 'named prepared statement'
  | 'temporary table that outlives its transaction'
  | 'cursor WITH HOLD';

export interface SessionFinding {
  rule: SessionRule;
  /** The offending SQL, as written (collapsed whitespace, at most 120 characters). */
  sql: string;
  /** 1-based line in the file. */
  line: number;
}

/** A piece of SQL found in a file: a string or template literal of TypeScript, or a whole .sql file. */
export interface SqlText {
  text: string;
  /** Line of the file where `text` starts. */
  line: number;
}

// A statement starts at the start of a text, after `;`, after a dollar quote
// opening a function body, after a quote opening dynamic SQL, or after
// PL/pgSQL's BEGIN, THEN, ELSE and LOOP.
const START = String.raw`(?:^|;|\$[A-Za-z_]*\$|'|\bBEGIN\b|\bTHEN\b|\bELSE\b|\bLOOP\b)\s*`;
const END = String.raw`\s*(?:;|$)`;
const STATEMENT_RULES: Array<{ rule: SessionRule; pattern: RegExp }> = [
  // A setting, a role or an authorization for the session. SET LOCAL, SET
  // TRANSACTION and SET CONSTRAINTS end with the transaction; `SET name =`
  // after UPDATE or ALTER ROLE, or in a function's header, is not at a
  // statement's start.
  {
    rule: 'session SET',
    pattern: new RegExp(
      `${START}((?:SET\\s+(?!LOCAL\\b|TRANSACTION\\b|CONSTRAINTS\\b)(?:SESSION\\s+)?(?:[\\w.]+\\s*(?:=|\\bTO\\b)|ROLE\\b|SESSION\\s+AUTHORIZATION\\b|TIME\\s+ZONE\\b|SCHEMA\\b|NAMES\\b)|RESET\\s+(?:SESSION\\s+AUTHORIZATION|[\\w.]+)${END})[^;'$]*)`,
      'gi',
    ),
  },
  { rule: 'LISTEN', pattern: new RegExp(`${START}((?:UN)?LISTEN\\s+(?:[\\w.]+|"[^"]+"|\\*)${END})`, 'gi') },
  {
    rule: 'named prepared statement',
    pattern: new RegExp(`${START}((?:PREPARE\\s+\\w+\\s*(?:\\(|\\bAS\\b)|DEALLOCATE\\s+(?:PREPARE\\s+)?\\w+${END})[^;'$]*)`, 'gi'),
  },
  { rule: 'cursor WITH HOLD', pattern: new RegExp(`${START}(DECLARE\\s+\\w+[^;]*?\\bCURSOR\\s+WITH\\s+HOLD\\b[^;]*)`, 'gi') },
];

/** Every session-state finding in one piece of SQL. */
export function findSessionState(sql: SqlText): SessionFinding[] {
  const findings: SessionFinding[] = [];
  const at = (offset: number) => sql.line + (sql.text.slice(0, offset).match(/\n/g)?.length ?? 0);
  const show = (text: string) => text.replace(/\s+/g, ' ').trim().slice(0, 120);
  for (const { rule, pattern } of STATEMENT_RULES) {
    for (const m of sql.text.matchAll(pattern)) findings.push({ rule, sql: show(m[1]!), line: at(m.index + m[0].indexOf(m[1]!)) });
  }
  for (const m of sql.text.matchAll(/\bset_config\s*\(/gi)) {
    const args = argumentsAt(sql.text, m.index + m[0].length);
    if (args?.length !== 3 || args[2]!.trim().toLowerCase() !== 'true') {
      findings.push({ rule: 'set_config(..., false)', sql: show(`set_config(${args?.join(',') ?? '...'})`), line: at(m.index) });
    }
  }
  // pg_advisory_lock, pg_try_advisory_lock(_shared), and their unlocks; the _xact_ ones end with the transaction.
  for (const m of sql.text.matchAll(/\bpg_(?:try_)?advisory_(?:un)?lock(?:_shared|_all)?\s*\(/gi)) {
    findings.push({ rule: 'session advisory lock', sql: show(m[0]), line: at(m.index) });
  }
  for (const m of sql.text.matchAll(/\bCREATE\s+(?:(?:GLOBAL|LOCAL)\s+)?TEMP(?:ORARY)?\s+TABLE\b[^;]*/gi)) {
    if (!/\bON\s+COMMIT\s+DROP\b/i.test(m[0])) {
      findings.push({ rule: 'temporary table that outlives its transaction', sql: show(m[0]), line: at(m.index) });
    }
  }
  return findings;
}

/** The top-level, comma-separated arguments of a call whose `(` ends just before `from`. */
function argumentsAt(text: string, from: number): string[] | undefined {
  const args: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let current = '';
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      current += c;
      if (c === quote) quote = undefined;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    if (c === '(') depth += 1;
    if (c === ')' && depth-- === 0) return [...args, current];
    if (c === ',' && depth === 0) {
      args.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  return undefined;
}

/**
 * The string and template literals of a TypeScript source, comments left
 * out, each `${...}` of a template standing as `$1`; and the code outside
 * them (for calls such as drizzle's `.prepare()`). A small lexer: strings,
 * templates (nested through `${}`), comments and regular expression
 * literals, told apart the way the usual heuristic does (a `/` where an
 * operand may start opens a regular expression).
 */
export function typescriptLiterals(source: string): { literals: SqlText[]; code: string } {
  const literals: SqlText[] = [];
  let code = '';
  let line = 1;
  let i = 0;
  // Templates whose `${` substitution is being read, innermost last, with the brace depth it opened at.
  const open: Array<{ text: string; line: number; depth: number }> = [];
  let braceDepth = 0;
  const readTemplate = (template: { text: string; line: number }) => {
    // Inside a template: up to its closing backtick, or to a `${` (the code
    // inside is read as code; the closing `}` resumes this template).
    for (; i < source.length; i++) {
      const c = source[i]!;
      if (c === '\n') line += 1;
      if (c === '\\') {
        template.text += source.slice(i, i + 2);
        i += 1;
        continue;
      }
      if (c === '`') {
        i += 1;
        literals.push({ text: template.text, line: template.line });
        return;
      }
      if (c === '$' && source[i + 1] === '{') {
        i += 2;
        // The substitution's value stands in as a parameter.
        template.text += '$1';
        open.push({ ...template, depth: braceDepth });
        return;
      }
      template.text += c;
    }
  };
  while (i < source.length) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === '\n') line += 1;
    if (c === '/' && next === '/') {
      while (i < source.length && source[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end < 0 ? source.length : end + 2;
      line += source.slice(i, stop).match(/\n/g)?.length ?? 0;
      i = stop;
      continue;
    }
    if (c === "'" || c === '"') {
      const start = line;
      let text = '';
      for (i++; i < source.length && source[i] !== c; i++) {
        if (source[i] === '\\') {
          text += source.slice(i, i + 2);
          i++;
          continue;
        }
        if (source[i] === '\n') line += 1;
        text += source[i];
      }
      i++;
      literals.push({ text, line: start });
      code += '""';
      continue;
    }
    if (c === '`') {
      i++;
      readTemplate({ text: '', line });
      code += '""';
      continue;
    }
    if (c === '{') braceDepth += 1;
    if (c === '}') {
      if (open.length && open.at(-1)!.depth === braceDepth) {
        const template = open.pop()!;
        i++;
        readTemplate(template);
        continue;
      }
      braceDepth -= 1;
    }
    if (c === '/' && /[(,=:[!&|?{};]\s*$|^\s*$|\breturn\s*$/.test(code.slice(-20))) {
      // A regular expression literal: skip it, classes and escapes included.
      let inClass = false;
      for (i++; i < source.length; i++) {
        const r = source[i]!;
        if (r === '\\') {
          i++;
          continue;
        }
        if (r === '[') inClass = true;
        else if (r === ']') inClass = false;
        else if (r === '/' && !inClass) break;
        else if (r === '\n') break;
      }
      i++;
      code += '/re/';
      continue;
    }
    code += c;
    i++;
  }
  return { literals, code };
}

/** Session state in one TypeScript source: its SQL literals, and drizzle's named prepared statements (`.prepare('name')`) or node-postgres's (`query({ name })`) in its code. */
export function findSessionStateInTypescript(source: string): SessionFinding[] {
  const { literals, code } = typescriptLiterals(source);
  const findings = literals.flatMap(findSessionState);
  for (const m of code.matchAll(/\.prepare\s*\(/g)) {
    findings.push({ rule: 'named prepared statement', sql: '.prepare(...)', line: 1 + (code.slice(0, m.index).match(/\n/g)?.length ?? 0) });
  }
  for (const m of code.matchAll(/\.query\s*\(\s*\{[^}]*\bname\s*:/g)) {
    findings.push({
      rule: 'named prepared statement',
      sql: 'query({ name, ... })',
      line: 1 + (code.slice(0, m.index).match(/\n/g)?.length ?? 0),
    });
  }
  return findings;
}

/** Session state in one .sql file (a migration): `--` and block comments left out. */
export function findSessionStateInSql(source: string): SessionFinding[] {
  // Comments are blanked character for character, newlines kept, so line numbers hold.
  const text = source.replace(/--[^\n]*/g, (m) => ' '.repeat(m.length)).replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' '));
  return findSessionState({ text, line: 1 });
}
