/**
 * `npm run bench:erasure -- [--profile small|medium|large] [--seed N] [--heavy N]
 *   [--part all|erasure|insert] [--out FILE] [--keep | --database NAME]`
 *
 * Erasure and the partitioned audit trail, all figures from one run on
 * DATABASE_URL (a Postgres server):
 *  1. erasure: seeds the profile into a fresh database (VACUUM ANALYZE after),
 *     builds heavy riders (`--heavy` check-ins each, default 3,000, plus
 *     sessions, saves, progress, profile and check-in edits, all through the
 *     audited paths), then erases heavy riders and typical ones (the median
 *     rider by check-ins), interleaved, as staff through withActor() and
 *     erase_rider(): ms end to end, audit rows redacted, rows deleted. One
 *     more heavy rider is erased with auto_explain loaded, for the plan and
 *     time of the redaction UPDATE inside erase_rider();
 *  2. audit insert cost before and after partitioning: three fresh databases
 *     (migrations up to 0006; the same plus subject_id and its index; every
 *     migration), each trail filled to the profile's seeded size, then
 *     single-row and batched inserts and end-to-end check-ins in rotating
 *     order (apps/seed/src/audit-insert-bench.ts).
 * Progress on stderr, markdown tables on stdout, `--out FILE` the same as
 * JSON. Every database it creates is dropped at the end, except with --keep
 * (the seeded one is left and named, for `--database NAME` next time: a
 * reused database must be one a bench made, `skatehubba_bench_...`, since
 * erasing riders changes it). Default profile: large (about 8 minutes on 2
 * cores, most of it seeding).
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import pg from 'pg';
import { createDb, migrateDb, reportIdleError, type NodePgHandle } from '@skatehubba/db';
import { auditInsertTable, measureAuditInserts, type AuditInsertResult } from './audit-insert-bench';
import {
  buildHeavyRider,
  explainedErasure,
  timedErasure,
  typicalRiders,
  type BuiltRider,
  type Erasure,
  type ExplainedErasure,
} from './erasure-bench';
import { SEED_TABLES, SeedGenerator } from './generate';
import { loadTables } from './load';
import { parseOptions, UsageError } from './options';

/** Heavy riders erased and timed, interleaved with as many typical riders. */
const HEAVY_TIMED = 3;
const TYPICAL = 5;
const DEFAULT_HEAVY_CHECKINS = 3_000;
const BENCH_DB = /^skatehubba_bench_[a-z0-9_]+$/;

// Benches create, seed and drop databases: the direct URL when a pooled one is set too.
const url = process.env.DATABASE_URL_UNPOOLED || process.env.DATABASE_URL;
if (!url) {
  process.stderr.write(
    'bench:erasure needs DATABASE_URL (a Postgres server), e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres\n',
  );
  process.exit(2);
}
const log = (line: string) => process.stderr.write(`${line}\n`);

/** Takes `--name value` (or a bare `--name` flag) out of args. */
function take(args: string[], name: string, flag = false): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  if (flag) {
    args.splice(i, 1);
    return 'yes';
  }
  const value = args[i + 1];
  if (value === undefined || value.startsWith('--')) throw new UsageError(`${name} needs a value`);
  args.splice(i, 2);
  return value;
}

let args = process.argv.slice(2).filter((a) => a !== '--');
let outFile: string | undefined;
let keep: boolean;
let reuse: string | undefined;
let part: 'all' | 'erasure' | 'insert';
let heavyCheckins: number;
let options: ReturnType<typeof parseOptions>;
try {
  outFile = take(args, '--out');
  keep = take(args, '--keep', true) !== undefined;
  reuse = take(args, '--database');
  const p = take(args, '--part') ?? 'all';
  if (p !== 'all' && p !== 'erasure' && p !== 'insert') throw new UsageError(`--part must be all, erasure or insert, got ${p}`);
  part = p;
  const h = take(args, '--heavy') ?? String(DEFAULT_HEAVY_CHECKINS);
  heavyCheckins = /^\d+$/.test(h) ? Number(h) : NaN;
  if (!Number.isSafeInteger(heavyCheckins) || heavyCheckins < 100) throw new UsageError(`--heavy must be a whole number >= 100, got ${h}`);
  if (reuse !== undefined && !BENCH_DB.test(reuse)) {
    throw new UsageError(`--database must name a database a bench made (skatehubba_bench_...), got ${reuse}: erasing riders changes it`);
  }
  if (reuse && keep) throw new UsageError('--database is kept anyway; drop --keep');
  args = args.includes('--profile') ? args : ['--profile', 'large', ...args];
  options = parseOptions(['load', ...args]);
} catch (error) {
  log(`bench:erasure: ${(error as Error).message}`);
  process.exit(2);
}

const urlFor = (name: string) => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
};
const round = (n: number, digits = 1) => Number(n.toFixed(digits));
const fmt = (n: number) => n.toLocaleString('en-US');
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const load1 = () => round(loadavg()[0]!, 2);
const loads: Record<string, number> = { start: load1() };

/** The profile's seeded row count: every seeded table is audited, so it is also the seeded trail's size. */
const seededRows = () => {
  const generator = new SeedGenerator(options.seed, options.counts);
  return SEED_TABLES.reduce((sum, t) => sum + (generator.expectedRows(t) ?? 0), 0);
};

const admin = new pg.Client({ connectionString: url });
admin.on('error', reportIdleError);
await admin.connect();
let seededDb: string | undefined;
let handle: NodePgHandle | undefined;
let exitCode = 0;
const report: Record<string, unknown> = { profile: options.profile, seed: options.seed, heavy_checkins: heavyCheckins };
try {
  log(
    `bench:erasure: profile ${options.profile}, seed ${options.seed}, part ${part}, on ${new URL(url).host}; load average ${loads.start}\n`,
  );
  let trailRows = seededRows();
  if (part !== 'insert') {
    // 1. A seeded database: a fresh one, or one a previous --keep left.
    if (reuse) {
      seededDb = reuse;
      handle = (await createDb({ driver: 'node-postgres', url: urlFor(seededDb), max: 4 })) as NodePgHandle;
      const { rows } = await handle.client.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
      if (rows[0]!.n === 0) throw new Error(`${seededDb} holds no riders: seed one with --keep first`);
      log(`reusing ${seededDb} (${fmt(rows[0]!.n)} riders), migrated to the latest first`);
      await migrateDb(handle);
    } else {
      seededDb = `skatehubba_bench_erasure_${process.pid}_${Date.now().toString(36)}`;
      await admin.query(`CREATE DATABASE ${seededDb}`);
      handle = (await createDb({ driver: 'node-postgres', url: urlFor(seededDb), max: 4 })) as NodePgHandle;
      await migrateDb(handle);
      log('seed (one transaction):');
      const conn = await handle.client.connect();
      try {
        await conn.query('BEGIN');
        await loadTables(conn, new SeedGenerator(options.seed, options.counts));
        await conn.query('COMMIT');
      } finally {
        conn.release();
      }
    }
    const pool = handle.client;
    const db = handle.db as never;
    const { rows: fn } = await pool.query<{ ok: boolean }>("SELECT to_regprocedure('erase_rider(uuid)') IS NOT NULL AS ok");
    if (!fn[0]!.ok) throw new Error('erase_rider(uuid) does not exist: the migrations here predate erasure (0008)');

    // Active spots for the heavy riders' check-ins and saves, and the achievement catalogue.
    const { rows: spotRows } = await pool.query<{ id: string }>(
      'SELECT id FROM spots WHERE archived_at IS NULL ORDER BY md5(id::text) LIMIT 600',
    );
    // The seeded catalogue counts check-ins (the heavy riders' check-ins move it);
    // recorded progress needs manual achievements of its own.
    const { rows: achRows } = await pool.query<{ id: string }>(
      `INSERT INTO achievements (slug, name, description, tier, metric, goal)
       SELECT 'bench-jam-' || g, 'Bench jam ' || g, 'Ride a jam.', 'bronze', 'manual', 5 FROM generate_series(1, 8) g
       ON CONFLICT (slug) DO UPDATE SET slug = excluded.slug
       RETURNING id`,
    );
    const staffId = randomUUID();
    const heavy: BuiltRider[] = [];
    log(`\nheavy riders: ${HEAVY_TIMED + 1} x ${fmt(heavyCheckins)} check-ins and the rest, through the audited paths`);
    for (let i = 0; i < HEAVY_TIMED + 1; i++) {
      const start = performance.now();
      heavy.push(
        await buildHeavyRider(pool, db, {
          label: `b${i}`,
          checkins: heavyCheckins,
          spotIds: spotRows.map((r) => r.id),
          achievementIds: achRows.map((r) => r.id),
          staffId,
        }),
      );
      log(`  @${heavy[i]!.handle} built in ${((performance.now() - start) / 1000).toFixed(1)} s`);
    }
    const typical = await typicalRiders(pool, TYPICAL);
    log(`typical riders: ${typical.ids.length} with the median ${typical.checkins} check-ins`);
    log('VACUUM ANALYZE');
    await pool.query('VACUUM ANALYZE');
    const { rows: trail } = await pool.query<{ rows: string; partitions: number }>(
      "SELECT (SELECT count(*) FROM audit_logs) AS rows, (SELECT count(*)::int FROM pg_inherits WHERE inhparent = 'public.audit_logs'::regclass) AS partitions",
    );
    trailRows = Number(trail[0]!.rows);
    const { rows: layout } = await pool.query<{ partition: string; rows: string }>(
      `SELECT c.relname AS partition, c.reltuples::bigint AS rows FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'public.audit_logs'::regclass ORDER BY c.relname`,
    );
    log(`trail: ${fmt(trailRows)} rows in ${trail[0]!.partitions} partitions`);

    // Interleaved: heavy, typical, heavy, typical, ... so noise falls on both.
    loads.erasure = load1();
    const erasures: Erasure[] = [];
    log(`\nerasures as staff (withActor + erase_rider), heavy and typical interleaved`);
    for (let i = 0; i < Math.max(HEAVY_TIMED, typical.ids.length); i++) {
      for (const [kind, rider] of [
        ['heavy', i < HEAVY_TIMED ? heavy[i]!.id : undefined],
        ['typical', typical.ids[i]],
      ] as const) {
        if (!rider) continue;
        const e = await timedErasure(pool, db, staffId, rider, kind);
        erasures.push(e);
        log(
          `  ${kind.padEnd(7)} ${e.ms.toFixed(1).padStart(8)} ms  ${fmt(e.audit_rows_redacted).padStart(6)} audit rows redacted, ${fmt(e.rows_deleted).padStart(5)} rows deleted, trail +${e.trail_added}`,
        );
      }
    }
    log('one more heavy rider with auto_explain (EXPLAIN ANALYZE of the statements inside erase_rider)');
    const explained: ExplainedErasure | null = await explainedErasure(pool, staffId, heavy[HEAVY_TIMED]!.id);
    if (!explained) log('  skipped: LOAD auto_explain needs a superuser');
    else if (explained.audit_rows_redacted === 0) throw new Error('the explained erasure redacted nothing: was the rider erased already?');

    const summarise = (kind: Erasure['kind']) => {
      const xs = erasures.filter((e) => e.kind === kind);
      return {
        riders: xs.length,
        checkins: median(xs.map((e) => e.before.checkins)),
        ms_median: round(median(xs.map((e) => e.ms))),
        ms_min: round(Math.min(...xs.map((e) => e.ms))),
        ms_max: round(Math.max(...xs.map((e) => e.ms))),
        audit_rows_before: median(xs.map((e) => e.before.audit_rows)),
        audit_rows_redacted: median(xs.map((e) => e.audit_rows_redacted)),
        rows_deleted: median(xs.map((e) => e.rows_deleted)),
        spots_detached: median(xs.map((e) => e.spots_detached)),
        trail_added: median(xs.map((e) => e.trail_added)),
      };
    };
    const heavySummary = summarise('heavy');
    const typicalSummary = summarise('typical');
    report.erasure = {
      trail_rows: trailRows,
      partitions: layout.map((l) => ({ partition: l.partition, rows: Number(l.rows) })),
      heavy: heavySummary,
      typical: typicalSummary,
      ratio_heavy_to_typical: round(heavySummary.ms_median / typicalSummary.ms_median, 2),
      explained: explained && {
        ms: round(explained.ms),
        audit_rows_redacted: explained.audit_rows_redacted,
        redaction_ms: explained.redaction && round(explained.redaction.ms),
        statements: explained.statements,
      },
      runs: erasures.map(({ before, ...e }) => ({
        ...e,
        ms: round(e.ms),
        checkins: before.checkins,
        audit_rows_before: before.audit_rows,
      })),
    };

    console.log(`\n## Erasure (${options.profile} profile: trail of ${fmt(trailRows)} rows in ${layout.length} partitions)\n`);
    console.log(
      `Trail partitions after seeding (planner estimates): ${layout.map((l) => `${l.partition} ${fmt(Number(l.rows))}`).join(', ') || 'none (not partitioned)'}.\n`,
    );
    console.log(
      'As staff: withActor() and `SELECT * FROM erase_rider($1)`, BEGIN to COMMIT. Median of the riders erased, heavy and typical interleaved.\n',
    );
    console.log(
      '| rider | erased | check-ins | audit rows before | ms median (min-max) | audit rows redacted | rows deleted | spots detached | trail rows added |',
    );
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const [label, s] of [
      ['heavy', heavySummary],
      ['typical (median rider)', typicalSummary],
    ] as const) {
      console.log(
        `| ${label} | ${s.riders} | ${fmt(s.checkins)} | ${fmt(s.audit_rows_before)} | ${s.ms_median} (${s.ms_min}-${s.ms_max}) | ${fmt(s.audit_rows_redacted)} | ${fmt(s.rows_deleted)} | ${s.spots_detached} | ${fmt(s.trail_added)} |`,
      );
    }
    console.log(`\nheavy / typical: ${round(heavySummary.ms_median / typicalSummary.ms_median, 2)}x the time`);
    if (explained) {
      console.log(
        `\nWith auto_explain (log_analyze, nested statements >= 5 ms; instrumented, so slower): ${round(explained.ms)} ms, ${fmt(explained.audit_rows_redacted)} audit rows redacted.\n`,
      );
      // Grouped by statement: on a loaded machine dozens of the audit
      // trigger's single-row inserts cross 5 ms, and one line each drowns the rest.
      const groups = new Map<string, { n: number; total: number; max: number }>();
      for (const st of explained.statements) {
        const g = groups.get(st.query) ?? { n: 0, total: 0, max: 0 };
        groups.set(st.query, { n: g.n + 1, total: g.total + st.ms, max: Math.max(g.max, st.ms) });
      }
      console.log('| statement inside erase_rider() (first line) | logged | total ms | longest ms |\n|---|---:|---:|---:|');
      for (const [query, g] of [...groups].sort((a, b) => b[1].total - a[1].total)) {
        console.log(`| \`${query.replaceAll('|', '\\|')}\` | ${g.n} | ${round(g.total)} | ${round(g.max)} |`);
      }
      if (explained.redaction)
        console.log(`\nThe redaction UPDATE, ${round(explained.redaction.ms)} ms:\n\n\`\`\`\n${explained.redaction.plan.trim()}\n\`\`\``);
      else console.log('\n(the redaction UPDATE took under 5 ms: no plan logged)');
    }
    await handle.close();
    handle = undefined;
  }

  if (part !== 'erasure') {
    // 2. Audit insert cost before and after partitioning.
    loads.inserts = load1();
    log(`\naudit insert cost: plain (0006), plain + subject index, partitioned (latest); trail filled to ${fmt(trailRows)} rows`);
    const inserts: AuditInsertResult = await measureAuditInserts(admin, urlFor, {
      preload: trailRows,
      // Short blocks, many rounds: on a shared 2-core machine the load moves
      // within seconds, and finer interleaving spreads it evenly.
      rounds: 16,
      singleRows: 2_500,
      batchRows: 10_000,
      checkins: 125,
      log,
    });
    report.audit_inserts = inserts;
    console.log(`\n## Audit insert cost before and after partitioning\n\n${auditInsertTable(inserts)}`);
  }
  loads.end = load1();
  report.load_average_1m = loads;
  console.log(
    `\nLoad average (1 min, ${availableParallelism()} cores): ${Object.entries(loads)
      .map(([k, v]) => `${v} ${k === 'start' ? 'at start' : k === 'end' ? 'at the end' : `before the ${k}`}`)
      .join(', ')}.`,
  );
  if (outFile) {
    await writeFile(outFile, `${JSON.stringify(report, null, 2)}\n`);
    log(`\nwrote ${outFile}`);
  }
} catch (error) {
  process.stderr.write(`bench:erasure failed: ${(error as Error).stack ?? error}\n`);
  exitCode = 1;
} finally {
  await handle?.close();
  if (seededDb && !reuse) {
    if (keep) log(`\nkept ${seededDb}: reuse it with --database ${seededDb}, drop it with DROP DATABASE ${seededDb}`);
    else await admin.query(`DROP DATABASE IF EXISTS ${seededDb} WITH (FORCE)`);
  }
  await admin.end();
}
process.exit(exitCode);
