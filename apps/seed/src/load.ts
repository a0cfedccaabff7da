import { pgErrorFields } from '@skatehubba/schema-kit';
import { SEED_TABLES, TABLE_SPECS, type Row, type SeedGenerator, type SeedTable } from './generate';
import { ProgressBar, type StageTiming } from './progress';

/** The little a loader needs from a connection: node-postgres Client and PGlite both fit. */
export interface SqlRunner {
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

/**
 * Rows per INSERT. Each statement sends one array per column
 * (`INSERT ... SELECT * FROM unnest($1::uuid[], ...)`), so the parameter count
 * stays at the column count whatever the batch size; 5,000 rows keeps each
 * statement around 1-2 MB and the round trips to ~200 for 1M check-ins.
 */
export const BATCH_ROWS = 5_000;

export class SeedError extends Error {
  constructor(
    readonly table: string,
    readonly rule: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'SeedError';
  }
}

const ENUM_TYPES = new Set(['stance', 'trick_status', 'achievement_tier', 'achievement_metric']);

/** The positions of a table's spec columns the load writes: all of them, or those `present` holds. */
function writtenColumns(table: SeedTable, present?: ReadonlySet<string>): number[] {
  return TABLE_SPECS[table].columns.flatMap(([column], i) => (present === undefined || present.has(`${table}.${column}`) ? [i] : []));
}

function insertStatement(table: SeedTable, written: number[]): string {
  const spec = TABLE_SPECS[table];
  const cols = written.map((i) => `"${spec.columns[i]![0]}"`).join(', ');
  // Enum arrays travel as text[]: drivers know how to encode text[], not a
  // user-defined enum's array type (PGlite refuses it).
  const arrays = written
    .map((i, p) => {
      const type = spec.columns[i]![1];
      return ENUM_TYPES.has(type) ? `$${p + 1}::text[]::${type}[]` : `$${p + 1}::${type}[]`;
    })
    .join(', ');
  return `INSERT INTO "${spec.table}" (${cols}) SELECT * FROM unnest(${arrays})`;
}

async function insertBatch(db: SqlRunner, table: SeedTable, text: string, written: number[], rows: Row[]) {
  const columns: unknown[][] = written.map(() => new Array(rows.length));
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    for (let c = 0; c < written.length; c++) columns[c]![r] = row[written[c]!];
  }
  try {
    await db.query(text, columns);
  } catch (error) {
    const e = pgErrorFields(error);
    // A lost connection is not a refused row: it keeps its own error (and message).
    if (!e || /^(08|57)/.test(e.code)) throw error;
    const rule = e.constraint;
    throw new SeedError(
      table,
      rule,
      `seeding ${table} failed${rule ? `: ${rule} refused a row` : ''}: ${e.message}${e.detail ? ` (${e.detail})` : ''}`,
    );
  }
}

/**
 * Tables whose statistics the check-in triggers' plans depend on. A bulk load
 * into empty tables inside one transaction has no statistics until it ends,
 * and the triggers' statements, planned once per session while the tables
 * were empty, would read checkins and rider_metrics by sequential scan on
 * every batch: medium took 139 s for its check-ins that way (5,000 rows in
 * 3.8 s at first, 50 s a batch-quarter later). ANALYZE inside the load
 * (allowed in a transaction) replans them on an index.
 */
const ANALYZED_WITH_CHECKINS = [
  'checkins',
  'rider_metrics',
  'user_achievements',
  'notifications',
  'notification_inboxes',
  'leaderboard_entries',
  'spot_leaderboard_entries',
];

/** After which batches of a table the load re-analyzes it: geometric, so the cost stays a few percent. */
const analyzeAfter = (batch: number) => batch > 0 && (batch & (batch - 1)) === 0 && batch <= 256;

export interface LoadOptions {
  tables?: readonly SeedTable[];
  signal?: AbortSignal;
  /**
   * For a database at an earlier step of the journal (the upgrade test):
   * write only the columns it has, and analyze only the tables it has. The
   * seed itself never sets it: after the migrations a missing column is a bug
   * and must fail the load.
   */
  schemaAsFound?: boolean;
}

/** `table.column` for every column of the public schema. */
async function presentColumns(db: SqlRunner): Promise<Set<string>> {
  const { rows } = await db.query<{ name: string }>(
    "SELECT table_name || '.' || column_name AS name FROM information_schema.columns WHERE table_schema = 'public'",
  );
  return new Set(rows.map((r) => r.name));
}

/**
 * Loads every table in dependency order inside the caller's transaction,
 * with a progress bar per table. Returns per-table timings.
 */
export async function loadTables(
  db: SqlRunner,
  generator: SeedGenerator,
  { tables = SEED_TABLES, signal, schemaAsFound }: LoadOptions = {},
) {
  const present = schemaAsFound ? await presentColumns(db) : undefined;
  const analyzedWithCheckins = ANALYZED_WITH_CHECKINS.filter((t) => present === undefined || present.has(`${t}.user_id`));
  const timings: StageTiming[] = [];
  for (const table of tables) {
    signal?.throwIfAborted();
    const bar = new ProgressBar(table, generator.expectedRows(table));
    const written = writtenColumns(table, present);
    const text = insertStatement(table, written);
    let batch: Row[] = [];
    let done = 0;
    // One batch in flight while the next is generated: a server answers
    // asynchronously, so the client's share of a batch (the rows and their
    // encoding into arrays) overlaps the server's, with still one statement
    // at a time on the connection.
    let inFlight: Promise<number> | undefined;
    const settle = async () => {
      if (!inFlight) return;
      done += await inFlight;
      inFlight = undefined;
      bar.update(done);
      if (table === 'checkins' && done % BATCH_ROWS === 0 && analyzeAfter(done / BATCH_ROWS))
        await db.query(`ANALYZE ${analyzedWithCheckins.join(', ')}`);
    };
    const send = (rows: Row[]) => {
      inFlight = insertBatch(db, table, text, written, rows).then(() => rows.length);
      // Awaited at the next settle(); until then a refusal must not count as unhandled.
      inFlight.catch(() => undefined);
    };
    try {
      for (const row of generator.rows(table)) {
        batch.push(row);
        if (batch.length === BATCH_ROWS) {
          // PGlite answers without a turn of the event loop, so a Ctrl-C would
          // wait for the whole load: yield once per batch (about 1 s of work).
          if (signal) await new Promise((resolve) => setImmediate(resolve));
          signal?.throwIfAborted();
          await settle();
          send(batch);
          batch = [];
        }
      }
      await settle();
      if (batch.length) {
        send(batch);
        await settle();
      }
    } finally {
      // An abort or a generator error leaves no statement running behind the caller's rollback.
      await inFlight?.catch(() => undefined);
    }
    // The parents' statistics, before the children's triggers plan their lookups on them.
    if (table !== 'checkins') await db.query(`ANALYZE ${TABLE_SPECS[table].table}`);
    timings.push({ stage: table, rows: done, ms: bar.finish(done) });
  }
  return timings;
}
