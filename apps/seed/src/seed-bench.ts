import type pg from 'pg';
import { createDb, migrateDb } from '@skatehubba/db';
import { SeedGenerator, TABLE_SPECS, type SeedTable } from './generate';
import { loadTables } from './load';
import type { SeedCounts } from './profiles';
import type { StageTiming } from './progress';

/**
 * The seed against its server-side floor, in one run: load the profile into
 * a fresh migrated database with the seed's bulk path, then INSERT ... SELECT
 * the same row counts, generated inside Postgres, into another fresh migrated
 * database with the same constraints and triggers. `keepSeed` leaves the
 * seeded database for the caller (npm run bench measures queries on it).
 */
export interface SeedVsFloor {
  rows: Record<SeedTable, number>;
  seedTimings: StageTiming[];
  floorTimings: StageTiming[];
  seedMs: number;
  floorMs: number;
  /** The seeded database's name (dropped unless keepSeed). */
  seedDb: string;
}

const sumMs = (t: StageTiming[]) => t.reduce((a, x) => a + x.ms, 0);

export async function measureSeedVsFloor(
  admin: pg.Client,
  urlFor: (database: string) => string,
  { counts, seed, keepSeed = false }: { counts: SeedCounts; seed: number; keepSeed?: boolean },
): Promise<SeedVsFloor> {
  const suffix = `${process.pid}_${Date.now().toString(36)}`;
  const seedDb = `skatehubba_bench_seed_${suffix}`;
  const floorDb = `skatehubba_bench_floor_${suffix}`;
  const fresh = async (name: string) => {
    await admin.query(`CREATE DATABASE ${name}`);
    const handle = await createDb({ driver: 'node-postgres', url: urlFor(name), max: 1 });
    await migrateDb(handle);
    return handle;
  };
  try {
    process.stderr.write('seed (client-generated rows, batched INSERT ... SELECT unnest):\n');
    const seedHandle = await fresh(seedDb);
    const conn = await seedHandle.client.connect();
    await conn.query('BEGIN');
    const seedTimings = await loadTables(conn, new SeedGenerator(seed, counts));
    await conn.query('COMMIT');
    conn.release();
    await seedHandle.close();
    const rows = Object.fromEntries(seedTimings.map((t) => [t.stage, t.rows ?? 0])) as Record<SeedTable, number>;

    process.stderr.write('\nfloor (same counts generated inside Postgres, INSERT ... SELECT generate_series):\n');
    const floorHandle = await fresh(floorDb);
    const fconn = await floorHandle.client.connect();
    const floorTimings: StageTiming[] = [];
    await fconn.query('BEGIN');
    for (const [table, text] of floorStatements(rows)) {
      const start = performance.now();
      const r = await fconn.query(text);
      if (r.rowCount !== rows[table]) throw new Error(`floor ${table}: inserted ${r.rowCount}, expected ${rows[table]}`);
      floorTimings.push({ stage: table, rows: rows[table], ms: performance.now() - start });
      process.stderr.write(
        `  ${table.padEnd(18)} ${rows[table].toLocaleString('en-US').padStart(11)} rows  ${((performance.now() - start) / 1000).toFixed(2)}s\n`,
      );
    }
    await fconn.query('COMMIT');
    fconn.release();
    await floorHandle.close();
    return { rows, seedTimings, floorTimings, seedMs: sumMs(seedTimings), floorMs: sumMs(floorTimings), seedDb };
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${floorDb} WITH (FORCE)`);
    if (!keepSeed) await admin.query(`DROP DATABASE IF EXISTS ${seedDb} WITH (FORCE)`);
  }
}

/** The markdown table bench:seed prints: per table and total, seed vs floor. */
export function seedVsFloorTable(result: SeedVsFloor): string {
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const total = Object.values(result.rows).reduce((a, b) => a + b, 0);
  const lines = ['| table | rows | seed s | floor s | seed/floor |', '|---|---:|---:|---:|---:|'];
  for (const table of Object.keys(TABLE_SPECS) as SeedTable[]) {
    const s = result.seedTimings.find((t) => t.stage === table)!.ms;
    const f = result.floorTimings.find((t) => t.stage === table)!.ms;
    lines.push(`| ${table} | ${fmt(result.rows[table])} | ${(s / 1000).toFixed(2)} | ${(f / 1000).toFixed(2)} | ${(s / f).toFixed(2)} |`);
  }
  lines.push(
    `| **total** | ${fmt(total)} | ${(result.seedMs / 1000).toFixed(2)} | ${(result.floorMs / 1000).toFixed(2)} | **${(result.seedMs / result.floorMs).toFixed(2)}** |`,
  );
  lines.push('');
  lines.push(
    `seed: ${fmt(total / (result.seedMs / 1000))} rows/s; floor: ${fmt(total / (result.floorMs / 1000))} rows/s; ratio seed/floor ${(result.seedMs / result.floorMs).toFixed(2)}`,
  );
  return lines.join('\n');
}

function floorStatements(rows: Record<SeedTable, number>): [SeedTable, string][] {
  const sig = `'&X-Amz-Signature=' || md5(g::text) || md5((g + 1)::text)`;
  return [
    [
      'users',
      `INSERT INTO users (id, handle, email, display_name, stance, avatar_url, created_at)
      SELECT gen_random_uuid(), 'rider_' || g, 'rider_' || g || '@example.com', 'Rider ' || g,
             (CASE WHEN g % 5 < 2 THEN 'goofy' ELSE 'regular' END)::stance,
             CASE WHEN g % 10 < 6 THEN 'https://media.skatehubba.test/avatars/' || g || '.jpg?X-Amz-Expires=604800' || ${sig} END,
             now() - interval '400 days' + g * interval '1 second'
        FROM generate_series(1, ${rows.users}) g`,
    ],
    [
      'spots',
      `INSERT INTO spots (id, name, description, latitude, longitude, photo_url, created_by, created_at)
      SELECT gen_random_uuid(), 'Spot ' || g, CASE WHEN g % 2 = 0 THEN 'Ledges by the water. Bring wax.' END,
             -60 + (g % 12000) / 100.0, -170 + (g % 34000) / 100.0,
             CASE WHEN g % 10 < 7 THEN 'https://media.skatehubba.test/spots/' || g || '.jpg?X-Amz-Expires=604800' || ${sig} END,
             NULL, now() - interval '500 days'
        FROM generate_series(1, ${rows.spots}) g`,
    ],
    [
      'achievements',
      `INSERT INTO achievements (slug, name, description, tier, metric, goal)
      SELECT 'bench-' || g, 'Bench ' || g, 'Bench achievement', 'bronze',
             (ARRAY['checkins', 'landed', 'distinct_spots'])[1 + g % 3]::achievement_metric, g * 5
        FROM generate_series(1, ${rows.achievements}) g`,
    ],
    [
      'sessions',
      `INSERT INTO sessions (user_id, token_hash, created_at, expires_at)
      SELECT u.id, encode(sha256(u.id::text::bytea), 'hex'), now(), now() + interval '30 days'
        FROM (SELECT id FROM users ORDER BY id LIMIT ${rows.sessions}) u`,
    ],
    [
      'saved_spots',
      `INSERT INTO saved_spots (user_id, spot_id, created_at)
      SELECT u.a[1 + g % u.n], s.a[1 + (g / u.n) % s.n], now()
        FROM (SELECT array_agg(id) a, count(*)::int n FROM users) u,
             (SELECT array_agg(id) a, count(*)::int n FROM spots) s,
             generate_series(0, ${rows.saved_spots - 1}) g`,
    ],
    [
      'checkins',
      `INSERT INTO checkins (id, user_id, spot_id, trick, trick_status, stance, note, media_url, created_at)
      SELECT gen_random_uuid(), u.a[1 + g % u.n], s.a[1 + (g / u.n) % s.n], 'kickflip',
             (CASE WHEN g % 100 < 56 THEN 'landed' WHEN g % 100 < 87 THEN 'bailed' ELSE 'retry' END)::trick_status,
             (CASE WHEN g % 5 < 2 THEN 'goofy' ELSE 'regular' END)::stance,
             CASE WHEN g % 10 = 0 THEN 'filmed it' END,
             CASE WHEN g % 100 < 15 THEN 'https://media.skatehubba.test/checkins/' || g || '.mp4?X-Amz-Expires=604800' || ${sig} END,
             now() - interval '180 days' + g * interval '10 seconds'
        FROM (SELECT array_agg(id) a, count(*)::int n FROM users) u,
             (SELECT array_agg(id) a, count(*)::int n FROM spots) s,
             generate_series(0, ${rows.checkins - 1}) g`,
    ],
  ];
}
