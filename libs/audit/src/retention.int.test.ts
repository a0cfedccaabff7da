import { randomUUID } from 'node:crypto';
import { describe, expect, inject } from 'vitest';
import { asRider, pgErrorFields } from '@skatehubba/schema-kit';
import { asAppRider, databaseTest, expectRefused, hasSessions, type TestDatabase } from '@skatehubba/testing';
import { auditLogs } from './audit-logs';
import {
  AUDIT_DEFAULT_PARTITION,
  AUDIT_PARTITION_SCHEMA,
  AUDIT_PARTITIONS_AHEAD,
  AUDIT_RETENTION_MONTHS,
  auditPartitions,
  maintainAuditLogs,
  type AuditMaintenanceStep,
} from './retention';

// Integration: the audit trail is partitioned by month (created_at), and
// maintain_audit_logs() keeps the partitions: it moves what landed in the
// default partition into its month, creates this month and the next 3, and
// retires (detaches and drops) the months past retention, never deleting a
// row of a month it keeps. Old rows are written here as the admin with an
// explicit created_at, which no app role may set, to stand in for months of
// history.
const engine = inject('engine');
const schema = { auditLogs };
const it = databaseTest(schema);
type T = TestDatabase<typeof schema>;

/** audit_logs_YYYY_MM of the month `offset` months from `now`, in UTC (the partitions' months). */
const monthPartition = (now: Date, offset: number) => {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
  return `audit_logs_${d.getUTCFullYear()}_${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
};

const dbNow = async (t: T) => new Date((await t.query<{ now: string }>('SELECT now()::text AS now'))[0]!.now);

const partitionNames = async (t: T) => (await auditPartitions(t.db)).map((p) => p.name);

/** Which partition holds each audit row (by id); the partition name without its schema. */
const homes = async (t: T, ids: number[]) =>
  Object.fromEntries(
    (
      await t.query<{ id: string; home: string }>(
        `SELECT id::text, c.relname AS home FROM audit_logs a JOIN pg_class c ON c.oid = a.tableoid WHERE a.id = ANY('{${ids.join(',')}}'::bigint[])`,
      )
    ).map((r) => [Number(r.id), r.home]),
  );

/** Writes audit rows as the admin, `months` before now (negative: after), tagged with `probe` in changes. */
async function writeOld(t: T, probe: string, months: number[], perMonth = 1) {
  for (const m of months) {
    for (let i = 0; i < perMonth; i++) {
      await t.query(
        `INSERT INTO audit_logs (action, target_table, target_id, changes, created_at)
         VALUES ('insert', 'users', '${randomUUID()}', '{"probe": "${probe}", "months": ${m}, "i": ${i}}', now() - interval '${m} months')`,
      );
    }
  }
}

interface Row {
  id: number;
  created_at: string;
  changes: { probe: string; months: number; i: number };
  action: string;
  target_id: string;
}
/** Every row of one probe, in trail (id) order, with created_at as Postgres prints it (microseconds). */
const probeRows = async (t: T, probe: string) =>
  (
    await t.query<Row & { id: string }>(
      `SELECT id::text, created_at::text, changes, action, target_id FROM audit_logs WHERE changes->>'probe' = '${probe}' ORDER BY id`,
    )
  ).map((r) => ({ ...r, id: Number(r.id) }));

/** The audit rows the maintenance wrote about partitions since `afterId`. */
const maintenanceTrail = async (t: T, afterId: number) =>
  t.query<{ action: string; target_id: string }>(
    `SELECT action, target_id FROM audit_logs WHERE target_table = 'audit_logs' AND id > ${afterId} ORDER BY action, target_id`,
  );

/** The audit rows a run's steps must have written, in maintenanceTrail()'s order. */
const expectedTrail = (steps: AuditMaintenanceStep[]) =>
  steps
    .map((s) => ({ action: RECORDED_AS[s.action], target_id: s.partition }))
    .sort((a, b) => a.action.localeCompare(b.action) || a.target_id.localeCompare(b.target_id));

const maxId = async (t: T) => Number((await t.query<{ n: string }>('SELECT coalesce(max(id), 0)::text AS n FROM audit_logs'))[0]!.n);

const byAction = (steps: AuditMaintenanceStep[], action: AuditMaintenanceStep['action']) =>
  steps
    .filter((s) => s.action === action)
    .map((s) => ({ partition: s.partition, rows: s.rows }))
    .sort((a, b) => a.partition.localeCompare(b.partition));

/** The audit action each maintenance action is recorded as. */
const RECORDED_AS = { created: 'insert', moved: 'update', retired: 'delete' } as const;

describe('audit_logs partitions', () => {
  it('after the migrations: one partition for this month and each of the next 3, and a default, in audit_partitions', async ({ t }) => {
    const now = await dbNow(t);
    const months = Array.from({ length: AUDIT_PARTITIONS_AHEAD + 1 }, (_, k) => monthPartition(now, k));
    const partitions = await auditPartitions(t.db);
    expect(partitions.map((p) => p.name)).toEqual([...months, AUDIT_DEFAULT_PARTITION]);
    expect(new Set(partitions.map((p) => p.schema))).toEqual(new Set([AUDIT_PARTITION_SCHEMA]));
    expect(partitions.at(-1)!.bound).toBe('DEFAULT');
    expect(AUDIT_RETENTION_MONTHS).toBe(13);
    expect(await t.query('SELECT audit_retention_months() AS months, audit_partitions_ahead() AS ahead')).toEqual([
      { months: AUDIT_RETENTION_MONTHS, ahead: AUDIT_PARTITIONS_AHEAD },
    ]);

    // A change now is audited into this month's partition, through the parent.
    const id = randomUUID();
    await t.query(
      `INSERT INTO achievements (id, slug, name, description, tier, metric, goal) VALUES ('${id}', 'p-${id}', 'P', '', 'gold', 'manual', 1)`,
    );
    const [row] = await t.query<{ id: string }>(`SELECT id::text FROM audit_logs WHERE target_id = '${id}'`);
    expect(Object.values(await homes(t, [Number(row!.id)]))).toEqual([months[0]]);
  });

  it('maintenance with nothing to do does nothing, twice', async ({ t }) => {
    const before = await partitionNames(t);
    const last = await maxId(t);
    expect(await maintainAuditLogs(t.db)).toEqual([]);
    expect(await maintainAuditLogs(t.db)).toEqual([]);
    expect(await partitionNames(t)).toEqual(before);
    expect(await maintenanceTrail(t, last)).toEqual([]);
  });

  it('a write with no partition to land in goes to the default; maintenance moves it into its month, same id and content', async ({
    t,
  }) => {
    const now = await dbNow(t);
    const probe = `landing-${randomUUID()}`;
    // 2 months ago and 5 months ahead: neither month has a partition (the migration made this month .. +3).
    await writeOld(t, probe, [2, -5], 2);
    const before = await probeRows(t, probe);
    expect(before).toHaveLength(4);
    expect(
      new Set(
        Object.values(
          await homes(
            t,
            before.map((r) => r.id),
          ),
        ),
      ),
    ).toEqual(new Set([AUDIT_DEFAULT_PARTITION]));

    const last = await maxId(t);
    const steps = await maintainAuditLogs(t.db);
    // The default is emptied in one move; the months it needed are created first.
    expect(byAction(steps, 'created')).toEqual([
      { partition: monthPartition(now, -2), rows: 0 },
      { partition: monthPartition(now, 5), rows: 0 },
    ]);
    expect(byAction(steps, 'moved')).toEqual([{ partition: AUDIT_DEFAULT_PARTITION, rows: 4 }]);
    expect(byAction(steps, 'retired')).toEqual([]);
    expect(await probeRows(t, probe)).toEqual(before);
    const after = await homes(
      t,
      before.map((r) => r.id),
    );
    expect(before.map((r) => after[r.id])).toEqual([
      monthPartition(now, -2),
      monthPartition(now, -2),
      monthPartition(now, 5),
      monthPartition(now, 5),
    ]);
    expect(await t.query(`SELECT count(*)::int AS n FROM ${AUDIT_PARTITION_SCHEMA}.${AUDIT_DEFAULT_PARTITION}`)).toEqual([{ n: 0 }]);
    // One audit row per action, naming the partition.
    expect(await maintenanceTrail(t, last)).toEqual(expectedTrail(steps));
    expect(await maintainAuditLogs(t.db)).toEqual([]);
  });

  it(`retires exactly the months past ${AUDIT_RETENTION_MONTHS}, whole, and keeps every row of the others in order`, async ({ t }) => {
    const now = await dbNow(t);
    const probe = `retention-${randomUUID()}`;
    // A month's partition goes once its upper bound is 13 months past: a row
    // 14 months old is in such a month, one 13 months old is not (its month
    // ends less than 13 months ago), whatever the day of the month.
    const ages = [36, 24, 15, 14, 13, 12, 6];
    const expired = ages.filter((m) => m > AUDIT_RETENTION_MONTHS);
    await writeOld(t, probe, ages, 3);
    const before = await probeRows(t, probe);
    expect(before).toHaveLength(ages.length * 3);
    const total = async () => (await t.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_logs'))[0]!.n;
    const totalBefore = await total();

    const last = await maxId(t);
    const steps = await maintainAuditLogs(t.db);
    const partitionOf = (months: number) => monthPartition(now, -months);
    expect(byAction(steps, 'created')).toEqual(
      ages.map((m) => ({ partition: partitionOf(m), rows: 0 })).sort((a, b) => a.partition.localeCompare(b.partition)),
    );
    expect(byAction(steps, 'moved')).toEqual([{ partition: AUDIT_DEFAULT_PARTITION, rows: ages.length * 3 }]);
    expect(byAction(steps, 'retired')).toEqual(
      expired.map((m) => ({ partition: partitionOf(m), rows: 3 })).sort((a, b) => a.partition.localeCompare(b.partition)),
    );

    // The kept months' rows: same ids, same order, same content and created_at.
    const after = await probeRows(t, probe);
    expect(after).toEqual(before.filter((r) => r.changes.months <= AUDIT_RETENTION_MONTHS));
    // Nothing else was lost: the trail shrank by the retired rows and grew by the maintenance's own audit rows.
    expect(await total()).toBe(totalBefore - expired.length * 3 + steps.length);
    expect(await maintenanceTrail(t, last)).toEqual(expectedTrail(steps));

    // No month left whose end is 13 months past; every kept month still there.
    const names = await partitionNames(t);
    for (const m of expired) expect(names).not.toContain(partitionOf(m));
    for (const m of ages.filter((a) => a <= AUDIT_RETENTION_MONTHS)) expect(names).toContain(partitionOf(m));
    expect(names.filter((n) => n !== AUDIT_DEFAULT_PARTITION && n < partitionOf(AUDIT_RETENTION_MONTHS))).toEqual([]);

    expect(await maintainAuditLogs(t.db)).toEqual([]);
  });

  it('after maintenance, UPDATE, DELETE and TRUNCATE stay refused on the parent and on every partition, and change nothing', async ({
    t,
  }) => {
    const probe = `append-only-${randomUUID()}`;
    // A row in every partition (row triggers fire only on rows): mid-month for a month, far ahead for the default.
    const names = await partitionNames(t);
    for (const [k, name] of names.entries()) {
      const month = /^audit_logs_(\d{4})_(\d{2})$/.exec(name);
      const at = month ? `'${month[1]}-${month[2]}-15T12:00:00Z'` : `now() + interval '30 months'`;
      await t.query(
        `INSERT INTO audit_logs (action, target_table, target_id, changes, created_at)
         VALUES ('insert', 'users', '${randomUUID()}', '{"probe": "${probe}", "months": 0, "i": ${k}}', ${at})`,
      );
    }
    const before = await probeRows(t, probe);
    const placed = await homes(
      t,
      before.map((r) => r.id),
    );
    expect(before.map((r) => placed[r.id])).toEqual(names);

    const tables = ['audit_logs', ...names.map((name) => `${AUDIT_PARTITION_SCHEMA}.${name}`)];
    expect(tables.length).toBeGreaterThan(AUDIT_PARTITIONS_AHEAD + 3);
    for (const table of tables) {
      const update = await expectRefused(t.query(`UPDATE ${table} SET action = 'delete'`), 'audit_logs_append_only_trg');
      expect(update.code, table).toBe('23001');
      await expectRefused(t.query(`DELETE FROM ${table}`), 'audit_logs_append_only_trg');
      const truncate = await t.query(`TRUNCATE ${table}`).then(
        () => undefined,
        (error: unknown) => pgErrorFields(error),
      );
      expect(truncate?.code, `TRUNCATE ${table} was not refused`).toBe('23001');
      expect(['audit_logs_append_only_trg', 'audit_logs_no_truncate_trg'], table).toContain(truncate?.constraint);
    }
    expect(await probeRows(t, probe)).toEqual(before);
  });
});

// Privilege rules: EXECUTE on maintain_audit_logs() belongs to the owner
// alone. A rider (asRider(), role authenticated) has none, on every engine;
// on a server the API's and support's real logins have none either.
describe('who may run maintenance', () => {
  const denied = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error, 'expected maintain_audit_logs() to be refused').toBeDefined();
    const fields = pgErrorFields(error);
    expect(fields?.code, String(error)).toBe('42501');
    // No EXECUTE at all: the refusal names the function, not its guard.
    expect(fields?.message).toMatch(/permission denied for function maintain_audit_logs/);
  };

  it.skipIf(!hasSessions())('a rider cannot: permission denied for the function', async ({ t }) => {
    const rider = randomUUID();
    await denied(asAppRider(t, rider, (db) => maintainAuditLogs(db)));
  });

  it.runIf(engine === 'postgres' || engine === 'neon-ws')(
    'the API’s and support’s logins cannot, with or without a rider',
    async ({ t }) => {
      for (const login of ['app', 'readonly'] as const) {
        const conn = await t.connect(login);
        try {
          await denied(conn.query('SELECT * FROM maintain_audit_logs()'));
        } finally {
          await conn.close();
        }
      }
      await denied(maintainAuditLogs(t.app));
    },
  );

  // Defence in depth: were EXECUTE granted by mistake, the function's own
  // guard still refuses every login that is not staff. The grant is made in
  // this file's own database only, and revoked after.
  it.runIf(engine === 'postgres' || engine === 'neon-ws')(
    'with EXECUTE granted to PUBLIC by mistake, its guard still refuses the API’s login (maintain_audit_logs_staff_guard)',
    async ({ t }) => {
      const before = await partitionNames(t);
      await t.query('GRANT EXECUTE ON FUNCTION maintain_audit_logs() TO PUBLIC');
      try {
        const guard = (await maintainAuditLogs(t.app).catch((e: unknown) => e)) as { rule?: string; constraint?: string };
        expect(guard).toMatchObject({ rule: 'maintenance_staff_only', constraint: 'maintain_audit_logs_staff_guard' });
        const asRiderGuard = (await asRider(t.app, randomUUID(), (tx) => maintainAuditLogs(tx)).catch((e: unknown) => e)) as {
          constraint?: string;
        };
        expect(asRiderGuard).toMatchObject({ constraint: 'maintain_audit_logs_staff_guard' });
      } finally {
        await t.query('REVOKE EXECUTE ON FUNCTION maintain_audit_logs() FROM PUBLIC');
      }
      expect(await partitionNames(t)).toEqual(before);
    },
  );
});

// A server with many connections: writers keep writing while maintenance
// detaches, moves and re-creates the default partition, and two maintenance
// runs start at once. Every committed write must have its audit row, and no
// caller may see an error (the advisory lock serialises the runs; the
// writers wait for the partition locks, they do not fail).
describe.runIf(engine === 'postgres')('maintenance while riders write (server)', () => {
  const WRITERS = 6;
  const WRITES = 25;

  it(`${WRITERS} writers x ${WRITES} audited writes, two maintenance runs at once and a third after: nothing lost, no error`, async ({
    t,
  }) => {
    const now = await dbNow(t);
    const probe = `race-${randomUUID()}`;
    // Rows for the default partition before the race (4 and 7 months from now have no partition yet).
    await writeOld(t, probe, [4, -7], 5);
    expect(
      new Set(
        Object.values(
          await homes(
            t,
            (await probeRows(t, probe)).map((r) => r.id),
          ),
        ),
      ),
      'the race starts with rows in the default partition',
    ).toEqual(new Set([AUDIT_DEFAULT_PARTITION]));

    const users: string[][] = Array.from({ length: WRITERS }, () => []);
    // When each write committed and each maintenance run started and ended (ms), to show they overlapped.
    const commits: number[] = [];
    const spans: [number, number][] = [];
    const writer = async (w: number) => {
      const conn = await t.connect();
      try {
        for (let i = 0; i < WRITES; i++) {
          await conn.query('BEGIN');
          // An audited change (the trigger writes this month's row) and a row for the default partition, in one transaction.
          const [user] = await conn.query<{ id: string }>(
            `INSERT INTO users (handle, email, display_name) VALUES ('race_${w}_${i}_${probe.slice(5, 13)}', 'race.${w}.${i}.${probe.slice(5, 13)}@example.test', 'Race') RETURNING id`,
          );
          await conn.query(
            `INSERT INTO audit_logs (action, target_table, target_id, changes, created_at)
             VALUES ('insert', 'users', '${user!.id}', '{"probe": "${probe}", "months": -7, "i": ${w * 1000 + i}}', now() + interval '7 months')`,
          );
          await conn.query('COMMIT');
          commits.push(performance.now());
          users[w]!.push(user!.id);
        }
      } finally {
        await conn.close();
      }
    };
    const maintenance = async (delayMs: number) => {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      const conn = await t.connect();
      try {
        const started = performance.now();
        const steps = await conn.query<AuditMaintenanceStep>(
          'SELECT action, "partition", "rows"::int AS "rows" FROM maintain_audit_logs()',
        );
        spans.push([started, performance.now()]);
        return steps;
      } finally {
        await conn.close();
      }
    };

    const results = await Promise.allSettled([
      ...Array.from({ length: WRITERS }, (_, w) => writer(w)),
      maintenance(50),
      maintenance(50),
      maintenance(400),
    ]);
    const errors = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => String(r.reason));
    expect(errors).toEqual([]);
    // The race was one: writes committed while a maintenance run was under way.
    expect(
      commits.some((at) => spans.some(([from, to]) => at > from && at < to)),
      'no write committed during a maintenance run',
    ).toBe(true);
    const runs = results.slice(WRITERS).map((r) => (r as PromiseFulfilledResult<AuditMaintenanceStep[]>).value);

    // Every committed user has exactly its insert audit row; every direct row is there once.
    const committed = users.flat();
    expect(committed).toHaveLength(WRITERS * WRITES);
    const [audited] = await t.query<{ n: number; distinct_targets: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT target_id)::int AS distinct_targets FROM audit_logs
        WHERE target_table = 'users' AND action = 'insert' AND changes ? 'handle' AND target_id = ANY('{${committed.join(',')}}'::text[])`,
    );
    expect(audited).toEqual({ n: WRITERS * WRITES, distinct_targets: WRITERS * WRITES });
    const rows = await probeRows(t, probe);
    expect(rows).toHaveLength(10 + WRITERS * WRITES);
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);

    // The runs were serialised: no partition was created twice.
    const created = runs.flat().filter((s) => s.action === 'created');
    expect(new Set(created.map((s) => s.partition)).size).toBe(created.length);
    expect(runs.flat().filter((s) => s.action === 'retired')).toEqual([]);
    expect(created.map((s) => s.partition)).toEqual(expect.arrayContaining([monthPartition(now, -4), monthPartition(now, 7)]));
    expect(runs.flat().filter((s) => s.action === 'moved').length).toBeGreaterThan(0);

    // A last run leaves the default partition empty and every row in its month.
    await maintainAuditLogs(t.db);
    expect(await t.query(`SELECT count(*)::int AS n FROM ${AUDIT_PARTITION_SCHEMA}.${AUDIT_DEFAULT_PARTITION}`)).toEqual([{ n: 0 }]);
    const homesAfter = await homes(
      t,
      rows.map((r) => r.id),
    );
    expect(new Set(Object.values(homesAfter))).toEqual(new Set([monthPartition(now, -4), monthPartition(now, 7)]));
    expect(await probeRows(t, probe)).toEqual(rows);
  });
});
