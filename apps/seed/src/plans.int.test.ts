import pg from 'pg';
import { describe, expect, inject } from 'vitest';
import { databaseTest, withDatabase } from '@skatehubba/testing';
import { SeedGenerator } from './generate';
import { drawSamples, explainHotQuery, HOT_QUERIES, type Sample } from './hot-queries';
import { loadTables, type SqlRunner } from './load';
import { PROFILES } from './profiles';

// Plan shape on the Postgres server, seeded at the medium profile (100k
// check-ins) and analyzed: every hot query's plan uses the index its doc
// comment names, and no sequential scan touches a table of more than 10k
// rows. EXPLAIN (FORMAT JSON) with the real parameters; shapes, not timings.
const engine = inject('engine');
const BIG_TABLE_ROWS = 10_000;
const it = databaseTest({});
let pool: pg.Pool;
let runner: SqlRunner;
let sample: Sample;

describe.runIf(engine === 'postgres')('hot query plans on the medium profile', () => {
  it.beforeAll(async ({ t }) => {
    const conn = await t.connect();
    const loader: SqlRunner = { query: async (text, params) => ({ rows: await conn.query(text, params) }) };
    await conn.query('BEGIN');
    await loadTables(loader, new SeedGenerator(1, PROFILES.medium));
    await conn.query('COMMIT');
    await conn.query('ANALYZE');
    await conn.close();
    const [{ current_database: name }] = (await t.query<{ current_database: string }>('SELECT current_database()')) as [
      { current_database: string },
    ];
    pool = new pg.Pool({ connectionString: withDatabase(inject('postgresUrl'), name), max: 2 });
    runner = { query: async (text, params) => ({ rows: (await pool.query(text, params as unknown[])).rows }) };
    [sample] = (await drawSamples(runner, 1)) as [Sample];
  }, 300_000);
  it.afterAll(async () => {
    await pool?.end();
  });

  it.for(HOT_QUERIES.map((q) => [q.name, q] as const))(
    '%s: reads its index (in order for keyset pages), no big sequential scan',
    async ([_, query]) => {
      const nodes = await explainHotQuery(pool, query, sample);
      const indexes = nodes.filter((n) => n['Index Name']).map((n) => n['Index Name']);
      expect(
        indexes.some((name) => query.indexes.includes(name!)),
        `${JSON.stringify(nodes.map((n) => n['Node Type']))} read ${JSON.stringify(indexes)}, expected one of ${JSON.stringify(query.indexes)}`,
      ).toBe(true);
      // A keyset page reads its rows in order from the index; any sort node (Sort,
      // Incremental Sort) means the index does not deliver that order.
      if (query.ordered) expect(nodes.map((n) => n['Node Type']).filter((type) => /Sort/.test(type))).toEqual([]);
      const { rows: sizes } = await runner.query<{ relname: string; reltuples: number }>(
        "SELECT relname, reltuples::float8 AS reltuples FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'",
      );
      const big = new Set(sizes.filter((s) => s.reltuples > BIG_TABLE_ROWS).map((s) => s.relname));
      expect(big.has('checkins')).toBe(true);
      const bigSeqScans = nodes.filter((n) => n['Node Type'] === 'Seq Scan' && big.has(n['Relation Name'] ?? ''));
      expect(bigSeqScans.map((n) => n['Relation Name'])).toEqual([]);
    },
  );
});
