import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findSessionStateInSql, findSessionStateInTypescript, typescriptLiterals, type SessionRule } from './session-state';

/**
 * Nothing the data layer runs leaves state on its session: behind Neon's
 * pooled endpoint (PgBouncer in transaction mode) the next transaction on a
 * server connection is another client's. Read from the code paths' SQL:
 * every library's and app's source but the tests, and every migration.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', 'libs', 'apps', 'migrations'], {
  cwd: root,
  encoding: 'utf8',
})
  .split('\n')
  .filter((f) => /^(libs|apps)\/[^/]+\/src\/.*\.ts$/.test(f) || /^migrations\/.*\.sql$/.test(f))
  .filter((f) => !/\.test(-d)?\.ts$/.test(f));

const scan = (file: string) => {
  const text = readFileSync(`${root}${file}`, 'utf8');
  return (file.endsWith('.sql') ? findSessionStateInSql(text) : findSessionStateInTypescript(text)).map((f) => ({ file, ...f }));
};

describe('session state in the SQL the data layer runs', () => {
  it('reads every source and migration, and sees the transaction-local settings they make (the scan is not blind)', () => {
    expect(files.length).toBeGreaterThan(60);
    expect(files).toEqual(
      expect.arrayContaining(['libs/schema-kit/src/access.ts', 'libs/db/src/migrate.ts', 'migrations/0008_audit_partitions.sql']),
    );
    const literals = (file: string) => typescriptLiterals(readFileSync(`${root}${file}`, 'utf8')).literals.map((l) => l.text);
    // asRider()'s context, the migrations' lock timeout, maintenance's: found, and transaction-local.
    expect(literals('libs/schema-kit/src/access.ts').join('\n')).toMatch(/set_config\(\$1, \$1, true\), set_config\(\$1, \$1, true\)/);
    expect(literals('libs/db/src/migrate.ts').join('\n')).toContain("SELECT set_config('lock_timeout', $1, true)");
    expect(literals('apps/maintenance/src/maintenance.ts').join('\n')).toContain('SET LOCAL lock_timeout');
    expect(readFileSync(`${root}migrations/0008_audit_partitions.sql`, 'utf8')).toContain('pg_advisory_xact_lock(');
  });

  it('finds no session-level SET, set_config(..., false), session advisory lock, LISTEN, named prepared statement, lasting temp table or held cursor', () => {
    expect(files.flatMap(scan)).toEqual([]);
  });
});

describe('the scan itself', () => {
  const ts = (source: string) => findSessionStateInTypescript(source).map((f) => f.rule);
  const sqlFile = (source: string) => findSessionStateInSql(source).map((f) => f.rule);

  it.for<[string, SessionRule[]]>([
    ["await client.query(`SET lock_timeout = '10s'`);", ['session SET']],
    ["await client.query('SET search_path TO public');", ['session SET']],
    ['db.execute(sql`SET ROLE authenticated`)', ['session SET']],
    ["db.execute(sql.raw('SET SESSION statement_timeout = 1000'))", ['session SET']],
    ["await c.query('RESET lock_timeout')", ['session SET']],
    ["await c.query('BEGIN; SET statement_timeout = 0; COMMIT')", ['session SET']],
    ['tx.execute(sql`SELECT set_config(${ACTOR_SETTING}, ${id}, false)`)', ['set_config(..., false)']],
    ['tx.execute(sql`SELECT set_config(${ACTOR_SETTING}, ${id})`)', ['set_config(..., false)']],
    ["tx.execute(sql`SELECT set_config('a', 'b', ${local})`)", ['set_config(..., false)']],
    ["await c.query('SELECT pg_advisory_lock(42)')", ['session advisory lock']],
    ["await c.query('SELECT pg_try_advisory_lock_shared(1, 2)')", ['session advisory lock']],
    ["await c.query('LISTEN spot_changes')", ['LISTEN']],
    ["await c.query('PREPARE feed AS SELECT 1')", ['named prepared statement']],
    ['const q = db.select().from(spots).prepare("feed");', ['named prepared statement']],
    ["await client.query({ name: 'feed', text: 'SELECT 1' })", ['named prepared statement']],
    ["await c.query('CREATE TEMP TABLE scratch (id int)')", ['temporary table that outlives its transaction']],
    ["await c.query('DECLARE c CURSOR WITH HOLD FOR SELECT 1')", ['cursor WITH HOLD']],
  ])('flags %s', ([source, rules]) => {
    expect(ts(source)).toEqual(rules);
  });

  it.for<string>([
    "await tx.execute(sql.raw(`SET LOCAL lock_timeout = '10s'`))",
    "await c.query('SET TRANSACTION ISOLATION LEVEL SERIALIZABLE')",
    'tx.execute(sql`SELECT set_config(${ACTOR_SETTING}, ${actorId}, true)`)',
    "await c.query(`UPDATE users SET display_name = 'x' WHERE id = $1`, [id])",
    "await c.query('INSERT INTO t VALUES (1) ON CONFLICT (id) DO UPDATE SET n = t.n + 1')",
    "await c.query('SELECT pg_advisory_xact_lock(42)')",
    "await c.query('CREATE TEMP TABLE scratch ON COMMIT DROP AS SELECT 1')",
    '// SET lock_timeout in a comment is not SQL',
    "const url = 'postgres://x@h/db'; // then SET lock_timeout in a comment",
    'const re = /SET lock_timeout/; const s = "fine";',
    "notify('listen to this')",
  ])('passes %s', (source) => {
    expect(ts(source)).toEqual([]);
  });

  it('reads migrations as SQL: a function attribute SET is not a statement, a statement or a PL/pgSQL SET is', () => {
    expect(
      sqlFile(`CREATE FUNCTION f() RETURNS int LANGUAGE sql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$ SELECT 1 $$;
--> statement-breakpoint
ALTER ROLE skatehubba_app SET search_path = public;
-- SET lock_timeout = '1s'; (a comment)
UPDATE spots SET name = name;`),
    ).toEqual([]);
    expect(sqlFile(`SELECT 1;\n--> statement-breakpoint\nSET lock_timeout = '1s';`)).toEqual(['session SET']);
    expect(sqlFile(`CREATE FUNCTION g() RETURNS void LANGUAGE plpgsql AS $$\nBEGIN\n  SET search_path = public;\nEND $$;`)).toEqual([
      'session SET',
    ]);
    expect(sqlFile(`DO $$ BEGIN PERFORM set_config('skatehubba.actor_id', 'x', false); END $$;`)).toEqual(['set_config(..., false)']);
  });

  it('reports the line of each finding', () => {
    expect(findSessionStateInTypescript("const a = 1;\n\nawait c.query(\n  'SET lock_timeout = 1'\n);")).toEqual([
      { rule: 'session SET', sql: 'SET lock_timeout = 1', line: 4 },
    ]);
  });
});
