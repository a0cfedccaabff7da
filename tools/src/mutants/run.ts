/**
 * The mutation gate: `npm run test:mutants [-- --only <name>] [--jobs N] [--no-baseline]`.
 *
 * For each mutant of mutants.ts, runs the test files that own the rule with
 * the mutant applied to the migrated schema (the harness applies
 * SKATEHUBBA_MUTANT_SQL after the migrations) and requires a test to fail.
 * Exits 1 if any mutant survives, or if a run errors without a failing test
 * (a mutant that does not apply, a setup that breaks): neither proves a test
 * bites. Before the mutants, each owning file runs once unmutated and must
 * pass, so a file that fails anyway cannot "kill" anything.
 *
 * One vitest process per mutant and owning file (each needs its own migrated
 * database), `--bail=1`, N at a time (default 2). Owners on the `postgres`
 * engine need DATABASE_URL.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { MUTANTS, type Mutant, type Owner } from './mutants';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const VITEST = join(ROOT, 'node_modules/.bin/vitest');

interface RunResult {
  verdict: 'passed' | 'failed' | 'error';
  /** The first failing test, `file > describe > test`. */
  failed?: string;
  detail?: string;
  seconds: number;
}

/** The vitest project (folder with a vitest.config.ts) a test file belongs to. */
function projectOf(file: string): string {
  let dir = dirname(join(ROOT, file));
  while (dir.startsWith(ROOT) && !existsSync(join(dir, 'vitest.config.ts'))) dir = dirname(dir);
  if (!existsSync(join(dir, 'vitest.config.ts'))) throw new Error(`no vitest.config.ts above ${file}`);
  return dir;
}

/**
 * A freshly initialised, empty PGlite, dumped once: every PGlite run of the
 * gate starts from it (SKATEHUBBA_PGLITE_EMPTY) instead of running initdb,
 * then migrates as usual.
 */
async function emptyPgliteDump(outDir: string): Promise<string> {
  const client = new PGlite();
  await client.waitReady;
  const dump = await client.dumpDataDir('none');
  await client.close();
  const file = join(outDir, 'empty-pglite.tar');
  await writeFile(file, Buffer.from(await dump.arrayBuffer()));
  return file;
}

let pgliteEmpty = '';

async function runOwner(owner: Owner, mutantSql: string, outDir: string, tag: string): Promise<RunResult> {
  const engine = owner.engine ?? 'pglite';
  const started = performance.now();
  const seconds = () => Math.round((performance.now() - started) / 100) / 10;
  if (!existsSync(join(ROOT, owner.file))) return { verdict: 'error', detail: `${owner.file} does not exist`, seconds: 0 };
  if (engine === 'postgres' && !process.env.DATABASE_URL) {
    return { verdict: 'error', detail: 'needs DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres)', seconds: 0 };
  }
  const cwd = projectOf(owner.file);
  const outputFile = join(outDir, `${tag}.json`);
  const args = ['run', relative(cwd, join(ROOT, owner.file)), '--bail=1', '--reporter=json', `--outputFile=${outputFile}`];
  const child = spawn(VITEST, args, {
    cwd,
    env: {
      ...process.env,
      SKATEHUBBA_TEST_ENGINES: engine,
      SKATEHUBBA_MUTANT_SQL: mutantSql,
      SKATEHUBBA_PGLITE_EMPTY: pgliteEmpty,
      FORCE_COLOR: '0',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  let report: VitestJson | undefined;
  try {
    report = JSON.parse(await readFile(outputFile, 'utf8')) as VitestJson;
  } catch {
    report = undefined;
  }
  for (const file of report?.testResults ?? []) {
    const test = file.assertionResults.find((a) => a.status === 'failed');
    if (!test) continue;
    const message = (test.failureMessages ?? [])[0]?.split('\n')[0] ?? '';
    // A timeout says the machine was slow, not that the rule is enforced.
    if (/timed out/i.test(message)) return { verdict: 'error', detail: `${owner.file} > ${test.fullName}: ${message}`, seconds: seconds() };
    const name = test.fullName.length > 140 ? `${test.fullName.slice(0, 139)}…` : test.fullName;
    return { verdict: 'failed', failed: `${owner.file} > ${name}`, detail: message.slice(0, 200), seconds: seconds() };
  }
  for (const file of report?.testResults ?? []) {
    if (file.status === 'failed' && file.message) {
      return {
        verdict: 'failed',
        failed: `${owner.file} (before its tests: ${file.message.split('\n')[0]!.slice(0, 100)})`,
        seconds: seconds(),
      };
    }
  }
  if (code === 0 && report && report.numTotalTests > 0) return { verdict: 'passed', seconds: seconds() };
  return {
    verdict: 'error',
    detail: `vitest exited ${code} with no failing test: ${stderr.trim().split('\n').slice(-6).join(' | ')}`,
    seconds: seconds(),
  };
}

interface VitestJson {
  numTotalTests: number;
  testResults: {
    name: string;
    status: string;
    message?: string;
    assertionResults: { fullName: string; status: string; failureMessages?: string[] }[];
  }[];
}

/** Runs `work` over `items`, `jobs` at a time, in list order. */
async function pool<T, R>(items: T[], jobs: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, worker));
  return results;
}

const ownerKey = (o: Owner) => `${o.file} [${o.engine ?? 'pglite'}]`;

interface Outcome {
  mutant: Mutant;
  verdict: 'killed' | 'survived' | 'error';
  by: string;
  seconds: number;
}

async function main() {
  const { values } = parseArgs({
    options: {
      only: { type: 'string', multiple: true },
      jobs: { type: 'string', default: process.env.SKATEHUBBA_MUTANT_JOBS ?? '2' },
      'no-baseline': { type: 'boolean', default: false },
      list: { type: 'boolean', default: false },
    },
  });
  if (values.list) {
    for (const m of MUTANTS) console.log(`${m.name}\t${m.owners.map(ownerKey).join(', ')}`);
    return 0;
  }
  const names = new Set(MUTANTS.map((m) => m.name));
  if (names.size !== MUTANTS.length) throw new Error('two mutants share a name');
  const only = values.only ?? [];
  const unknown = only.filter((n) => !names.has(n));
  if (unknown.length) {
    console.error(`unknown mutant ${unknown.map((n) => JSON.stringify(n)).join(', ')}; \`npm run test:mutants -- --list\` lists them`);
    return 2;
  }
  const selected = only.length ? MUTANTS.filter((m) => only.includes(m.name)) : MUTANTS;
  const jobs = Math.max(1, Number(values.jobs));
  const outDir = await mkdtemp(join(tmpdir(), 'skatehubba-mutants-'));
  const started = performance.now();
  try {
    pgliteEmpty = await emptyPgliteDump(outDir);
    if (!values['no-baseline']) {
      const owners = [...new Map(selected.flatMap((m) => m.owners).map((o) => [ownerKey(o), o])).values()];
      console.log(`== baseline: ${owners.length} owning test file(s) without a mutant must pass`);
      const baseline = await pool(owners, jobs, async (owner, i) => {
        const result = await runOwner(owner, '', outDir, `baseline-${i}`);
        const why = result.verdict === 'passed' ? '' : `: ${[result.failed, result.detail].filter(Boolean).join(': ')}`;
        console.log(
          `  ${result.verdict === 'passed' ? 'ok  ' : 'FAIL'} ${result.seconds.toFixed(1).padStart(5)}s  ${ownerKey(owner)}${why}`,
        );
        return result;
      });
      if (baseline.some((r) => r.verdict !== 'passed')) {
        console.error('\nmutation gate: owning tests fail without any mutant; fix them first (no mutant can be judged)');
        return 1;
      }
    }

    console.log(`== ${selected.length} mutant(s), ${jobs} at a time`);
    const width = String(selected.length).length;
    const outcomes = await pool(selected, jobs, async (mutant, i): Promise<Outcome> => {
      const sql = mutant.sql.join('\n--> statement-breakpoint\n');
      let seconds = 0;
      let outcome: Outcome | undefined;
      for (const [k, owner] of mutant.owners.entries()) {
        const result = await runOwner(owner, sql, outDir, `m${i}-${k}`);
        seconds += result.seconds;
        if (result.verdict === 'failed') {
          outcome = { mutant, verdict: 'killed', by: result.failed!, seconds };
          break;
        }
        if (result.verdict === 'error') {
          outcome = { mutant, verdict: 'error', by: `${ownerKey(owner)}: ${result.detail}`, seconds };
          break;
        }
      }
      outcome ??= { mutant, verdict: 'survived', by: `passed: ${mutant.owners.map(ownerKey).join(', ')}`, seconds };
      const label = outcome.verdict === 'killed' ? 'killed  ' : outcome.verdict === 'survived' ? 'SURVIVED' : 'ERROR   ';
      console.log(
        `[${String(i + 1).padStart(width)}/${selected.length}] ${label} ${outcome.seconds.toFixed(1).padStart(5)}s  ${mutant.name}  <- ${outcome.by}`,
      );
      return outcome;
    });

    const wall = (performance.now() - started) / 1000;
    console.log('\n| mutant | killed by | s |\n|---|---|---:|');
    for (const o of outcomes) {
      const by = o.verdict === 'killed' ? o.by : `**${o.verdict.toUpperCase()}** ${o.by}`;
      console.log(`| ${o.mutant.name} | ${by.replaceAll('|', '/')} | ${o.seconds.toFixed(1)} |`);
    }
    const killed = outcomes.filter((o) => o.verdict === 'killed').length;
    const bad = outcomes.filter((o) => o.verdict !== 'killed');
    console.log(`\n${killed}/${outcomes.length} mutants killed in ${wall.toFixed(0)} s (wall, ${jobs} at a time)`);
    if (bad.length) {
      console.error(`mutation gate failed: ${bad.map((o) => `${o.mutant.name} (${o.verdict})`).join(', ')}`);
      return 1;
    }
    return 0;
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
