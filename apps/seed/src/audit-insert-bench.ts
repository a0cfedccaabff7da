import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createDb, MIGRATIONS_FOLDER, migrateDb, type NodePgHandle } from '@skatehubba/db';
import { asRider } from '@skatehubba/schema-kit';
import { checkinWrites } from '@skatehubba/spots';
import type pg from 'pg';

/**
 * Audit insert cost before and after partitioning, in one run. Three fresh
 * databases on the same server, each migrated by the real migrations:
 *  - `plain`: up to 0006, the trail as it was (one table, bigint identity
 *    primary key, indexes on target and actor);
 *  - `plain + subject`: the same plus `subject_id` and its index, so the
 *    extra index's share of the cost is told apart from the partitioning's;
 *  - `partitioned`: every migration (monthly partitions and a default,
 *    primary key (id, created_at), indexes on target, actor and subject).
 * Each trail is first filled with as many rows as the profile's seed writes
 * (index depth and cache misses as at that size), then, in rotating order
 * round by round so noise on a shared machine hits all alike:
 *  - single-row: a plpgsql loop of one INSERT per row, as the audit trigger
 *    writes (no client round trip: the insert's own cost);
 *  - batched: INSERT ... SELECT of 1,000 rows per statement;
 *  - end to end: a rider's check-in through asRider() and checkinWrites, one
 *    transaction each, the audit trigger of that migration writing the row
 *    (plain and partitioned only: the middle variant has no trigger filling
 *    subject_id).
 * Rows written are the same values on every side (staged in each database
 * from the same deterministic expressions), as the trail's owner role.
 */

export const AUDIT_VARIANTS = ['plain', 'plain + subject', 'partitioned'] as const;
export type AuditVariant = (typeof AUDIT_VARIANTS)[number];

export interface AuditInsertOptions {
  /** Rows the trail holds before measuring (the profile's seeded trail). */
  preload: number;
  rounds: number;
  singleRows: number;
  batchRows: number;
  checkins: number;
  log: (line: string) => void;
}

export interface AuditInsertResult {
  preload: number;
  rounds: number;
  partitions: number;
  /** maintain_audit_logs() moving the preloaded months out of the default partition: ms and rows. */
  maintenance: { ms: number; moved_rows: number } | null;
  /** rows/s per variant and way. */
  single: Record<AuditVariant, number>;
  batched: Record<AuditVariant, number>;
  checkins: Record<'plain' | 'partitioned', { per_s: number; mean_ms: number }>;
}

const BATCH = 1_000;
/** The preloaded trail's span: 12 months, inside the 13-month retention. */
const PRELOAD_DAYS = 365;
/** Riders x spots for the end-to-end check-ins: each (rider, spot) at most once per 10-minute window. */
const RIDERS = 128;
const SPOTS = 64;

interface Journal {
  entries: { idx: number; tag: string }[];
}

/** A copy of the migrations folder whose journal stops at the migration whose tag starts with `prefix`. */
async function migrationsUpTo(prefix: string): Promise<{ folder: string; cleanup: () => Promise<void> }> {
  const journal = JSON.parse(await readFile(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as Journal;
  const last = journal.entries.findIndex((e) => e.tag.startsWith(prefix));
  if (last < 0) throw new Error(`no migration tagged ${prefix}* in the journal`);
  const folder = await mkdtemp(join(tmpdir(), `skatehubba-bench-${prefix}-`));
  await cp(MIGRATIONS_FOLDER, folder, { recursive: true });
  await writeFile(join(folder, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries: journal.entries.slice(0, last + 1) }));
  return { folder, cleanup: () => rm(folder, { recursive: true, force: true }) };
}

/**
 * The row values, as SQL over `g` (1..n): a check-in's insert row as the
 * trigger writes it (about 400 bytes of jsonb), its rider as actor and
 * subject, drawn from 100k riders so index inserts land all over the tree.
 */
const rowExpressions = `
  md5('actor' || (g % 100000))::uuid AS actor_id,
  'insert'::text AS action,
  'checkins'::text AS target_table,
  md5('target' || g)::uuid::text AS target_id,
  jsonb_build_object(
    'id', md5('target' || g)::uuid, 'user_id', md5('actor' || (g % 100000))::uuid, 'spot_id', md5('spot' || (g % 20000))::uuid,
    'trick', 'kickflip', 'trick_status', 'landed', 'stance', 'regular', 'note', '[redacted]',
    'media_url', CASE WHEN g % 5 = 0 THEN 'https://media.skatehubba.test/checkins/' || g || '.mp4?X-Amz-Expires=604800&X-Amz-Signature=' || md5(g::text) || md5((g + 1)::text) END,
    'archived_at', NULL, 'created_at', now(), 'updated_at', now()) AS changes`;

const WARM_CHECKINS = 10;

const trailRows = async (side: { handle: NodePgHandle }) =>
  (await side.handle.client.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_logs')).rows[0]!.n;

interface Side {
  variant: AuditVariant;
  database: string;
  handle: NodePgHandle;
  hasSubject: boolean;
  /** Next staged row to insert. */
  cursor: number;
  checkinsDone: number;
  /** Trail rows before the timed blocks. */
  baseline: number;
  riders: string[];
  spots: string[];
}

export async function measureAuditInserts(
  admin: pg.Client,
  urlFor: (database: string) => string,
  options: AuditInsertOptions,
): Promise<AuditInsertResult> {
  const { log } = options;
  const suffix = `${process.pid}_${Date.now().toString(36)}`;
  const before = await migrationsUpTo('0006');
  const sides: Side[] = [];
  let maintenance: AuditInsertResult['maintenance'] = null;
  const perSide = (options.rounds + 1) * options.singleRows + options.rounds * options.batchRows;
  try {
    for (const variant of AUDIT_VARIANTS) {
      const database = `skatehubba_bench_audit_${variant === 'plain' ? 'plain' : variant === 'partitioned' ? 'part' : 'subject'}_${suffix}`;
      await admin.query(`CREATE DATABASE ${database}`);
      const handle = (await createDb({ driver: 'node-postgres', url: urlFor(database), max: 2 })) as NodePgHandle;
      sides.push({ variant, database, handle, hasSubject: false, cursor: 0, checkinsDone: 0, baseline: 0, riders: [], spots: [] });
      await migrateDb(handle, variant === 'partitioned' ? MIGRATIONS_FOLDER : before.folder);
      const q = (text: string, params?: unknown[]) => handle.client.query(text, params);
      if (variant === 'plain + subject') {
        await q('ALTER TABLE audit_logs ADD COLUMN subject_id uuid');
        await q('CREATE INDEX audit_logs_subject_id_idx ON audit_logs (subject_id, id)');
      }
      const side = sides.at(-1)!;
      const { rows: cols } = await q(
        "SELECT count(*)::int AS n FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'audit_logs' AND column_name = 'subject_id'",
      );
      side.hasSubject = cols[0].n === 1;
      const { rows: kind } = await q("SELECT relkind FROM pg_class WHERE oid = 'public.audit_logs'::regclass");
      if (variant === 'partitioned' && kind[0].relkind !== 'p') {
        log(
          `  warning: audit_logs is not partitioned at the latest migration (relkind ${kind[0].relkind}): the 'partitioned' figures are an unpartitioned trail's`,
        );
      }
      const columns = `actor_id, ${side.hasSubject ? 'subject_id, ' : ''}action, target_table, target_id, changes`;
      const values = `r.actor_id, ${side.hasSubject ? 'r.actor_id, ' : ''}r.action, r.target_table, r.target_id, r.changes`;
      log(`  ${variant}: migrated; filling the trail with ${options.preload.toLocaleString('en-US')} rows over the last 12 months`);
      // Filled oldest first, 100k rows per statement, not timed: ids follow
      // time, as in a live trail, and created_at spans 12 months (inside
      // the 13-month retention, so maintenance retires nothing).
      const step = (PRELOAD_DAYS * 86_400) / Math.max(1, options.preload);
      for (let hi = options.preload; hi >= 1; hi -= 100_000) {
        const lo = Math.max(1, hi - 99_999);
        await q(
          `INSERT INTO audit_logs (${columns}, created_at)
           SELECT ${values}, r.at FROM (SELECT ${rowExpressions}, now() - (-g * ${step}) * interval '1 second' AS at
                                         FROM generate_series(${-hi}, ${-lo}) g) r`,
        );
      }
      if (variant === 'partitioned') {
        // The months before the migration have no partition yet: the rows
        // landed in the default one, and maintenance moves them to their
        // months, as production's first scheduled run would.
        const { rows: fn } = await q("SELECT to_regprocedure('maintain_audit_logs()') IS NOT NULL AS present");
        if (fn[0].present) {
          const start = performance.now();
          const { rows: done } = await q(
            'SELECT action, count(*)::int AS partitions, sum(rows)::bigint AS rows FROM maintain_audit_logs() GROUP BY action',
          );
          const moved = done.find((d: { action: string }) => d.action === 'moved');
          maintenance = { ms: performance.now() - start, moved_rows: moved ? Number(moved.rows) : 0 };
          log(
            `  partitioned: maintain_audit_logs() in ${((performance.now() - start) / 1000).toFixed(1)} s: ${done.map((d: { action: string; partitions: number; rows: string }) => `${d.action} ${d.partitions} (${Number(d.rows).toLocaleString('en-US')} rows)`).join(', ')}`,
          );
        } else log('  warning: no maintain_audit_logs(): the preloaded rows stay where they landed');
      }
      // The staged rows the timed blocks insert, the same on every side.
      await q(`CREATE UNLOGGED TABLE bench_audit_rows AS SELECT g AS k, ${rowExpressions} FROM generate_series(1, ${perSide}) g`);
      await q('CREATE UNIQUE INDEX ON bench_audit_rows (k)');
      await q('GRANT SELECT ON bench_audit_rows TO skatehubba_owner');
      // One INSERT per row from plpgsql, as audit_row_change() appends.
      await q(`CREATE FUNCTION bench_audit_single(p_from bigint, p_to bigint) RETURNS void LANGUAGE plpgsql AS $$
        DECLARE r record;
        BEGIN
          FOR r IN SELECT * FROM bench_audit_rows WHERE k BETWEEN p_from AND p_to ORDER BY k LOOP
            INSERT INTO audit_logs (${columns}) VALUES (${values});
          END LOOP;
        END $$`);
      await q('GRANT EXECUTE ON FUNCTION bench_audit_single(bigint, bigint) TO skatehubba_owner');
      // Riders and spots for the end-to-end check-ins.
      if (variant !== 'plain + subject') {
        for (let i = 0; i < RIDERS; i++) {
          const id = randomUUID();
          await q(`INSERT INTO users (id, handle, email, display_name) VALUES ($1, $2, $3, 'Bench rider')`, [
            id,
            `bench_${i}_${id.slice(0, 8)}`,
            `bench_${i}_${id.slice(0, 8)}@example.com`,
          ]);
          side.riders.push(id);
        }
        const { rows } = await q(
          `INSERT INTO spots (name, latitude, longitude) SELECT 'Bench spot ' || g, 40 + g / 1000.0, -3 - g / 1000.0 FROM generate_series(1, ${SPOTS}) g RETURNING id`,
        );
        side.spots = rows.map((r: { id: string }) => r.id);
      }
      await q('VACUUM ANALYZE');
      side.baseline = await trailRows(side);
    }
    const { rows: parts } = await sides[2]!.handle.client.query(
      "SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = 'public.audit_logs'::regclass",
    );

    // As the trail's owner, whose policies apply (FORCE ROW LEVEL SECURITY), as in the trigger.
    const asOwner = async (side: Side, fn: (c: pg.PoolClient) => Promise<void>) => {
      const c = await side.handle.client.connect();
      try {
        await c.query('BEGIN');
        await c.query('SET LOCAL ROLE skatehubba_owner');
        const start = performance.now();
        await fn(c);
        await c.query('COMMIT');
        return performance.now() - start;
      } catch (error) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        c.release();
      }
    };
    const single = async (side: Side) => {
      const from = side.cursor + 1;
      side.cursor += options.singleRows;
      return asOwner(side, async (c) => {
        await c.query('SELECT bench_audit_single($1, $2)', [from, side.cursor]);
      });
    };
    const batched = async (side: Side) => {
      const first = side.cursor + 1;
      side.cursor += options.batchRows;
      const columns = `actor_id, ${side.hasSubject ? 'subject_id, ' : ''}action, target_table, target_id, changes`;
      const values = `actor_id, ${side.hasSubject ? 'actor_id, ' : ''}action, target_table, target_id, changes`;
      return asOwner(side, async (c) => {
        for (let from = first; from <= side.cursor; from += BATCH) {
          await c.query(`INSERT INTO audit_logs (${columns}) SELECT ${values} FROM bench_audit_rows WHERE k BETWEEN $1 AND $2`, [
            from,
            Math.min(side.cursor, from + BATCH - 1),
          ]);
        }
      });
    };
    const checkin = async (side: Side, count = options.checkins) => {
      const start = performance.now();
      for (let n = 0; n < count; n++) {
        const m = side.checkinsDone++;
        const rider = side.riders[Math.floor(m / SPOTS) % RIDERS]!;
        await asRider(side.handle.db, rider, (tx) =>
          tx.insert(checkinWrites).values({
            user_id: rider,
            spot_id: side.spots[m % SPOTS]!,
            trick: 'kickflip',
            trick_status: 'landed',
            stance: 'regular',
            note: `bench note ${m}`,
          }),
        );
      }
      return performance.now() - start;
    };
    if (options.rounds * options.checkins + WARM_CHECKINS > RIDERS * SPOTS) {
      throw new Error(`${options.rounds} x ${options.checkins} check-ins exceed ${RIDERS * SPOTS} (rider, spot) pairs per 10 minutes`);
    }

    const spent = {
      single: Object.fromEntries(AUDIT_VARIANTS.map((v) => [v, 0])) as Record<AuditVariant, number>,
      batched: Object.fromEntries(AUDIT_VARIANTS.map((v) => [v, 0])) as Record<AuditVariant, number>,
      checkins: { plain: 0, partitioned: 0 },
    };
    // Warm-up, not counted: a single-row block each (the plpgsql plan
    // cache, first touches of the current partition) and a few check-ins.
    for (const side of sides) {
      await single(side);
      if (side.riders.length) await checkin(side, WARM_CHECKINS);
    }
    log(
      `  ${options.rounds} rounds: ${options.singleRows.toLocaleString('en-US')} single-row inserts, ${options.batchRows.toLocaleString('en-US')} batched rows and ${options.checkins} check-ins per side, rotating order`,
    );
    for (let round = 0; round < options.rounds; round++) {
      for (let s = 0; s < sides.length; s++) {
        const side = sides[(s + round) % sides.length]!;
        spent.single[side.variant] += await single(side);
      }
      for (let s = 0; s < sides.length; s++) {
        const side = sides[(s + round + 1) % sides.length]!;
        spent.batched[side.variant] += await batched(side);
      }
      const e2e = [sides[0]!, sides[2]!];
      for (let s = 0; s < e2e.length; s++) {
        const side = e2e[(s + round) % e2e.length]!;
        spent.checkins[side.variant as 'plain' | 'partitioned'] += await checkin(side);
      }
      log(`  round ${round + 1}/${options.rounds}`);
    }
    // Every staged row landed: the blocks measured real inserts.
    for (const side of sides) {
      const expected = side.baseline + perSide + (side.riders.length ? options.rounds * options.checkins + WARM_CHECKINS : 0);
      const n = await trailRows(side);
      if (n !== expected) throw new Error(`${side.variant}: audit_logs holds ${n} rows, expected ${expected}`);
    }
    const rate = (rows: number, ms: number) => Math.round(rows / (ms / 1000));
    const perVariant = (what: 'single' | 'batched', rows: number) =>
      Object.fromEntries(AUDIT_VARIANTS.map((v) => [v, rate(rows, spent[what][v])])) as Record<AuditVariant, number>;
    const writes = options.rounds * options.checkins;
    return {
      preload: options.preload,
      rounds: options.rounds,
      partitions: parts[0].n,
      maintenance,
      single: perVariant('single', options.rounds * options.singleRows),
      batched: perVariant('batched', options.rounds * options.batchRows),
      checkins: {
        plain: { per_s: rate(writes, spent.checkins.plain), mean_ms: spent.checkins.plain / writes },
        partitioned: { per_s: rate(writes, spent.checkins.partitioned), mean_ms: spent.checkins.partitioned / writes },
      },
    };
  } finally {
    for (const side of sides) {
      await side.handle.close();
      await admin.query(`DROP DATABASE IF EXISTS ${side.database} WITH (FORCE)`);
    }
    await before.cleanup();
  }
}

/** The markdown table: rows/s per variant and the ratios to plain. */
export function auditInsertTable(r: AuditInsertResult): string {
  const fmt = (n: number) => n.toLocaleString('en-US');
  const ratio = (a: number, b: number) => (a / b).toFixed(2);
  const lines = [
    `Trail filled with ${fmt(r.preload)} rows first; ${r.rounds} rounds, rotating order; partitioned: ${r.partitions} partitions (default included).` +
      (r.maintenance
        ? ` maintain_audit_logs() moved ${fmt(r.maintenance.moved_rows)} rows out of the default partition in ${(r.maintenance.ms / 1000).toFixed(1)} s (audit_logs held exclusively meanwhile).`
        : ''),
    '',
    '| way | plain rows/s | plain + subject rows/s | partitioned rows/s | partitioned / plain | partitioned / plain + subject |',
    '|---|---:|---:|---:|---:|---:|',
  ];
  for (const [label, x] of [
    ['single-row (one INSERT per row, as the trigger)', r.single],
    [`batched (${fmt(BATCH)} rows per INSERT)`, r.batched],
  ] as const) {
    lines.push(
      `| ${label} | ${fmt(x.plain)} | ${fmt(x['plain + subject'])} | ${fmt(x.partitioned)} | **${ratio(x.partitioned, x.plain)}** | ${ratio(x.partitioned, x['plain + subject'])} |`,
    );
  }
  const c = r.checkins;
  lines.push(
    `| check-in through asRider(), one transaction each (end to end) | ${fmt(c.plain.per_s)} (${c.plain.mean_ms.toFixed(2)} ms) | - | ${fmt(c.partitioned.per_s)} (${c.partitioned.mean_ms.toFixed(2)} ms) | **${ratio(c.partitioned.per_s, c.plain.per_s)}** | - |`,
  );
  return lines.join('\n');
}
