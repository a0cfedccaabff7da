/**
 * `npm run bench -- [--profile small|medium|large] [--seed N] [--out FILE]`
 *
 * Access paths at scale, all figures from one run on DATABASE_URL:
 *  1. the seed against its server-side floor (as bench:seed), keeping the
 *     seeded database, then VACUUM ANALYZE;
 *  2. every hot query (apps/seed/src/hot-queries.ts): p50 and p95 over 200
 *     runs with parameters drawn from the data, interleaved round by round
 *     with a primary-key lookup measured the same way, and whether the plan
 *     reads an index;
 *  3. check-in writes as the API makes them: single-row INSERTs from 8
 *     concurrent connections into the real table (constraints, indexes,
 *     triggers) and into a bare copy (same columns, nothing else);
 *  4. key choice: random UUIDv4 versus time-ordered UUIDv7 primary keys, for
 *     check-in insert time and primary-key index size at this profile;
 *  5. spots near me through cube/earthdistance with a GiST index, when the
 *     server has those extensions, as the comparison for the btree choice.
 * Prints markdown tables; `--out FILE` writes the same figures as JSON.
 * Default profile: large (about 10 minutes on 2 cores).
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { reportIdleError, schema } from '@skatehubba/db';
import { startOfUtcDay } from './generate';
import { drawSamples, explainHotQuery, HOT_QUERIES, type HotQuery, type Sample } from './hot-queries';
import type { SqlRunner } from './load';
import { parseOptions } from './options';
import { PROFILES } from './profiles';
import { measureSeedVsFloor, seedVsFloorTable } from './seed-bench';

const RUNS = 200;
const WRITERS = 8;
const WRITES_PER_WRITER = 400;

const url = process.env.DATABASE_URL;
if (!url) {
  process.stderr.write('bench needs DATABASE_URL (a Postgres server), e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres\n');
  process.exit(2);
}
const args = process.argv.slice(2).filter((a) => a !== '--');
const outIndex = args.indexOf('--out');
const outFile = outIndex >= 0 ? args[outIndex + 1] : undefined;
if (outIndex >= 0) args.splice(outIndex, 2);
if (outIndex >= 0 && !outFile) {
  process.stderr.write('--out needs a file path\n');
  process.exit(2);
}
const options = parseOptions(['load', ...(args.includes('--profile') ? args : ['--profile', 'large', ...args])]);
const urlFor = (name: string) => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
};
const log = (line: string) => process.stderr.write(`${line}\n`);

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const round = (n: number, digits = 3) => Number(n.toFixed(digits));

interface Timing {
  name: string;
  samples: number[];
}

async function timeIt(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** Plan check: reads an index, and no sequential scan over a table of more than 10k rows. */
async function planUsesIndex(pool: pg.Pool, query: HotQuery, sample: Sample, big: Set<string>): Promise<boolean> {
  const nodes = await explainHotQuery(pool, query, sample);
  const indexed = nodes.some((n) => ['Index Scan', 'Index Only Scan', 'Bitmap Index Scan'].includes(n['Node Type']));
  const bigSeq = nodes.some((n) => n['Node Type'] === 'Seq Scan' && big.has(n['Relation Name'] ?? ''));
  return indexed && !bigSeq;
}

const admin = new pg.Client({ connectionString: url });
admin.on('error', reportIdleError);
await admin.connect();
let seededDb: string | undefined;
let exitCode = 0;
try {
  log(`bench: profile ${options.profile}, seed ${options.seed}, on ${new URL(url).host}\n`);
  const seeded = await measureSeedVsFloor(admin, urlFor, { counts: options.counts, seed: options.seed, keepSeed: true });
  seededDb = seeded.seedDb;
  const seedRatio = seeded.seedMs / seeded.floorMs;
  console.log(`\n## Seed\n\n${seedVsFloorTable(seeded)}`);

  const pool = new pg.Pool({ connectionString: urlFor(seededDb), max: WRITERS + 2 });
  // Idle connections end when the bench drops its database WITH (FORCE) (57P01).
  pool.on('error', reportIdleError);
  const db = drizzle(pool, { schema });
  const runner: SqlRunner = { query: async (text, params) => ({ rows: (await pool.query(text, params as unknown[])).rows }) };
  // VACUUM too: autovacuum would have set the visibility map on a live
  // database, and index-only scans depend on it.
  log('\nVACUUM ANALYZE');
  await pool.query('VACUUM ANALYZE');
  const { rows: sizes } = await pool.query<{ relname: string; reltuples: number }>(
    "SELECT relname, reltuples::float8 AS reltuples FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'",
  );
  const big = new Set(sizes.filter((s) => s.reltuples > 10_000).map((s) => s.relname));

  // 2. Hot queries against a primary-key lookup, round by round.
  const samples = await drawSamples(runner, RUNS);
  const { rows: idRows } = await pool.query<{ id: string }>('SELECT id FROM checkins ORDER BY md5(id::text) LIMIT $1', [RUNS]);
  const pkLookup = (i: number) =>
    db
      .select()
      .from(schema.checkins)
      .where(eq(schema.checkins.id, idRows[i % idRows.length]!.id));
  const timings: Timing[] = [
    { name: 'primary-key lookup', samples: [] },
    ...HOT_QUERIES.map((q) => ({ name: q.name, samples: [] as number[] })),
  ];
  log(`hot queries: ${RUNS} runs each with varied parameters, interleaved`);
  for (let i = 0; i < 5; i++) for (const q of HOT_QUERIES) await q.run(db as never, samples[i % samples.length]!); // warm caches
  for (let i = 0; i < RUNS; i++) {
    const sample = samples[i % samples.length]!;
    timings[0]!.samples.push(await timeIt(() => pkLookup(i)));
    for (const [k, q] of HOT_QUERIES.entries()) timings[k + 1]!.samples.push(await timeIt(() => q.run(db as never, sample)));
    if ((i + 1) % 50 === 0) log(`  ${i + 1}/${RUNS}`);
  }
  const stats = timings.map((t) => {
    const sorted = [...t.samples].sort((a, b) => a - b);
    return { name: t.name, p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
  });
  const pk = stats[0]!;
  const queries = [];
  for (const [k, q] of HOT_QUERIES.entries()) {
    const s = stats[k + 1]!;
    queries.push({
      name: q.name,
      p50_ms: round(s.p50),
      p95_ms: round(s.p95),
      ratio_to_pk: round(s.p95 / pk.p95, 2),
      index_only_or_index_scan: await planUsesIndex(pool, q, samples[0]!, big),
    });
  }

  // 5. The extension-based alternative for spots near me, when the server has it.
  let earthdistance: { p50_ms: number; p95_ms: number; ratio_to_pk: number } | null = null;
  const { rows: ext } = await pool.query("SELECT count(*)::int AS n FROM pg_available_extensions WHERE name IN ('cube', 'earthdistance')");
  if (ext[0].n === 2) {
    log('spots near me through cube/earthdistance + GiST, for comparison');
    await pool.query('CREATE EXTENSION IF NOT EXISTS cube');
    await pool.query('CREATE EXTENSION IF NOT EXISTS earthdistance');
    await pool.query(
      'CREATE INDEX spots_bench_earth_gist ON spots USING gist (ll_to_earth(latitude, longitude)) WHERE archived_at IS NULL',
    );
    await pool.query('ANALYZE spots');
    const near = (s: Sample) =>
      pool.query(
        `SELECT id, name, earth_distance(ll_to_earth($1, $2), ll_to_earth(latitude, longitude)) AS distance_m FROM spots
          WHERE archived_at IS NULL AND earth_box(ll_to_earth($1, $2), $3) @> ll_to_earth(latitude, longitude)
            AND earth_distance(ll_to_earth($1, $2), ll_to_earth(latitude, longitude)) <= $3
          ORDER BY distance_m LIMIT 50`,
        [s.point.latitude, s.point.longitude, 2_000],
      );
    const btree: number[] = [];
    const gist: number[] = [];
    const pkAgain: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const sample = samples[i % samples.length]!;
      pkAgain.push(await timeIt(() => pkLookup(i)));
      btree.push(await timeIt(() => HOT_QUERIES.find((q) => q.name.startsWith('spots near me'))!.run(db as never, sample)));
      gist.push(await timeIt(() => near(sample)));
    }
    const sorted = gist.sort((a, b) => a - b);
    const pk95 = percentile(
      pkAgain.sort((a, b) => a - b),
      95,
    );
    earthdistance = {
      p50_ms: round(percentile(sorted, 50)),
      p95_ms: round(percentile(sorted, 95)),
      ratio_to_pk: round(percentile(sorted, 95) / pk95, 2),
    };
    const b = btree.sort((x, y) => x - y);
    log(`  btree p95 ${round(percentile(b, 95))} ms, earthdistance GiST p95 ${earthdistance.p95_ms} ms`);
    await pool.query('DROP INDEX spots_bench_earth_gist');
  }

  // 3. Check-in writes: 8 connections, one INSERT per row, real table vs a bare copy.
  log(`check-in writes: ${WRITERS} connections x ${WRITES_PER_WRITER} single-row INSERTs, real table and bare copy, twice each`);
  await pool.query('CREATE TABLE checkins_bare AS SELECT * FROM checkins WITH NO DATA');
  const { rows: writers } = await pool.query<{ user_id: string }>('SELECT id AS user_id FROM users ORDER BY md5(id::text) LIMIT $1', [
    WRITERS * 4,
  ]);
  const { rows: targets } = await pool.query<{ id: string }>(
    'SELECT id FROM spots WHERE archived_at IS NULL ORDER BY md5(id::text) LIMIT 64',
  );
  let bucket = 0;
  const insertAll = async (table: string) => {
    const start = performance.now();
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        const client = await pool.connect();
        try {
          for (let n = 0; n < WRITES_PER_WRITER; n++) {
            // A fresh 10-minute bucket per row after the seeded months: never a duplicate.
            const createdAt = new Date(startOfUtcDay(Date.now()) + ++bucket * 600_000);
            await client.query(
              `INSERT INTO ${table} (id, user_id, spot_id, trick, trick_status, stance, note, created_at, updated_at)
               VALUES ($1, $2, $3, 'kickflip', 'landed', 'regular', NULL, $4, $4)`,
              [randomUUID(), writers[(w * 4 + (n % 4)) % writers.length]!.user_id, targets[n % targets.length]!.id, createdAt],
            );
          }
        } finally {
          client.release();
        }
      }),
    );
    return performance.now() - start;
  };
  let realMs = 0;
  let bareMs = 0;
  for (let roundNo = 0; roundNo < 2; roundNo++) {
    realMs += await insertAll('checkins');
    bareMs += await insertAll('checkins_bare');
  }
  const written = 2 * WRITERS * WRITES_PER_WRITER;
  const writes = {
    checkin_rows_per_s: Math.round(written / (realMs / 1000)),
    bare_rows_per_s: Math.round(written / (bareMs / 1000)),
    ratio_to_bare: round(bareMs / realMs, 2),
  };
  await pool.query('DROP TABLE checkins_bare');

  // 4. Key choice: every seeded check-in copied in time order into two tables
  // with the check-in table's indexes and CHECKs, keyed by UUIDv4 or UUIDv7.
  log('key choice: UUIDv4 vs UUIDv7 primary keys, every check-in copied in time order');
  const keys: Record<string, { insert_s: number; rows_per_s: number; pk_index_mb: number; all_indexes_mb: number }> = {};
  const { rows: countRows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM checkins');
  for (const [name, idExpr] of [
    ['uuidv4', 'gen_random_uuid()'],
    // UUIDv7 (RFC 9562): 48-bit Unix ms timestamp, version 7, variant 10, random bits.
    [
      'uuidv7',
      "(lpad(to_hex((extract(epoch FROM created_at) * 1000)::bigint), 12, '0') || '7' || substr(md5(random()::text), 1, 3) || '8' || substr(md5(random()::text), 1, 15))::uuid",
    ],
  ] as const) {
    await pool.query(`CREATE TABLE checkins_${name} (LIKE checkins INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)`);
    const ms = await timeIt(() =>
      pool.query(
        `INSERT INTO checkins_${name} SELECT ${idExpr}, user_id, spot_id, trick, trick_status, stance, note, media_url, archived_at, created_at, updated_at FROM checkins ORDER BY created_at`,
      ),
    );
    const { rows: size } = await pool.query<{ pk: string; total: string }>(
      `SELECT pg_relation_size(i.indexrelid)::text AS pk, pg_indexes_size('checkins_${name}')::text AS total
         FROM pg_index i WHERE i.indrelid = 'checkins_${name}'::regclass AND i.indisprimary`,
    );
    keys[name] = {
      insert_s: round(ms / 1000, 2),
      rows_per_s: Math.round(countRows[0]!.n / (ms / 1000)),
      pk_index_mb: round(Number(size[0]!.pk) / 1_048_576, 1),
      all_indexes_mb: round(Number(size[0]!.total) / 1_048_576, 1),
    };
    await pool.query(`DROP TABLE checkins_${name}`);
  }
  await pool.end();

  console.log(`\n## Hot queries (${RUNS} runs each; ratio = p95 / primary-key lookup p95 ${round(pk.p95)} ms, p50 ${round(pk.p50)} ms)\n`);
  console.log('| query | p50 ms | p95 ms | p95 / pk | reads an index |');
  console.log('|---|---:|---:|---:|---|');
  for (const q of queries)
    console.log(`| ${q.name} | ${q.p50_ms} | ${q.p95_ms} | ${q.ratio_to_pk} | ${q.index_only_or_index_scan ? 'yes' : 'NO'} |`);
  if (earthdistance) {
    console.log(
      `| (comparison) spots near me, cube/earthdistance GiST | ${earthdistance.p50_ms} | ${earthdistance.p95_ms} | ${earthdistance.ratio_to_pk} | yes |`,
    );
  }
  console.log(`\n## Check-in writes (${WRITERS} connections, single-row INSERTs)\n`);
  console.log('| table | rows/s |\n|---|---:|');
  console.log(`| checkins (constraints, indexes, triggers) | ${writes.checkin_rows_per_s.toLocaleString('en-US')} |`);
  console.log(`| bare copy (no indexes, constraints or triggers) | ${writes.bare_rows_per_s.toLocaleString('en-US')} |`);
  console.log(`| **ratio real / bare** | **${writes.ratio_to_bare}** |`);
  console.log(`\n## Primary keys: ${countRows[0]!.n.toLocaleString('en-US')} check-ins copied in time order\n`);
  console.log('| key | insert s | rows/s | pk index MB | all indexes MB |\n|---|---:|---:|---:|---:|');
  for (const [name, k] of Object.entries(keys))
    console.log(`| ${name} | ${k.insert_s} | ${k.rows_per_s.toLocaleString('en-US')} | ${k.pk_index_mb} | ${k.all_indexes_mb} |`);

  const report = {
    profile: options.profile,
    counts: { ...PROFILES[options.profile], ...options.counts },
    pk_lookup: { p50_ms: round(pk.p50), p95_ms: round(pk.p95) },
    queries,
    spots_near_earthdistance: earthdistance,
    writes,
    keys,
    seed: { ratio_to_floor: round(seedRatio, 2), seed_s: round(seeded.seedMs / 1000, 2), floor_s: round(seeded.floorMs / 1000, 2) },
  };
  if (outFile) {
    await writeFile(outFile, `${JSON.stringify(report, null, 2)}\n`);
    log(`\nwrote ${outFile}`);
  }
} catch (error) {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? error}\n`);
  exitCode = 1;
} finally {
  if (seededDb) await admin.query(`DROP DATABASE IF EXISTS ${seededDb} WITH (FORCE)`);
  await admin.end();
}
process.exit(exitCode);
