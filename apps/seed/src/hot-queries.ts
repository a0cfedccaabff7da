import { drizzle } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type pg from 'pg';
import { schema } from '@skatehubba/db';
import { encodeCursor, unwrap } from '@skatehubba/schema-kit';
import { achievementsOf } from '@skatehubba/gamification';
import { leaderboard, riderHistory, savedSpotsOf, spotFeed, spotLeaderboard, spotsNear } from '@skatehubba/spots';
import type { SqlRunner } from './load';

type Db = PgDatabase<PgQueryResultHKT, Record<string, unknown>>;

/** Parameters for one run of the hot queries, drawn from a seeded database. */
export interface Sample {
  spotId: string;
  userId: string;
  /** A point a few metres from a spot riders check in at. */
  point: { latitude: number; longitude: number };
  /** The cursor of the sample rider's history after its first page of 20. */
  historyCursor: string;
}

export interface HotQuery {
  name: string;
  /** The indexes its doc comment names; the plan test requires the plan to use one of them. */
  indexes: string[];
  /** The index must deliver rows in the query's order: any sort node (Sort, Incremental Sort) fails the plan test. */
  ordered?: boolean;
  /**
   * Who the API runs it as: `anonymous` for what is public (feeds,
   * leaderboards, spots near me: one statement on the login), `rider` for a
   * rider's own data (a transaction as the sample's rider).
   */
  as: 'anonymous' | 'rider';
  /** The lib function, called as the API calls it, for the sample. */
  run(db: Db, sample: Sample): Promise<unknown>;
}

/** The app's hot read paths, as the plan test and `npm run bench` exercise them. */
export const HOT_QUERIES: HotQuery[] = [
  {
    name: 'spot feed',
    indexes: ['checkins_spot_id_created_at_idx'],
    ordered: true,
    as: 'anonymous',
    run: async (db, s) => unwrap(await spotFeed(db, 'anonymous', s.spotId, { limit: 20 })),
  },
  {
    name: 'rider history',
    indexes: ['checkins_user_id_created_at_idx', 'checkins_user_spot_window_uq'],
    as: 'rider',
    run: async (db, s) => unwrap(await riderHistory(db, { rider: s.userId }, s.userId, { limit: 20 })),
  },
  {
    name: 'rider history, next page',
    // Not `ordered`: a rider has tens of check-ins, and depending on the
    // sampled statistics the planner reads them in index order or fetches and
    // sorts them; both cost well under a millisecond. Busy spots (the spot
    // feed) are where a sort would read thousands of rows.
    indexes: ['checkins_user_id_created_at_idx'],
    as: 'rider',
    run: async (db, s) => unwrap(await riderHistory(db, { rider: s.userId }, s.userId, { limit: 20, cursor: s.historyCursor })),
  },
  {
    name: 'spots near me (2 km)',
    indexes: ['spots_active_location_idx'],
    as: 'anonymous',
    run: async (db, s) => unwrap(await spotsNear(db, 'anonymous', { ...s.point, radius_m: 2_000, limit: 50 })),
  },
  {
    name: 'saved spots',
    indexes: ['saved_spots_pk'],
    as: 'rider',
    run: async (db, s) => unwrap(await savedSpotsOf(db, { rider: s.userId }, { limit: 20 })),
  },
  {
    name: 'achievements',
    indexes: ['user_achievements_pk', 'rider_metrics_pk'],
    as: 'rider',
    run: async (db, s) => unwrap(await achievementsOf(db, { rider: s.userId }, { limit: 20 })),
  },
  {
    name: 'spot leaderboard (30 days)',
    indexes: ['spot_leaderboard_entries_spot_landed_idx'],
    ordered: true,
    as: 'anonymous',
    run: async (db, s) => unwrap(await spotLeaderboard(db, 'anonymous', s.spotId, { limit: 10 })),
  },
  {
    name: 'leaderboard (30 days)',
    indexes: ['leaderboard_entries_landed_idx'],
    ordered: true,
    as: 'anonymous',
    run: async (db) => unwrap(await leaderboard(db, 'anonymous', { limit: 10 })),
  },
];

/**
 * `n` parameter sets from the seeded data: spots weighted the way riders
 * pick them (a random check-in's spot, so busy spots come up more), riders
 * with at least 21 check-ins (so a second history page exists), and a point
 * a few metres from a spot. Deterministic for a given database.
 */
export async function drawSamples(db: SqlRunner, n: number): Promise<Sample[]> {
  const { rows } = await db.query<{
    spot_id: string;
    user_id: string;
    latitude: number;
    longitude: number;
    cursor_at: string;
    cursor_id: string;
  }>(
    `WITH picks AS (
       SELECT c.spot_id, row_number() OVER (ORDER BY md5(c.id::text)) AS k FROM checkins c
        WHERE c.archived_at IS NULL ORDER BY md5(c.id::text) LIMIT $1),
     riders AS (
       SELECT user_id, row_number() OVER (ORDER BY md5(user_id::text)) AS k
         FROM checkins GROUP BY user_id HAVING count(*) > 21 ORDER BY md5(user_id::text) LIMIT $1)
     SELECT p.spot_id, r.user_id, s.latitude + 0.0003 AS latitude, s.longitude - 0.0002 AS longitude,
            h.created_at::text AS cursor_at, h.id AS cursor_id
       FROM picks p
       JOIN riders r ON r.k = 1 + (p.k - 1) % (SELECT count(*) FROM riders)
       JOIN spots s ON s.id = p.spot_id
       CROSS JOIN LATERAL (SELECT created_at, id FROM checkins
                            WHERE user_id = r.user_id AND archived_at IS NULL
                            ORDER BY created_at DESC, id DESC OFFSET 19 LIMIT 1) h`,
    [n],
  );
  if (rows.length === 0) throw new Error('no seeded check-ins to sample from: seed the database first');
  return rows.map((r) => ({
    spotId: r.spot_id,
    userId: r.user_id,
    point: { latitude: Number(r.latitude), longitude: Number(r.longitude) },
    historyCursor: encodeCursor('rider-history', [r.cursor_at, r.cursor_id]),
  }));
}

/** One node of an EXPLAIN (FORMAT JSON) plan, with the fields the plan checks read. */
export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Parent Relationship'?: string;
  Plans?: PlanNode[];
}

/** A statement a hot query sent, with its parameters. */
export interface CapturedStatement {
  sql: string;
  params: unknown[];
}

/** The request's context statement (`callerContext()`): role, claims, actor, search path. */
const isContext = (statement: CapturedStatement) => /^select set_config\(/i.test(statement.sql.trim());
/** drizzle logs a transaction's own BEGIN and COMMIT: a rider's read (runAs()) sends them around its context and query. */
const isTransactionControl = (statement: CapturedStatement) => /^(begin|commit|rollback)\b/i.test(statement.sql.trim());

/**
 * Runs a hot query once as the API calls it, through a drizzle instance that
 * records what it sends, and returns the query itself (the one statement that
 * is not the request's context) and the context statement, if any.
 */
export async function captureHotQuery(
  pool: pg.Pool,
  query: HotQuery,
  sample: Sample,
): Promise<{ statement: CapturedStatement; context?: CapturedStatement }> {
  const captured: CapturedStatement[] = [];
  const db = drizzle(pool, { schema, logger: { logQuery: (sql, params) => void captured.push({ sql, params }) } });
  await query.run(db as unknown as Db, sample);
  const statements = captured.filter((c) => !isContext(c) && !isTransactionControl(c));
  if (statements.length !== 1)
    throw new Error(`${query.name} sent ${statements.length} statements besides its context; the plan check expects one`);
  return { statement: statements[0]!, context: captured.find(isContext) };
}

/**
 * The plan of a hot query's statement as the login of `pool` runs it outside
 * any request context (the admin login: no policy applies), every node root first.
 */
export async function explainHotQuery(pool: pg.Pool, query: HotQuery, sample: Sample): Promise<PlanNode[]> {
  const { statement } = await captureHotQuery(pool, query, sample);
  const { rows } = await pool.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (FORMAT JSON) ${statement.sql}`, statement.params);
  return planNodes(rows[0]!['QUERY PLAN'][0].Plan);
}

/**
 * A plan's shape: node types and the index each reads, depth first, leaving
 * out what row-level security adds without changing the plan (the
 * `current_rider_id()` InitPlan and the Result node that filters on it).
 * Equal shapes as the owner and under row-level security mean the policies
 * changed no access path.
 */
export function planShape(root: PlanNode): string {
  if (root['Parent Relationship'] === 'InitPlan') return '';
  const children = (root.Plans ?? []).map(planShape).filter(Boolean);
  if (root['Node Type'] === 'Result' && children.length === 1) return children[0]!;
  const self = root['Index Name'] ? `${root['Node Type']} (${root['Index Name']})` : root['Node Type'];
  return children.length ? `${self} > [${children.join(', ')}]` : self;
}

/** Every node of a plan, root first. */
function planNodes(root: PlanNode): PlanNode[] {
  const nodes: PlanNode[] = [];
  const walk = (node: PlanNode) => {
    nodes.push(node);
    for (const child of node.Plans ?? []) walk(child);
  };
  walk(root);
  return nodes;
}

/**
 * `explainHotQuery` under row-level security, on one connection of `pool` (a
 * skatehubba_app pool): for a rider's query, inside a transaction that ran
 * the same context statement the function sends (role and claims set), so
 * the plan carries the policies' quals and the `current_rider_id()`
 * InitPlan; a public one on the login as it is (its session default is
 * `anonymous`). `options` go into EXPLAIN's parentheses.
 */
export async function explainHotQueryAsApp(
  pool: pg.Pool,
  query: HotQuery,
  sample: Sample,
  options = 'FORMAT JSON',
): Promise<{ nodes: PlanNode[]; text: string }> {
  const { statement, context } = await captureHotQuery(pool, query, sample);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    if (context) await client.query(context.sql, context.params);
    const { rows } = await client.query<Record<string, unknown>>(`EXPLAIN (${options}) ${statement.sql}`, statement.params);
    await client.query('ROLLBACK');
    if (!/FORMAT JSON/i.test(options)) return { nodes: [], text: rows.map((r) => r['QUERY PLAN']).join('\n') };
    const root = (rows[0]!['QUERY PLAN'] as [{ Plan: PlanNode }])[0].Plan;
    return { nodes: planNodes(root), text: JSON.stringify(root) };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
