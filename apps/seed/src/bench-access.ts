/**
 * `npm run bench -- [--profile small|medium|large] [--profiles medium,large] [--seed N] [--out FILE]`
 *
 * Access paths at scale, all figures from one run on the server at
 * DATABASE_URL_UNPOOLED (else DATABASE_URL):
 *  1. the seed against its server-side floor (as bench:seed), keeping the
 *     seeded database, then VACUUM ANALYZE;
 *  2. every hot query (apps/seed/src/hot-queries.ts): p50 and p95 over 200
 *     runs with parameters drawn from the data, interleaved round by round
 *     with a primary-key lookup measured the same way, and whether the plan
 *     reads an index; each run three ways, interleaved: as the admin login
 *     (the owner side: a superuser, no policy applies), the same in a
 *     transaction with one set_config (the round trips asRider() adds), and
 *     as the API runs it, logged in as skatehubba_app through asAnonymous()
 *     or asRider() under row-level security (goal: p95 within 1.15x the
 *     owner's); and the app's way once more through a transaction pooler
 *     (PgBouncer in transaction mode, as Neon's pooled endpoint: the
 *     DATABASE_URL in front of DATABASE_URL_UNPOOLED, or one the bench starts),
 *     pooled next to direct;
 *  3. check-in writes: single-row INSERTs from 8 concurrent connections into
 *     the real table (constraints, indexes, triggers) as the admin login, as
 *     skatehubba_app through asRider() (one transaction per check-in, only
 *     the columns the app may write), the app's insert as the owner in a
 *     transaction with one set_config, and into a bare copy (same columns,
 *     nothing else), in alternating blocks (goal: app >= 0.9x the owner);
 *     and the same single-row check-in as a ladder, each step a block of its
 *     own in the same rotation: the bare copy; the real table with every
 *     trigger disabled (keys, indexes, CHECKs, foreign keys); + the
 *     active-spot and updated_at row triggers; + the audit trigger; + the
 *     leaderboard triggers; + the rider_metrics trigger (every trigger: the
 *     owner's full path); + the
 *     request's transaction (BEGIN, one set_config, COMMIT); + row-level
 *     security (skatehubba_app as authenticated through asRider()); each as
 *     rows/s and as a ratio to bare (goal for the full path: >= 0.45x);
 *  4. key choice: random UUIDv4 versus time-ordered UUIDv7 primary keys, for
 *     check-in insert time and primary-key index size at this profile;
 *  5. spots near me through cube/earthdistance with a GiST index, when the
 *     server has those extensions, as the comparison for the btree choice.
 * `--profiles a,b` (e.g. medium,large) seeds each profile in turn into a
 * database of its own, measures every hot query's p95 as the owner on all of
 * them in the same rounds (200 runs, databases interleaved, with the
 * primary-key lookup), drops all but the last and runs the rest of the bench
 * on the last; the growth table gives each
 * query's p95 at the first and last profile and their ratio (goal <= 1.3x).
 * Prints markdown tables; `--out FILE` writes the same figures as JSON
 * (with `growth: [{name, p95_<first>_ms, p95_<last>_ms, ratio}]` when profiled).
 * Default profile: large (about 10 minutes on 2 cores).
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { eq, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { reportIdleError, schema } from '@skatehubba/db';
import { ACTOR_SETTING, asRider, ROLES } from '@skatehubba/schema-kit';
import { checkinWrites } from '@skatehubba/spots';
import { appLoginUrl } from './act-as';
import { startOfUtcDay } from './generate';
import {
  drawSamples,
  explainHotQuery,
  explainHotQueryAsApp,
  HOT_QUERIES,
  type CapturedStatement,
  planShape,
  captureHotQuery,
  type HotQuery,
  type PlanNode,
  type Sample,
} from './hot-queries';
import type { SqlRunner } from './load';
import { LOOPBACK, parseOptions } from './options';
import { PROFILES } from './profiles';
import { openPooler, type Pooler } from './pooler';
import { measureSeedVsFloor, seedVsFloorTable } from './seed-bench';

const RUNS = 200;
const WRITERS = 8;
const WRITES_PER_WRITER = 80;
/** Blocks per write variant, in an order that rotates so each variant goes first as often as the others. */
const WRITE_ROUNDS = 8;
/** The issue's goals for the cost of row-level security, in the same run. */
const READ_P95_GOAL = 1.15;
const WRITE_GOAL = 0.9;

// The bench creates and seeds databases: the direct URL, never the pooler.
const url = process.env.DATABASE_URL_UNPOOLED || process.env.DATABASE_URL;
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
const profilesIndex = args.indexOf('--profiles');
const growthProfiles = profilesIndex >= 0 ? (args[profilesIndex + 1] ?? '').split(',').filter(Boolean) : [];
if (profilesIndex >= 0) args.splice(profilesIndex, 2);
if (profilesIndex >= 0 && (growthProfiles.length < 2 || args.includes('--profile'))) {
  process.stderr.write('--profiles needs two or more profiles, e.g. --profiles medium,large, and no --profile\n');
  process.exit(2);
}
const optionsFor = (profile?: string) =>
  parseOptions([
    'load',
    ...(profile ? ['--profile', profile, ...args] : args.includes('--profile') ? args : ['--profile', 'large', ...args]),
  ]);
// With --profiles, the full bench runs on the last profile; the others only seed and time the hot queries.
const options = optionsFor(growthProfiles.at(-1));
const earlierOptions = growthProfiles.slice(0, -1).map((profile) => optionsFor(profile));
/** The growth goal: a hot query's p95 at the last profile over its p95 at the first. */
const GROWTH_GOAL = 1.3;
/** The ladder's goal for the full single-row check-in path, as a ratio to the bare table. */
const LADDER_GOAL = 0.45;
const urlFor = (name: string) => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
};
const log = (line: string) => process.stderr.write(`${line}\n`);

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const round = (n: number, digits = 3) => Number(n.toFixed(digits));

async function timeIt(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** Plan check: reads an index, and no sequential scan over a table of more than 10k rows. */
function planUsesIndex(nodes: PlanNode[], big: Set<string>): boolean {
  const indexed = nodes.some((n) => ['Index Scan', 'Index Only Scan', 'Bitmap Index Scan'].includes(n['Node Type']));
  const bigSeq = nodes.some((n) => n['Node Type'] === 'Seq Scan' && big.has(n['Relation Name'] ?? ''));
  return indexed && !bigSeq;
}

/**
 * Every hot query's p95 as the owner (the statement the lib function sends,
 * on the admin login) on each database, RUNS runs each with parameters drawn
 * from that database's data, round by round with a primary-key lookup, the
 * databases interleaved within each round (in an order that rotates), so a
 * change in the shared machine's load falls on every profile alike: the
 * growth table's figures.
 */
async function ownerHotQueryTimes(dbs: { pool: pg.Pool; profile: string }[]) {
  const prepared = [];
  for (const { pool, profile } of dbs) {
    const runner: SqlRunner = { query: async (text, params) => ({ rows: (await pool.query(text, params as unknown[])).rows }) };
    const samples = await drawSamples(runner, RUNS);
    // One at a time, as the main section does: each capture runs the lib function on the pool.
    const statements: CapturedStatement[][] = [];
    for (const sample of samples) {
      const row: CapturedStatement[] = [];
      for (const q of HOT_QUERIES) row.push((await captureHotQuery(pool, q, sample)).statement);
      statements.push(row);
    }
    const { rows: ids } = await pool.query<{ id: string }>('SELECT id FROM checkins ORDER BY md5(id::text) LIMIT $1', [RUNS]);
    for (let i = 0; i < 5; i++) for (const st of statements[i % samples.length]!) await pool.query(st.sql, st.params); // warm caches
    prepared.push({ pool, profile, statements, ids, times: HOT_QUERIES.map(() => [] as number[]), pkTimes: [] as number[] });
  }
  log(
    `growth: ${HOT_QUERIES.length} hot queries x ${RUNS} runs as the owner on ${dbs.map((d) => d.profile).join(' and ')}, interleaved, with a primary-key lookup each round`,
  );
  for (let i = 0; i < RUNS; i++) {
    for (let d = 0; d < prepared.length; d++) {
      const { pool, statements, ids, times, pkTimes } = prepared[(d + i) % prepared.length]!;
      pkTimes.push(await timeIt(() => pool.query('SELECT * FROM checkins WHERE id = $1', [ids[i % ids.length]!.id])));
      for (const [k, st] of statements[i % statements.length]!.entries()) times[k]!.push(await timeIt(() => pool.query(st.sql, st.params)));
    }
    if ((i + 1) % 50 === 0) log(`  ${i + 1}/${RUNS}`);
  }
  const p95 = (xs: number[]) =>
    percentile(
      [...xs].sort((x, y) => x - y),
      95,
    );
  return prepared.map((p) => ({
    profile: p.profile,
    pk_p95_ms: p95(p.pkTimes),
    p95_ms: new Map(HOT_QUERIES.map((q, k) => [q.name, p95(p.times[k]!)])),
  }));
}

const load1 = () => round(loadavg()[0]!, 2);
const loads: Record<string, number> = {};

/**
 * A pool logged in as skatehubba_app, the API's login. The migrations create
 * it NOLOGIN; a deployment gives it a login (README). On a loopback server
 * (trust auth, like the test run's global setup) the bench gives it LOGIN
 * itself and says so; it leaves it so, as the test run does, since other
 * sessions on the server may be logged in as it. Elsewhere it must already
 * log in without a password.
 */
async function openAppPool(database: string, max: number): Promise<pg.Pool> {
  const { rows } = await admin.query<{ login: boolean }>('SELECT rolcanlogin AS login FROM pg_roles WHERE rolname = $1', [ROLES.app]);
  if (!rows[0]) throw new Error(`role ${ROLES.app} does not exist: the migrations create it`);
  if (!rows[0].login) {
    const host = new URL(url!).hostname;
    if (!LOOPBACK.test(host)) throw new Error(`${ROLES.app} cannot log in on ${host}: give it LOGIN to bench the app role`);
    await admin.query(`ALTER ROLE ${ROLES.app} LOGIN`);
    log(`gave ${ROLES.app} LOGIN on ${host} (loopback, trust auth), as the test run does; left so`);
  }
  const appPool = new pg.Pool({ connectionString: appLoginUrl(urlFor(database)), max });
  appPool.on('error', reportIdleError);
  // The login is skatehubba_app; its sessions start as anonymous (migration 0006).
  const { rows: who } = await appPool.query<{ user: string; role: string }>('SELECT session_user AS user, current_user AS role');
  if (who[0]!.user !== ROLES.app || who[0]!.role !== ROLES.anonymous) {
    throw new Error(`expected to log in as ${ROLES.app} acting as ${ROLES.anonymous}, got ${who[0]!.user} acting as ${who[0]!.role}`);
  }
  return appPool;
}

const admin = new pg.Client({ connectionString: url });
admin.on('error', reportIdleError);
await admin.connect();
let seededDb: string | undefined;
/** Databases of earlier profiles (--profiles), dropped once their hot queries are timed, or at exit. */
const extraDbs: { seedDb: string; pool: pg.Pool }[] = [];
let pooler: Pooler | undefined;
let exitCode = 0;
try {
  loads.start = load1();
  log(`bench: profile ${options.profile}, seed ${options.seed}, on ${new URL(url).host}; load average ${loads.start}\n`);
  // Growth: each earlier profile seeded and kept until the last one's hot queries are timed with it.
  const growthDbs: { profile: string; seedDb: string; pool: pg.Pool; seed_s: number }[] = [];
  for (const earlier of earlierOptions) {
    log(`== growth: profile ${earlier.profile} (seed, kept for the hot queries; the full bench runs on ${options.profile})\n`);
    const s = await measureSeedVsFloor(admin, urlFor, { counts: earlier.counts, seed: earlier.seed, keepSeed: true });
    const p = new pg.Pool({ connectionString: urlFor(s.seedDb), max: 2 });
    p.on('error', reportIdleError);
    growthDbs.push({ profile: earlier.profile, seedDb: s.seedDb, pool: p, seed_s: round(s.seedMs / 1000, 1) });
    log('\nVACUUM ANALYZE');
    await p.query('VACUUM ANALYZE');
  }
  extraDbs.push(...growthDbs);
  if (growthProfiles.length) log(`\n== profile ${options.profile}: the full bench\n`);
  const seeded = await measureSeedVsFloor(admin, urlFor, { counts: options.counts, seed: options.seed, keepSeed: true });
  seededDb = seeded.seedDb;
  const seedRatio = seeded.seedMs / seeded.floorMs;
  console.log(`\n## Seed\n\n${seedVsFloorTable(seeded)}`);

  const pool = new pg.Pool({ connectionString: urlFor(seededDb), max: WRITERS + 2 });
  // Idle connections end when the bench drops its database WITH (FORCE) (57P01).
  pool.on('error', reportIdleError);
  const db = drizzle(pool, { schema });
  // The app side logs in as skatehubba_app and runs every query through
  // asAnonymous()/asRider(), as the API does: the figures are what a request
  // pays for row-level security (the transaction, the role and claims
  // statement, the policies). Not the admin login with the same SET LOCAL
  // ROLE: the policies would bind it alike (they follow current_user), but
  // its session would stay a superuser's (session_user, session_is_staff()
  // in the definer functions the check-in triggers run, the SET ROLE
  // membership check), which is not what production runs.
  const appPool = await openAppPool(seededDb, WRITERS + 2);
  const appDb = drizzle(appPool, { schema });
  // The same login and queries through the pooler, when there is one.
  const opened = await openPooler(url);
  pooler = opened.pooler;
  if (opened.skipped) log(`pooler: skipped: ${opened.skipped}`);
  else log(`pooler: ${pooler!.label}`);
  const pooledAppPool = pooler ? new pg.Pool({ connectionString: pooler.via(appLoginUrl(urlFor(seededDb))), max: WRITERS + 2 }) : undefined;
  pooledAppPool?.on('error', reportIdleError);
  const pooledAppDb = pooledAppPool ? drizzle(pooledAppPool, { schema }) : undefined;
  const runner: SqlRunner = { query: async (text, params) => ({ rows: (await pool.query(text, params as unknown[])).rows }) };
  // VACUUM too: autovacuum would have set the visibility map on a live
  // database, and index-only scans depend on it.
  log('\nVACUUM ANALYZE');
  await pool.query('VACUUM ANALYZE');
  const { rows: sizes } = await pool.query<{ relname: string; reltuples: number }>(
    "SELECT relname, reltuples::float8 AS reltuples FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'",
  );
  const big = new Set(sizes.filter((s) => s.reltuples > 10_000).map((s) => s.relname));
  const growthTimes = growthProfiles.length
    ? (await ownerHotQueryTimes([...growthDbs, { pool, profile: options.profile }])).map((g, k) => ({
        ...g,
        seed_s: k < growthDbs.length ? growthDbs[k]!.seed_s : round(seeded.seedMs / 1000, 1),
      }))
    : [];
  for (const g of growthDbs) {
    await g.pool.end();
    await admin.query(`DROP DATABASE IF EXISTS ${g.seedDb} WITH (FORCE)`);
  }
  const [firstGrowth, lastGrowth] = [growthTimes[0], growthTimes.at(-1)];
  const growth =
    firstGrowth && lastGrowth
      ? HOT_QUERIES.map((q) => {
          const from = firstGrowth.p95_ms.get(q.name)!;
          const to = lastGrowth.p95_ms.get(q.name)!;
          return {
            name: q.name,
            [`p95_${firstGrowth.profile}_ms`]: round(from),
            [`p95_${lastGrowth.profile}_ms`]: round(to),
            ratio: round(to / from, 2),
          };
        })
      : undefined;

  // 2. Hot queries against a primary-key lookup, round by round; each query
  // three ways per round, in an order that rotates round by round, so noise
  // on this shared machine falls on all three alike.
  const samples = await drawSamples(runner, RUNS);
  const { rows: idRows } = await pool.query<{ id: string }>('SELECT id FROM checkins ORDER BY md5(id::text) LIMIT $1', [RUNS]);
  const pkLookup = (i: number) =>
    db
      .select()
      .from(schema.checkins)
      .where(eq(schema.checkins.id, idRows[i % idRows.length]!.id));
  const ALL_WAYS = ['owner', 'ownerTx', 'app', 'appPooled'] as const;
  type Way = (typeof ALL_WAYS)[number];
  const WAYS: readonly Way[] = pooledAppDb ? ALL_WAYS : ALL_WAYS.filter((w) => w !== 'appPooled');
  // The owner side runs the very statement the lib function sends (captured
  // once per query and sample) on the admin login: bare, and inside a
  // transaction with one set_config, the round trips a rider's request adds
  // (BEGIN, the settings statement, COMMIT) without a role switch or a
  // policy. app / ownerTx is the policies' share. The app side calls the lib
  // function as the API does, on skatehubba_app.
  const statements = new Map<string, CapturedStatement>();
  const statementOf = async (q: HotQuery, s: Sample) => {
    const key = `${q.name}\u0000${samples.indexOf(s)}`;
    let statement = statements.get(key);
    if (!statement) statements.set(key, (statement = (await captureHotQuery(pool, q, s)).statement));
    return statement;
  };
  const ownerBare = async (q: HotQuery, s: Sample) => {
    const { sql: text, params } = await statementOf(q, s);
    return pool.query(text, params);
  };
  const inOwnerTx = async (q: HotQuery, s: Sample) => {
    const { sql: text, params } = await statementOf(q, s);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT set_config($1, $2, true)', [ACTOR_SETTING, s.userId]);
      await client.query(text, params);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  };
  const runWay = (way: Way, q: HotQuery, s: Sample) =>
    way === 'owner'
      ? ownerBare(q, s)
      : way === 'ownerTx'
        ? inOwnerTx(q, s)
        : q.run((way === 'appPooled' ? pooledAppDb : appDb) as never, s);
  for (const s of samples) for (const q of HOT_QUERIES) await statementOf(q, s);
  const pkSamples: number[] = [];
  const timings = HOT_QUERIES.map(() => ({
    owner: [] as number[],
    ownerTx: [] as number[],
    app: [] as number[],
    appPooled: [] as number[],
  }));
  loads.reads = load1();
  log(
    `hot queries: ${RUNS} runs each with varied parameters, as the owner, the owner in a transaction and the app role${pooledAppDb ? ' (direct and through the pooler)' : ''}, interleaved`,
  );
  for (let i = 0; i < 5; i++) for (const q of HOT_QUERIES) for (const way of WAYS) await runWay(way, q, samples[i % samples.length]!); // warm caches
  for (let i = 0; i < RUNS; i++) {
    const sample = samples[i % samples.length]!;
    pkSamples.push(await timeIt(() => pkLookup(i)));
    for (const [k, q] of HOT_QUERIES.entries()) {
      for (let w = 0; w < WAYS.length; w++) {
        const way = WAYS[(w + i) % WAYS.length]!;
        timings[k]![way].push(await timeIt(() => runWay(way, q, sample)));
      }
    }
    if ((i + 1) % 50 === 0) log(`  ${i + 1}/${RUNS}`);
  }
  const stat = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return { p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
  };
  const pk = stat(pkSamples);
  const queries = [];
  const rls = [];
  const pooled = [];
  for (const [k, q] of HOT_QUERIES.entries()) {
    const owner = stat(timings[k]!.owner);
    const ownerTx = stat(timings[k]!.ownerTx);
    const app = stat(timings[k]!.app);
    const ownerPlan = await explainHotQuery(pool, q, samples[0]!);
    const appPlan = (await explainHotQueryAsApp(appPool, q, samples[0]!)).nodes;
    queries.push({
      name: q.name,
      p50_ms: round(owner.p50),
      p95_ms: round(owner.p95),
      ratio_to_pk: round(owner.p95 / pk.p95, 2),
      index_only_or_index_scan: planUsesIndex(ownerPlan, big),
    });
    rls.push({
      name: q.name,
      as: q.as === 'rider' ? ROLES.authenticated : ROLES.anonymous,
      owner_p50_ms: round(owner.p50),
      owner_p95_ms: round(owner.p95),
      owner_tx_p50_ms: round(ownerTx.p50),
      owner_tx_p95_ms: round(ownerTx.p95),
      app_p50_ms: round(app.p50),
      app_p95_ms: round(app.p95),
      p50_ratio: round(app.p50 / owner.p50, 2),
      p95_ratio: round(app.p95 / owner.p95, 2),
      p95_ratio_to_owner_tx: round(app.p95 / ownerTx.p95, 2),
      app_plan_reads_an_index: planUsesIndex(appPlan, big),
      app_plan_same_shape: planShape(appPlan[0]!) === planShape(ownerPlan[0]!),
    });
    if (pooledAppDb) {
      const viaPooler = stat(timings[k]!.appPooled);
      pooled.push({
        name: q.name,
        as: q.as === 'rider' ? ROLES.authenticated : ROLES.anonymous,
        direct_p50_ms: round(app.p50),
        direct_p95_ms: round(app.p95),
        pooled_p50_ms: round(viaPooler.p50),
        pooled_p95_ms: round(viaPooler.p95),
        p50_ratio: round(viaPooler.p50 / app.p50, 2),
        p95_ratio: round(viaPooler.p95 / app.p95, 2),
      });
    }
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

  // 3. Check-in writes: 8 connections, one INSERT per row: the real table as
  // the owner, as the app role and as the owner in the app's transaction, and
  // a bare copy, in alternating blocks.
  loads.writes = load1();
  log(
    `check-in writes: ${WRITERS} connections x ${WRITES_PER_WRITER} single-row INSERTs, real table as the owner, as the app role and as the owner in a transaction, and a bare copy, ${WRITE_ROUNDS} blocks each`,
  );
  await pool.query('CREATE TABLE checkins_bare AS SELECT * FROM checkins WITH NO DATA');
  const { rows: riders } = await pool.query<{ user_id: string }>('SELECT id AS user_id FROM users ORDER BY md5(id::text) LIMIT 256');
  const writers = riders.slice(0, WRITERS * 4);
  const { rows: targets } = await pool.query<{ id: string }>(
    'SELECT id FROM spots WHERE archived_at IS NULL ORDER BY md5(id::text) LIMIT 64',
  );
  // Owner rows get a fresh 10-minute bucket each from tomorrow on. The app
  // cannot set created_at (it is the server's now()), so each of its rows
  // takes a (rider, spot) pair of its own instead: no duplicate either way.
  // Spots cycle as the owner's do (the n-th row of every writer at the same
  // spot, so the active-spot trigger's FOR SHARE locks contend alike), and
  // each writer has riders of its own, as the owner's writers do.
  const cycles = Math.ceil((WRITE_ROUNDS * WRITES_PER_WRITER) / targets.length);
  if (riders.length < 2 * WRITERS * cycles) {
    throw new Error(`${riders.length} riders are too few for 2 x ${WRITERS} writers x ${cycles} passes over ${targets.length} spots`);
  }
  // The app's check-in (asRider() through checkinWrites: only the columns
  // authenticated may write), or the owner's same insert in a transaction
  // with one set_config: the same drizzle code and round trips, without the
  // role, the claims or the policies. Riders: the app's block of riders
  // first, the owner's after it.
  const written = { app: Array.from({ length: WRITERS }, () => 0), ownerTx: Array.from({ length: WRITERS }, () => 0) };
  const insertLikeApi = async (who: 'app' | 'ownerTx') => {
    const start = performance.now();
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        const client = await (who === 'app' ? appPool : pool).connect();
        try {
          const wdb = drizzle(client);
          for (let n = 0; n < WRITES_PER_WRITER; n++) {
            const m = written[who][w]!++;
            const rider = riders[(who === 'app' ? 0 : WRITERS * cycles) + w * cycles + Math.floor(m / targets.length)]!.user_id;
            const row = {
              user_id: rider,
              spot_id: targets[m % targets.length]!.id,
              trick: 'kickflip',
              trick_status: 'landed',
              stance: 'regular',
            } as const;
            if (who === 'app') await asRider(wdb, rider, (tx) => tx.insert(checkinWrites).values(row));
            else
              await wdb.transaction(async (tx) => {
                await tx.execute(sql`SELECT set_config(${ACTOR_SETTING}, ${rider}, true)`);
                await tx.insert(checkinWrites).values(row);
              });
          }
        } finally {
          client.release();
        }
      }),
    );
    return performance.now() - start;
  };
  let bucket = 0;
  const insertAll = async (table: string) => {
    const start = performance.now();
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        const client = await pool.connect();
        try {
          for (let n = 0; n < WRITES_PER_WRITER; n++) {
            // A fresh 10-minute bucket per row after the seeded months and after today: never a duplicate.
            const createdAt = new Date(startOfUtcDay(Date.now()) + 86_400_000 + ++bucket * 600_000);
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
  // The ladder's middle steps: the real table with some of its triggers
  // disabled (as the admin login, between blocks). Keys, indexes, CHECKs and
  // foreign keys (internal triggers) stay on in every step; a trigger of no
  // named step (a later feature's) is on from the full path only.
  const { rows: triggerRows } = await pool.query<{ name: string }>(
    "SELECT tgname AS name FROM pg_trigger WHERE tgrelid = 'public.checkins'::regclass AND NOT tgisinternal ORDER BY 1",
  );
  const checkinTriggers = triggerRows.map((r) => r.name);
  const rowTriggers = checkinTriggers.filter((n) => ['checkins_spot_active_trg', 'checkins_updated_at_trg'].includes(n));
  const auditTriggers = checkinTriggers.filter((n) => n.startsWith('checkins_audit_'));
  const leaderboardTriggers = checkinTriggers.filter((n) => n.startsWith('checkins_leaderboard_'));
  const enabled = new Set(checkinTriggers);
  const setTriggers = async (on: string[]) => {
    for (const name of checkinTriggers) {
      const want = on.includes(name);
      if (want === enabled.has(name)) continue;
      await pool.query(`ALTER TABLE checkins ${want ? 'ENABLE' : 'DISABLE'} TRIGGER ${name}`);
      if (want) enabled.add(name);
      else enabled.delete(name);
    }
  };
  const withTriggers = (on: string[], run: () => Promise<number>) => async () => {
    await setTriggers(on);
    return run();
  };
  const blocks = {
    real: withTriggers(checkinTriggers, () => insertAll('checkins')),
    app: withTriggers(checkinTriggers, () => insertLikeApi('app')),
    realTx: withTriggers(checkinTriggers, () => insertLikeApi('ownerTx')),
    bare: () => insertAll('checkins_bare'),
    keyed: withTriggers([], () => insertAll('checkins')),
    rowTriggers: withTriggers(rowTriggers, () => insertAll('checkins')),
    audited: withTriggers([...rowTriggers, ...auditTriggers], () => insertAll('checkins')),
    leaderboards: withTriggers([...rowTriggers, ...auditTriggers, ...leaderboardTriggers], () => insertAll('checkins')),
  };
  const spent = { real: 0, app: 0, realTx: 0, bare: 0, keyed: 0, rowTriggers: 0, audited: 0, leaderboards: 0 };
  const order = Object.keys(blocks) as (keyof typeof blocks)[];
  try {
    for (let roundNo = 0; roundNo < WRITE_ROUNDS; roundNo++) {
      for (let b = 0; b < order.length; b++) {
        const name = order[(b + roundNo) % order.length]!;
        spent[name] += await blocks[name]();
      }
      log(`  round ${roundNo + 1}/${WRITE_ROUNDS}: ${order.length} blocks`);
    }
  } finally {
    await setTriggers(checkinTriggers);
  }
  loads.end = load1();
  const perVariant = WRITE_ROUNDS * WRITERS * WRITES_PER_WRITER;
  const writes = {
    checkin_rows_per_s: Math.round(perVariant / (spent.real / 1000)),
    app_rows_per_s: Math.round(perVariant / (spent.app / 1000)),
    app_ratio: round(spent.real / spent.app, 2),
    owner_tx_rows_per_s: Math.round(perVariant / (spent.realTx / 1000)),
    app_ratio_to_owner_tx: round(spent.realTx / spent.app, 2),
    bare_rows_per_s: Math.round(perVariant / (spent.bare / 1000)),
    ratio_to_bare: round(spent.bare / spent.real, 2),
  };
  const ladderSteps: [string, keyof typeof spent][] = [
    ['bare table (same columns; no keys, indexes, constraints or triggers)', 'bare'],
    ['+ keys and indexes (primary key, unique window, foreign keys, CHECKs; every trigger off)', 'keyed'],
    [`+ the active-spot trigger (with updated_at: ${rowTriggers.join(', ')})`, 'rowTriggers'],
    [`+ the audit trigger (${auditTriggers.join(', ')})`, 'audited'],
    [`+ the leaderboard maintenance (${leaderboardTriggers.join(', ')})`, 'leaderboards'],
    ['+ the rider_metrics trigger (every trigger on: the owner, autocommit)', 'real'],
    ["+ the request's transaction (owner: BEGIN, one set_config, COMMIT)", 'realTx'],
    ['+ row-level security (skatehubba_app as authenticated, asRider(): the API)', 'app'],
  ];
  const ladder = ladderSteps.map(([step, key], i) => ({
    step,
    rows_per_s: Math.round(perVariant / (spent[key] / 1000)),
    ratio_to_bare: round(spent.bare / spent[key], 2),
    ms_per_row_added: i === 0 ? 0 : round((spent[key] - spent[ladderSteps[i - 1]![1]]) / perVariant, 3),
  }));
  const costliest = ladder.slice(1).reduce((a, b) => (b.ms_per_row_added > a.ms_per_row_added ? b : a));
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
  await appPool.end();
  await pooledAppPool?.end();

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
  console.log(
    `\n## Row-level security: the app role next to the owner (${RUNS} runs each, interleaved; goal p95 app / owner <= ${READ_P95_GOAL})\n`,
  );
  console.log(
    'Owner: the admin login, no policy applies. Owner in a tx: the same inside BEGIN, one set_config, COMMIT (the round trips asRider() adds). App: the skatehubba_app login, as anonymous (its session default: one statement) or through asRider() (one transaction), under row-level security.\n',
  );
  console.log(
    '| query | as | owner p50 ms | owner p95 ms | app p50 ms | app p95 ms | p95 app / owner | owner in a tx p50 ms | owner in a tx p95 ms | p95 app / owner in a tx | app plan reads an index | same plan as owner |',
  );
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|');
  for (const r of rls) {
    const mark = r.p95_ratio <= READ_P95_GOAL ? '' : ' (over)';
    console.log(
      `| ${r.name} | ${r.as} | ${r.owner_p50_ms} | ${r.owner_p95_ms} | ${r.app_p50_ms} | ${r.app_p95_ms} | ${r.p95_ratio}${mark} | ${r.owner_tx_p50_ms} | ${r.owner_tx_p95_ms} | ${r.p95_ratio_to_owner_tx} | ${r.app_plan_reads_an_index ? 'yes' : 'NO'} | ${r.app_plan_same_shape ? 'yes' : 'NO'} |`,
    );
  }
  if (pooled.length) {
    console.log(`\n## Through the pooler: the app's hot queries pooled next to direct (${RUNS} runs each, interleaved)\n`);
    console.log(
      `Both as skatehubba_app, as the API runs them (above); direct: the server itself; pooled: ${pooler!.label}. Ratio = pooled / direct.\n`,
    );
    console.log(
      '| query | as | direct p50 ms | direct p95 ms | pooled p50 ms | pooled p95 ms | p50 pooled / direct | p95 pooled / direct |',
    );
    console.log('|---|---|---:|---:|---:|---:|---:|---:|');
    for (const r of pooled) {
      console.log(
        `| ${r.name} | ${r.as} | ${r.direct_p50_ms} | ${r.direct_p95_ms} | ${r.pooled_p50_ms} | ${r.pooled_p95_ms} | ${r.p50_ratio} | ${r.p95_ratio} |`,
      );
    }
  } else {
    console.log(`\n## Through the pooler\n\nSkipped: ${opened.skipped}.`);
  }
  console.log(`\n## Check-in writes (${WRITERS} connections, single-row INSERTs, ${WRITE_ROUNDS} alternating blocks each)\n`);
  console.log('| table | rows/s |\n|---|---:|');
  console.log(`| checkins (constraints, indexes, triggers), owner | ${writes.checkin_rows_per_s.toLocaleString('en-US')} |`);
  console.log(`| checkins as skatehubba_app, asRider(), one transaction per row | ${writes.app_rows_per_s.toLocaleString('en-US')} |`);
  console.log(`| **ratio app / owner** (goal >= ${WRITE_GOAL}) | **${writes.app_ratio}** |`);
  console.log(
    `| checkins, owner, the app's insert in BEGIN, one set_config, COMMIT | ${writes.owner_tx_rows_per_s.toLocaleString('en-US')} |`,
  );
  console.log(`| ratio app / owner in a transaction | ${writes.app_ratio_to_owner_tx} |`);
  console.log(`| bare copy (no indexes, constraints or triggers) | ${writes.bare_rows_per_s.toLocaleString('en-US')} |`);
  console.log(`| **ratio real / bare** | **${writes.ratio_to_bare}** |`);
  console.log(
    `\n## The write path, step by step (${WRITERS} connections, ${perVariant.toLocaleString('en-US')} single-row check-ins per step, blocks rotating with the writes above)\n`,
  );
  console.log('| step | rows/s | ratio to bare | ms per row added (wall, 8 writers) |\n|---|---:|---:|---:|');
  for (const l of ladder)
    console.log(`| ${l.step} | ${l.rows_per_s.toLocaleString('en-US')} | ${l.ratio_to_bare} | ${l.ms_per_row_added} |`);
  const full = ladder.at(-1)!;
  console.log(
    `\nFull path ${full.ratio_to_bare}x bare (goal >= ${LADDER_GOAL}${full.ratio_to_bare >= LADDER_GOAL ? ', met' : ', NOT met'}); the step that adds most: ${costliest.step} (+${costliest.ms_per_row_added} ms a row).`,
  );
  if (growth) {
    console.log(
      `\n## Growth: hot query p95 from ${firstGrowth!.profile} to ${lastGrowth!.profile} (owner, ${RUNS} runs each; goal ratio <= ${GROWTH_GOAL})\n`,
    );
    console.log(`| query | p95 ${firstGrowth!.profile} ms | p95 ${lastGrowth!.profile} ms | ratio |\n|---|---:|---:|---:|`);
    for (const g of growth) {
      const mark = g.ratio <= GROWTH_GOAL ? '' : ' (over)';
      const [from, to] = [firstGrowth!.p95_ms.get(g.name)!, lastGrowth!.p95_ms.get(g.name)!];
      console.log(`| ${g.name} | ${round(from)} | ${round(to)} | ${g.ratio}${mark} |`);
    }
    console.log(
      `| (reference) primary-key lookup | ${round(firstGrowth!.pk_p95_ms)} | ${round(lastGrowth!.pk_p95_ms)} | ${round(lastGrowth!.pk_p95_ms / firstGrowth!.pk_p95_ms, 2)} |`,
    );
    console.log(`\nSeed: ${growthTimes.map((g) => `${g.profile} ${g.seed_s} s`).join(', ')}.`);
  }
  console.log(`\n## Primary keys: ${countRows[0]!.n.toLocaleString('en-US')} check-ins copied in time order\n`);
  console.log('| key | insert s | rows/s | pk index MB | all indexes MB |\n|---|---:|---:|---:|---:|');
  for (const [name, k] of Object.entries(keys))
    console.log(`| ${name} | ${k.insert_s} | ${k.rows_per_s.toLocaleString('en-US')} | ${k.pk_index_mb} | ${k.all_indexes_mb} |`);

  const report = {
    profile: options.profile,
    counts: { ...PROFILES[options.profile], ...options.counts },
    pk_lookup: { p50_ms: round(pk.p50), p95_ms: round(pk.p95) },
    queries,
    rls,
    pooler: pooler ? { through: pooler.label, queries: pooled } : { skipped: opened.skipped },
    spots_near_earthdistance: earthdistance,
    writes,
    ladder,
    ...(growth
      ? {
          growth,
          growth_pk_lookup: {
            [`p95_${firstGrowth!.profile}_ms`]: round(firstGrowth!.pk_p95_ms),
            [`p95_${lastGrowth!.profile}_ms`]: round(lastGrowth!.pk_p95_ms),
          },
        }
      : {}),
    keys,
    load_average_1m: loads,
    seed: { ratio_to_floor: round(seedRatio, 2), seed_s: round(seeded.seedMs / 1000, 2), floor_s: round(seeded.floorMs / 1000, 2) },
  };
  console.log(
    `\nLoad average (1 min, ${availableParallelism()} cores): ${loads.start} at start, ${loads.reads} before the hot queries, ${loads.writes} before the writes, ${loads.end} after them.`,
  );
  if (outFile) {
    await writeFile(outFile, `${JSON.stringify(report, null, 2)}\n`);
    log(`\nwrote ${outFile}`);
  }
} catch (error) {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? error}\n`);
  exitCode = 1;
} finally {
  await pooler?.stop().catch((error: unknown) => log(`pooler: could not stop it: ${(error as Error).message}`));
  if (seededDb) await admin.query(`DROP DATABASE IF EXISTS ${seededDb} WITH (FORCE)`);
  for (const g of extraDbs) {
    await g.pool.end().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${g.seedDb} WITH (FORCE)`);
  }
  await admin.end();
}
process.exit(exitCode);
