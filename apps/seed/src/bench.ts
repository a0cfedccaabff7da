/**
 * `npm run bench:seed -- [--profile small|medium|large] [--seed N]`
 *
 * Loads a profile into a fresh database on DATABASE_URL, then, in the same run,
 * measures the server-side floor: INSERT ... SELECT of the same row counts into
 * another fresh database with the same schema, constraints and triggers (the
 * audit trail included), generated entirely inside Postgres. Prints both times
 * and seed/floor. Both sides run in one transaction each, after migrating, and
 * the databases are dropped afterwards.
 */
import pg from 'pg';
import { createDb, migrateDb } from '@skatehubba/db';
import { SeedGenerator, TABLE_SPECS, type SeedTable } from './generate';
import { loadTables } from './load';
import { parseOptions } from './options';
import type { StageTiming } from './progress';

const url = process.env.DATABASE_URL;
if (!url) {
  process.stderr.write('bench:seed needs DATABASE_URL (a Postgres server), e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres\n');
  process.exit(2);
}
const options = parseOptions(['load', ...process.argv.slice(2).filter((a) => a !== '--')]);
const withDb = (name: string) => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
};

const admin = new pg.Client({ connectionString: url });
await admin.connect();
const suffix = `${process.pid}_${Date.now().toString(36)}`;
const seedDb = `skatehubba_bench_seed_${suffix}`;
const floorDb = `skatehubba_bench_floor_${suffix}`;

async function freshDatabase(name: string) {
  await admin.query(`CREATE DATABASE ${name}`);
  const handle = await createDb({ driver: 'node-postgres', url: withDb(name), max: 1 });
  await migrateDb(handle);
  return handle;
}

function floorStatements(rows: Record<SeedTable, number>): [SeedTable, string][] {
  const sig = `'&X-Amz-Signature=' || md5(g::text) || md5((g + 1)::text)`;
  return [
    ['users', `INSERT INTO users (id, handle, email, display_name, stance, avatar_url, created_at)
      SELECT gen_random_uuid(), 'rider_' || g, 'rider_' || g || '@example.com', 'Rider ' || g,
             (CASE WHEN g % 5 < 2 THEN 'goofy' ELSE 'regular' END)::stance,
             CASE WHEN g % 10 < 6 THEN 'https://media.skatehubba.test/avatars/' || g || '.jpg?X-Amz-Expires=604800' || ${sig} END,
             now() - interval '400 days' + g * interval '1 second'
        FROM generate_series(1, ${rows.users}) g`],
    ['spots', `INSERT INTO spots (id, name, description, latitude, longitude, photo_url, created_by, created_at)
      SELECT gen_random_uuid(), 'Spot ' || g, CASE WHEN g % 2 = 0 THEN 'Ledges by the water. Bring wax.' END,
             -60 + (g % 12000) / 100.0, -170 + (g % 34000) / 100.0,
             CASE WHEN g % 10 < 7 THEN 'https://media.skatehubba.test/spots/' || g || '.jpg?X-Amz-Expires=604800' || ${sig} END,
             NULL, now() - interval '500 days'
        FROM generate_series(1, ${rows.spots}) g`],
    ['achievements', `INSERT INTO achievements (slug, name, description, tier, goal)
      SELECT 'bench-' || g, 'Bench ' || g, 'Bench achievement', 'bronze', g FROM generate_series(1, ${rows.achievements}) g`],
    ['sessions', `INSERT INTO sessions (user_id, token_hash, created_at, expires_at)
      SELECT u.id, encode(sha256(u.id::text::bytea), 'hex'), now(), now() + interval '30 days'
        FROM (SELECT id FROM users ORDER BY id LIMIT ${rows.sessions}) u`],
    ['saved_spots', `INSERT INTO saved_spots (user_id, spot_id, created_at)
      SELECT u.a[1 + g % u.n], s.a[1 + (g / u.n) % s.n], now()
        FROM (SELECT array_agg(id) a, count(*)::int n FROM users) u,
             (SELECT array_agg(id) a, count(*)::int n FROM spots) s,
             generate_series(0, ${rows.saved_spots - 1}) g`],
    ['checkins', `INSERT INTO checkins (id, user_id, spot_id, trick, trick_status, stance, note, media_url, created_at)
      SELECT gen_random_uuid(), u.a[1 + g % u.n], s.a[1 + (g / u.n) % s.n], 'kickflip',
             (CASE WHEN g % 100 < 56 THEN 'landed' WHEN g % 100 < 87 THEN 'bailed' ELSE 'retry' END)::trick_status,
             (CASE WHEN g % 5 < 2 THEN 'goofy' ELSE 'regular' END)::stance,
             CASE WHEN g % 10 = 0 THEN 'filmed it' END,
             CASE WHEN g % 100 < 15 THEN 'https://media.skatehubba.test/checkins/' || g || '.mp4?X-Amz-Expires=604800' || ${sig} END,
             now() - interval '180 days' + g * interval '10 seconds'
        FROM (SELECT array_agg(id) a, count(*)::int n FROM users) u,
             (SELECT array_agg(id) a, count(*)::int n FROM spots) s,
             generate_series(0, ${rows.checkins - 1}) g`],
    ['user_achievements', `INSERT INTO user_achievements (user_id, achievement_id, goal, progress, unlocked_at, created_at)
      SELECT u.a[1 + g / a.n], a.ids[1 + g % a.n], a.goals[1 + g % a.n], a.goals[1 + g % a.n], now(), now() - interval '1 day'
        FROM (SELECT array_agg(id) a FROM users) u,
             (SELECT array_agg(id ORDER BY goal) ids, array_agg(goal ORDER BY goal) goals, count(*)::int n FROM achievements) a,
             generate_series(0, ${rows.user_achievements - 1}) g`],
  ];
}

const ms = (t: StageTiming[]) => t.reduce((a, x) => a + x.ms, 0);
let exitCode = 0;
try {
  process.stderr.write(`bench:seed profile ${options.profile}, seed ${options.seed} on ${new URL(url).host}\n\nseed (client-generated rows, batched INSERT ... SELECT unnest):\n`);
  const seedHandle = await freshDatabase(seedDb);
  const conn = await seedHandle.client.connect();
  await conn.query('BEGIN');
  const seedTimings = await loadTables(conn, new SeedGenerator(options.seed, options.counts));
  await conn.query('COMMIT');
  conn.release();
  const rows = Object.fromEntries(seedTimings.map((t) => [t.stage, t.rows ?? 0])) as Record<SeedTable, number>;
  await seedHandle.close();

  process.stderr.write('\nfloor (same counts generated inside Postgres, INSERT ... SELECT generate_series):\n');
  const floorHandle = await freshDatabase(floorDb);
  const fconn = await floorHandle.client.connect();
  const floorTimings: StageTiming[] = [];
  await fconn.query('BEGIN');
  for (const [table, text] of floorStatements(rows)) {
    const start = performance.now();
    const r = await fconn.query(text);
    if (r.rowCount !== rows[table]) throw new Error(`floor ${table}: inserted ${r.rowCount}, expected ${rows[table]}`);
    floorTimings.push({ stage: table, rows: rows[table], ms: performance.now() - start });
    process.stderr.write(`  ${table.padEnd(18)} ${rows[table].toLocaleString('en-US').padStart(11)} rows  ${((performance.now() - start) / 1000).toFixed(2)}s\n`);
  }
  await fconn.query('COMMIT');
  fconn.release();
  await floorHandle.close();

  const total = Object.values(rows).reduce((a, b) => a + b, 0);
  const seedMs = ms(seedTimings);
  const floorMs = ms(floorTimings);
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  console.log(`\n| table | rows | seed s | floor s | seed/floor |`);
  console.log(`|---|---:|---:|---:|---:|`);
  for (const table of Object.keys(TABLE_SPECS) as SeedTable[]) {
    const s = seedTimings.find((t) => t.stage === table)!.ms;
    const f = floorTimings.find((t) => t.stage === table)!.ms;
    console.log(`| ${table} | ${fmt(rows[table])} | ${(s / 1000).toFixed(2)} | ${(f / 1000).toFixed(2)} | ${(s / f).toFixed(2)} |`);
  }
  console.log(`| **total** | ${fmt(total)} | ${(seedMs / 1000).toFixed(2)} | ${(floorMs / 1000).toFixed(2)} | **${(seedMs / floorMs).toFixed(2)}** |`);
  console.log(`\nseed: ${fmt(total / (seedMs / 1000))} rows/s; floor: ${fmt(total / (floorMs / 1000))} rows/s; ratio seed/floor ${(seedMs / floorMs).toFixed(2)}`);
} catch (error) {
  process.stderr.write(`bench:seed failed: ${(error as Error).message}\n`);
  exitCode = 1;
} finally {
  for (const db of [seedDb, floorDb]) await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  await admin.end();
}
process.exit(exitCode);
