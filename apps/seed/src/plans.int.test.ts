import pg from 'pg';
import { describe, expect, inject } from 'vitest';
import { reportIdleError } from '@skatehubba/db';
import { databaseTest, withDatabase } from '@skatehubba/testing';
import { SeedGenerator } from './generate';
import { drawSamples, explainHotQuery, HOT_QUERIES, type PlanNode, type Sample } from './hot-queries';
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
    // The harness drops this file's database WITH (FORCE) when the file ends:
    // an idle connection still open then is ended by the server (57P01).
    pool.on('error', reportIdleError);
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

  // prune_sessions() (migration 0008, run daily by `nx run maintenance:run`)
  // finds the sessions that ended over 30 days ago through sessions_ended_at_idx.
  // Its DELETE runs inside the function, so the plan is read with auto_explain
  // (nested statements, logged to this client as a NOTICE) in a transaction
  // that is rolled back. The medium seed's 500 sessions are all live; 20,000
  // more live ones and 200 ended ones make a table where a sequential scan
  // would be the wrong plan.
  it('session pruning: prune_sessions() reads sessions_ended_at_idx, no sequential scan of sessions', async () => {
    await pool.query(`
      WITH u AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM users ORDER BY id LIMIT 5000)
      INSERT INTO sessions (user_id, token_hash, created_at, expires_at)
      SELECT u.id, encode(sha256(convert_to(u.id::text || g::text, 'UTF8')), 'hex'),
             now() - interval '60 days', now() + CASE WHEN g % 100 = 0 THEN interval '-40 days' ELSE interval '20 days' END
        FROM generate_series(1, 20200) g JOIN u ON u.n = g % 5000 + 1`);
    await pool.query('ANALYZE sessions');
    const client = await pool.connect();
    const plans: { 'Query Text': string; Plan: PlanNode }[] = [];
    const onNotice = (notice: { message?: string }) => {
      const json = notice.message?.replace(/^duration: [0-9.]+ ms\s+plan:\s*/, '');
      if (json?.startsWith('{')) plans.push(JSON.parse(json) as (typeof plans)[number]);
    };
    client.on('notice', onNotice);
    try {
      await client.query('BEGIN');
      await client.query("LOAD 'auto_explain'");
      for (const setting of ['log_min_duration = 0', 'log_nested_statements = on', "log_level = 'notice'", "log_format = 'json'"]) {
        await client.query(`SET LOCAL auto_explain.${setting}`);
      }
      const [{ pruned }] = (await client.query<{ pruned: number }>('SELECT prune_sessions() AS pruned')).rows as [{ pruned: number }];
      expect(pruned).toBe(202);
    } finally {
      await client.query('ROLLBACK');
      client.off('notice', onNotice);
      client.release();
    }
    const prune = plans.find((p) => /DELETE FROM public\.sessions/.test(p['Query Text']));
    expect(prune, `auto_explain showed ${plans.length} plans, none of the DELETE`).toBeDefined();
    const nodes = flatten(prune!.Plan);
    expect(nodes.filter((n) => n['Index Name']).map((n) => n['Index Name'])).toContain('sessions_ended_at_idx');
    expect(nodes.filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === 'sessions')).toEqual([]);
  });
});

/** Every node of a plan, root first. */
function flatten(root: PlanNode): PlanNode[] {
  return [root, ...(root.Plans ?? []).flatMap(flatten)];
}
