/**
 * `npm run bench:audit -- [--profile small|medium|large] [--seed N]`
 *
 * The write path as the migrations changed it, in one run on the server at
 * DATABASE_URL_UNPOOLED (else DATABASE_URL): one fresh database migrated up to
 * 0013 (the audit trail row by row: a plpgsql call and an INSERT per row), one
 * up to 0014 (the trail set-based: statement triggers with transition tables)
 * and one migrated to the end (0015 on: the check-in triggers without
 * per-call planning), side by side:
 *  1. the seed (the profile's rows through the seed's bulk path, one
 *     transaction), each database in turn;
 *  2. archiving a spot with 5,000 check-ins (archive_spot(), as staff), three
 *     spots per database, alternating, median; and the bulk INSERT of those
 *     5,000 check-ins in one statement;
 *  3. where a bulk statement's time goes, on the last migration's database:
 *     the same 5,000-row INSERT with the check-in triggers switched on step
 *     by step (keys and indexes; + row triggers; + audit; + leaderboards;
 *     + rider_metrics), 3 times each, median;
 *  4. single-row writes: 4 connections x 100 INSERTs, then 4 x 100 UPDATEs
 *     of one check-in each, in alternating blocks, 6 blocks per database.
 * Prints each figure for each database and the last one's ratio to each
 * earlier one. Default profile: large (about 8 minutes on 2 cores). The
 * databases are dropped.
 */
import { randomUUID } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createDb, MIGRATIONS_FOLDER, migrateDb, reportIdleError } from '@skatehubba/db';
import { ACTOR_SETTING } from '@skatehubba/schema-kit';
import { SeedGenerator, startOfUtcDay } from './generate';
import { loadTables } from './load';
import { parseOptions } from './options';

/** The last migration with row-level audit triggers; the one after it makes them set-based. */
const ROW_BY_ROW_UNTIL = '0013_leaderboard_maintenance';
/** The set-based trail before the check-in triggers kept their plans (0015). */
const SET_BASED_UNTIL = '0014_audit_statement_triggers';
const ARCHIVE_CHECKINS = 5_000;
const ARCHIVES = 3;
const WRITERS = 4;
const WRITES_PER_WRITER = 100;
const WRITE_ROUNDS = 6;
/** Rounds of the bulk statement's steps (section 3). */
const BULK_ROUNDS = 3;

const url = process.env.DATABASE_URL_UNPOOLED || process.env.DATABASE_URL;
if (!url) {
  process.stderr.write(
    'bench:audit needs DATABASE_URL (a Postgres server), e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres\n',
  );
  process.exit(2);
}
const args = process.argv.slice(2).filter((a) => a !== '--');
const options = parseOptions(['load', ...(args.includes('--profile') ? args : ['--profile', 'large', ...args])]);
const urlFor = (name: string) => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
};
const log = (line: string) => process.stderr.write(`${line}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

interface Variant {
  label: string;
  database: string;
  folder: string;
  pool?: pg.Pool;
  seedMs?: number;
  bulkInsertMs: number[];
  archiveMs: number[];
  insertMs: number;
  updateMs: number;
}

/** A copy of the migrations folder whose journal stops after `tag`. */
async function migrationsUpTo(tag: string): Promise<string> {
  const journal = JSON.parse(await readFile(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as {
    entries: { tag: string }[];
  };
  const k = journal.entries.findIndex((e) => e.tag === tag);
  if (k < 0) throw new Error(`migration ${tag} is not in the journal`);
  const folder = await mkdtemp(join(tmpdir(), 'skatehubba-bench-audit-'));
  await cp(MIGRATIONS_FOLDER, folder, { recursive: true });
  await writeFile(join(folder, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries: journal.entries.slice(0, k + 1) }));
  return folder;
}

/** A spot of its own for each 5,000-row statement. */
async function newSpot(pool: pg.Pool, name: string): Promise<string> {
  const spot = randomUUID();
  await pool.query(`INSERT INTO spots (id, name, latitude, longitude) VALUES ($1, $2, 10, 20)`, [spot, name]);
  return spot;
}

/**
 * One INSERT of ARCHIVE_CHECKINS check-ins at `spot`, as an import writes
 * them; returns its ms. Up to 500 riders cycle, 7 minutes between rows, from
 * `hoursBack` hours ago: a (rider, spot) pair's rows are hours apart, never
 * in one duplicate window.
 */
async function bulkInsert(pool: pg.Pool, spot: string, hoursBack: number): Promise<number> {
  const start = performance.now();
  await pool.query(
    `INSERT INTO checkins (user_id, spot_id, trick, trick_status, stance, created_at)
     SELECT r.ids[1 + g % cardinality(r.ids)], $1, 'kickflip', (CASE WHEN g % 2 = 0 THEN 'landed' ELSE 'bailed' END)::trick_status, 'regular',
            now() - make_interval(hours => $3) - g * interval '7 minutes'
       FROM (SELECT array_agg(id) AS ids FROM (SELECT id FROM users ORDER BY id LIMIT 500) u) r, generate_series(1, $2) g`,
    [spot, ARCHIVE_CHECKINS, hoursBack],
  );
  return performance.now() - start;
}

/** The databases in an order that turns round by round, so each goes first as often as the others. */
const rotated = (round: number) => variants.map((_, k) => variants[(k + round) % variants.length]!);

const admin = new pg.Client({ connectionString: url });
admin.on('error', reportIdleError);
await admin.connect();
const suffix = `${process.pid}_${Date.now().toString(36)}`;
const rowFolder = await migrationsUpTo(ROW_BY_ROW_UNTIL);
const setFolder = await migrationsUpTo(SET_BASED_UNTIL);
const lastTag = (
  JSON.parse(await readFile(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] }
).entries.at(-1)!.tag;
const variants: Variant[] = [
  { label: `row by row (to ${ROW_BY_ROW_UNTIL.slice(0, 4)})`, database: `skatehubba_bench_audit_row_${suffix}`, folder: rowFolder },
  { label: `set-based (to ${SET_BASED_UNTIL.slice(0, 4)})`, database: `skatehubba_bench_audit_set_${suffix}`, folder: setFolder },
  { label: `now (to ${lastTag.slice(0, 4)})`, database: `skatehubba_bench_audit_now_${suffix}`, folder: MIGRATIONS_FOLDER },
].map((v) => ({ ...v, bulkInsertMs: [], archiveMs: [], insertMs: 0, updateMs: 0 }));
let exitCode = 0;
try {
  log(`bench:audit profile ${options.profile}, seed ${options.seed} on ${new URL(url).host}`);
  // 1. The seed, one database after the other.
  for (const v of variants) {
    await admin.query(`CREATE DATABASE ${v.database}`);
    const handle = await createDb({ driver: 'node-postgres', url: urlFor(v.database), max: 1 });
    await migrateDb(handle, v.folder);
    const triggers = await handle.client.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_trigger WHERE tgname LIKE 'checkins_audit%' AND tgtype & 1 = 0",
    );
    log(`\nseed into ${v.label}: ${triggers.rows[0]!.n} statement-level audit trigger(s) on checkins`);
    const conn = await handle.client.connect();
    const start = performance.now();
    await conn.query('BEGIN');
    await loadTables(conn, new SeedGenerator(options.seed, options.counts));
    await conn.query('COMMIT');
    v.seedMs = performance.now() - start;
    log(`  seed ${(v.seedMs / 1000).toFixed(1)} s`);
    conn.release();
    await handle.close();
    v.pool = new pg.Pool({ connectionString: urlFor(v.database), max: WRITERS + 1 });
    v.pool.on('error', reportIdleError);
    await v.pool.query('VACUUM ANALYZE');
  }

  // 2. Archival: a spot with 5,000 check-ins, per database in turn, three times.
  const staff = randomUUID();
  log(`\narchive_spot() of a spot with ${fmt(ARCHIVE_CHECKINS)} check-ins, ${ARCHIVES} times per database, alternating`);
  for (let i = 0; i < ARCHIVES; i++) {
    for (const v of rotated(i)) {
      const spot = await newSpot(v.pool!, `Busy plaza ${i}`);
      v.bulkInsertMs.push(await bulkInsert(v.pool!, spot, i));
      const client = await v.pool!.connect();
      try {
        const start = performance.now();
        await client.query('BEGIN');
        await client.query('SELECT set_config($1, $2, true)', [ACTOR_SETTING, staff]);
        const { rows } = await client.query<{ checkins_archived: number }>('SELECT checkins_archived FROM archive_spot($1)', [spot]);
        await client.query('COMMIT');
        v.archiveMs.push(performance.now() - start);
        if (rows[0]!.checkins_archived !== ARCHIVE_CHECKINS) throw new Error(`archived ${rows[0]!.checkins_archived} check-ins`);
      } finally {
        client.release();
      }
      log(`  ${v.label}: bulk insert ${v.bulkInsertMs.at(-1)!.toFixed(0)} ms, archive ${v.archiveMs.at(-1)!.toFixed(0)} ms`);
    }
  }

  // 3. Where a bulk statement's time goes, on the last migration's database:
  // the same 5,000-row INSERT with the check-in triggers switched on step by
  // step (keys, indexes, CHECKs and foreign keys stay on throughout), each
  // step BULK_ROUNDS times in an order that turns, median.
  const now = variants.at(-1)!;
  const { rows: triggerRows } = await now.pool!.query<{ name: string }>(
    "SELECT tgname AS name FROM pg_trigger WHERE tgrelid = 'public.checkins'::regclass AND NOT tgisinternal ORDER BY 1",
  );
  const checkinTriggers = triggerRows.map((r) => r.name);
  const rowTriggers = ['checkins_spot_active_trg', 'checkins_updated_at_trg'];
  const steps: [string, string[]][] = [
    ['keys, indexes, CHECKs, foreign keys (every trigger off)', []],
    ['+ the row triggers (active spot, updated_at)', rowTriggers],
    ['+ the audit trail', [...rowTriggers, ...checkinTriggers.filter((n) => n.startsWith('checkins_audit_'))]],
    [
      '+ the leaderboards',
      [...rowTriggers, ...checkinTriggers.filter((n) => n.startsWith('checkins_audit_') || n.startsWith('checkins_leaderboard_'))],
    ],
    ['+ rider_metrics and unlocks (every trigger on)', checkinTriggers],
  ];
  const stepMs = steps.map(() => [] as number[]);
  log(`\none INSERT of ${fmt(ARCHIVE_CHECKINS)} check-ins, step by step on ${now.label}, ${BULK_ROUNDS} times each`);
  try {
    for (let r = 0; r < BULK_ROUNDS; r++) {
      for (let k = 0; k < steps.length; k++) {
        const step = (k + r) % steps.length;
        const on = steps[step]![1];
        for (const name of checkinTriggers) {
          await now.pool!.query(`ALTER TABLE checkins ${on.includes(name) ? 'ENABLE' : 'DISABLE'} TRIGGER ${name}`);
        }
        stepMs[step]!.push(
          await bulkInsert(now.pool!, await newSpot(now.pool!, `Import ${r}.${step}`), 24 * (r * steps.length + step + 4)),
        );
      }
    }
  } finally {
    await now.pool!.query('ALTER TABLE checkins ENABLE TRIGGER USER');
  }

  // 4. Single-row writes, alternating blocks: INSERTs, then UPDATEs of the rows just written.
  log(
    `\nsingle-row writes: ${WRITERS} connections x ${WRITES_PER_WRITER} INSERTs, then as many UPDATEs, ${WRITE_ROUNDS} blocks per database`,
  );
  const riders = (await variants[0]!.pool!.query<{ id: string }>('SELECT id FROM users ORDER BY md5(id::text) LIMIT 64')).rows.map(
    (r) => r.id,
  );
  const spots = (
    await variants[0]!.pool!.query<{ id: string }>('SELECT id FROM spots WHERE archived_at IS NULL ORDER BY md5(id::text) LIMIT 64')
  ).rows.map((r) => r.id);
  // Every database holds the same seeded riders and spots (same generator and seed).
  let bucket = 0;
  const block = async (v: Variant) => {
    const base = bucket;
    bucket += WRITERS * WRITES_PER_WRITER;
    const ids = Array.from({ length: WRITERS }, () => Array.from({ length: WRITES_PER_WRITER }, () => randomUUID()));
    const run = (fn: (client: pg.PoolClient, w: number, n: number) => Promise<unknown>) =>
      Promise.all(
        Array.from({ length: WRITERS }, async (_, w) => {
          const client = await v.pool!.connect();
          try {
            for (let n = 0; n < WRITES_PER_WRITER; n++) await fn(client, w, n);
          } finally {
            client.release();
          }
        }),
      );
    let start = performance.now();
    await run((client, w, n) =>
      client.query(
        `INSERT INTO checkins (id, user_id, spot_id, trick, trick_status, stance, created_at)
         VALUES ($1, $2, $3, 'kickflip', 'landed', 'regular', $4)`,
        [
          ids[w]![n]!,
          riders[(w * 16 + n) % riders.length],
          spots[n % spots.length],
          // A fresh 10-minute bucket per row, after today: never a duplicate.
          new Date(startOfUtcDay(Date.now()) + 86_400_000 + (base + w * WRITES_PER_WRITER + n) * 600_000),
        ],
      ),
    );
    v.insertMs += performance.now() - start;
    start = performance.now();
    await run((client, w, n) => client.query(`UPDATE checkins SET trick_status = 'bailed' WHERE id = $1`, [ids[w]![n]!]));
    v.updateMs += performance.now() - start;
  };
  for (let r = 0; r < WRITE_ROUNDS; r++) for (const v of rotated(r)) await block(v);

  const writes = WRITE_ROUNDS * WRITERS * WRITES_PER_WRITER;
  const rate = (ms: number) => writes / (ms / 1000);
  const last = variants.at(-1)!;
  const earlier = variants.slice(0, -1);
  // Each figure for every database, then the last one's ratio to each earlier one.
  const row = (figure: string, value: (v: Variant) => number, digits: number, kind: 'time' | 'rate') =>
    `| ${figure} | ${variants.map((v) => (digits ? value(v).toFixed(digits) : fmt(value(v)))).join(' | ')} | ${earlier
      .map((e) => `${(value(last) / value(e)).toFixed(2)}${kind === 'rate' ? ' (rate)' : ''}`)
      .join(' | ')} |`;
  const lines = [
    `| figure | ${variants.map((v) => v.label).join(' | ')} | ${earlier.map((e) => `${last.label.split(' (')[0]} / ${e.label}`).join(' | ')} |`,
    `|---|${variants.map(() => '---:').join('|')}|${earlier.map(() => '---:').join('|')}|`,
    row(`seed ${options.profile}, s`, (v) => v.seedMs! / 1000, 1, 'time'),
    row(
      `INSERT of ${fmt(ARCHIVE_CHECKINS)} check-ins in one statement, ms (median of ${ARCHIVES})`,
      (v) => median(v.bulkInsertMs),
      0,
      'time',
    ),
    row(`archive_spot() with ${fmt(ARCHIVE_CHECKINS)} check-ins, ms (median of ${ARCHIVES})`, (v) => median(v.archiveMs), 0, 'time'),
    row(`single-row INSERTs, rows/s (${WRITERS} connections)`, (v) => rate(v.insertMs), 0, 'rate'),
    row(`single-row UPDATEs, rows/s (${WRITERS} connections)`, (v) => rate(v.updateMs), 0, 'rate'),
  ];
  console.log(`\n## The write path by migration (profile ${options.profile})\n\n${lines.join('\n')}`);
  console.log('\nTimes: lower is better (ratio < 1 is faster). Rates: higher is better (ratio > 1 is faster).');
  const medians = stepMs.map(median);
  console.log(
    `\n## One INSERT of ${fmt(ARCHIVE_CHECKINS)} check-ins, step by step (${now.label}, median of ${BULK_ROUNDS})\n\n| step | ms | ms the step adds | us a row it adds |\n|---|---:|---:|---:|`,
  );
  for (const [k, [step]] of steps.entries()) {
    const added = k === 0 ? medians[0]! : medians[k]! - medians[k - 1]!;
    console.log(`| ${step} | ${medians[k]!.toFixed(0)} | ${added.toFixed(0)} | ${((added * 1000) / ARCHIVE_CHECKINS).toFixed(1)} |`);
  }
} catch (error) {
  process.stderr.write(`bench:audit failed: ${(error as Error).stack ?? error}\n`);
  exitCode = 1;
} finally {
  for (const v of variants) {
    await v.pool?.end();
    await admin.query(`DROP DATABASE IF EXISTS ${v.database} WITH (FORCE)`);
  }
  for (const folder of [rowFolder, setFolder]) await rm(folder, { recursive: true, force: true });
  await admin.end();
}
process.exit(exitCode);
