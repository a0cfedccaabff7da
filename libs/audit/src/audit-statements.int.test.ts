import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { databaseTest, hasSessions, type TestDatabase } from '@skatehubba/testing';
import { auditTrailByActor, withActor } from './actor';
import { AUDIT_REDACTED, auditLogs } from './audit-logs';

// Integration: the trail of statements that change many rows at once. The
// audit triggers run once per statement (0014) and pair each updated row's
// old and new image by position in the transition tables; these tests check
// every row of a multi-row INSERT, UPDATE (a key change included) and DELETE
// against the rows themselves, as the per-row trail wrote them.
const schema = { auditLogs };
const it = databaseTest(schema);

type Row = Record<string, unknown>;

/** What the trail must hold for an update from `before` to `after`: changed columns as [old, new], `redacted` masked. */
function updateSummary(before: Row, after: Row, redacted: string[]): Row {
  const summary: Row = {};
  for (const [key, value] of Object.entries(after)) {
    if (JSON.stringify(value) === JSON.stringify(before[key])) continue;
    summary[key] = redacted.includes(key) ? [AUDIT_REDACTED, AUDIT_REDACTED] : [before[key], value];
  }
  return summary;
}

const masked = (row: Row, redacted: string[]): Row =>
  Object.fromEntries(Object.entries(row).map(([k, v]) => [k, redacted.includes(k) ? AUDIT_REDACTED : v]));

interface TrailRow {
  action: string;
  target_id: string;
  subject_id: string | null;
  changes: Row;
  transaction_id: string;
}

const trailOfActor = async (t: TestDatabase<typeof schema>, actor: string, table: string): Promise<TrailRow[]> =>
  t.query<TrailRow>(
    `SELECT action, target_id, subject_id, changes, transaction_id::text AS transaction_id FROM audit_logs
      WHERE actor_id = '${actor}' AND target_table = '${table}' ORDER BY id`,
  );

const byTarget = <T extends { target_id: string }>(rows: T[]): T[] => [...rows].sort((a, b) => a.target_id.localeCompare(b.target_id));

/** A rider and two spots, one statement each. */
async function scene(t: TestDatabase<typeof schema>) {
  const rider = randomUUID();
  const spots = [randomUUID(), randomUUID()];
  const n = rider.slice(0, 8);
  await t.query(
    `INSERT INTO users (id, handle, email, display_name) VALUES ('${rider}', 'stmt_${n}', 'stmt.${n}@example.test', 'Stmt ${n}')`,
  );
  await t.query(
    `INSERT INTO spots (id, name, latitude, longitude) VALUES ('${spots[0]}', 'Statement plaza', 1, 2), ('${spots[1]}', 'Statement ledge', 3, 4)`,
  );
  return { rider, spots: spots as [string, string] };
}

const checkinRows = async (t: TestDatabase<typeof schema>, spot: string) =>
  Object.fromEntries(
    (await t.query<{ id: string; row: Row }>(`SELECT id::text AS id, to_jsonb(c) AS row FROM checkins c WHERE spot_id = '${spot}'`)).map(
      (r) => [r.id, r.row],
    ),
  );

// withActor() is an interactive transaction: not on neon-http (no sessions).
describe.skipIf(!hasSessions())('the trail of a statement that changes many rows', () => {
  it('writes one row per row of a multi-row INSERT, UPDATE and DELETE, as the rows were, in the writing transaction', async ({ t }) => {
    const { rider, spots } = await scene(t);
    const actor = randomUUID();
    await withActor(t.db, actor, (tx) =>
      tx.execute(
        sql.raw(`INSERT INTO checkins (id, user_id, spot_id, trick, trick_status, stance, note, created_at)
          SELECT gen_random_uuid(), '${rider}', '${spots[0]}', 'kickflip',
                 (CASE WHEN g % 2 = 0 THEN 'landed' ELSE 'bailed' END)::trick_status, 'goofy', 'note ' || g,
                 now() - g * interval '1 hour'
            FROM generate_series(1, 12) g`),
      ),
    );
    const inserted = await checkinRows(t, spots[0]);
    expect(Object.keys(inserted)).toHaveLength(12);
    const inserts = await trailOfActor(t, actor, 'checkins');
    expect(new Set(inserts.map((r) => r.transaction_id)).size).toBe(1);
    expect(byTarget(inserts).map(({ action, target_id, subject_id, changes }) => ({ action, target_id, subject_id, changes }))).toEqual(
      byTarget(
        Object.entries(inserted).map(([id, row]) => ({
          action: 'insert',
          target_id: id,
          subject_id: rider,
          changes: masked(row, ['note']),
        })),
      ),
    );

    const updater = randomUUID();
    await withActor(t.db, updater, (tx) =>
      tx.execute(
        sql.raw(`UPDATE checkins SET note = note || '!',
                        trick_status = (CASE WHEN trick_status = 'landed' THEN 'bailed' ELSE 'landed' END)::trick_status,
                        trick = CASE WHEN trick_status = 'landed' THEN 'heelflip' ELSE trick END
                  WHERE spot_id = '${spots[0]}'`),
      ),
    );
    const updated = await checkinRows(t, spots[0]);
    const updates = await trailOfActor(t, updater, 'checkins');
    expect(updates).toHaveLength(12);
    expect(byTarget(updates).map(({ action, target_id, subject_id, changes }) => ({ action, target_id, subject_id, changes }))).toEqual(
      byTarget(
        Object.entries(updated).map(([id, row]) => ({
          action: 'update',
          target_id: id,
          subject_id: rider,
          changes: updateSummary(inserted[id]!, row, ['note']),
        })),
      ),
    );
    // Every update changed the status, the note (masked) and updated_at.
    for (const u of updates) expect(Object.keys(u.changes)).toEqual(expect.arrayContaining(['note', 'trick_status', 'updated_at']));

    const deleter = randomUUID();
    await withActor(t.db, deleter, (tx) => tx.execute(sql.raw(`DELETE FROM checkins WHERE spot_id = '${spots[0]}'`)));
    const deletes = await trailOfActor(t, deleter, 'checkins');
    expect(byTarget(deletes).map(({ action, target_id, subject_id, changes }) => ({ action, target_id, subject_id, changes }))).toEqual(
      byTarget(
        Object.entries(updated).map(([id, row]) => ({
          action: 'delete',
          target_id: id,
          subject_id: rider,
          changes: masked(row, ['note']),
        })),
      ),
    );
  });

  it('names the new key of rows whose key an UPDATE changes, with the change as [old, new]', async ({ t }) => {
    const { spots } = await scene(t);
    const riders = Array.from({ length: 5 }, () => randomUUID());
    await t.query(
      `INSERT INTO users (id, handle, email, display_name)
       SELECT id, 'key_' || left(id::text, 8), 'key.' || left(id::text, 8) || '@example.test', 'Key'
         FROM unnest(ARRAY[${riders.map((r) => `'${r}'::uuid`).join(',')}]) id`,
    );
    await t.query(
      `INSERT INTO saved_spots (user_id, spot_id) SELECT id, '${spots[0]}' FROM unnest(ARRAY[${riders.map((r) => `'${r}'::uuid`).join(',')}]) id`,
    );
    const actor = randomUUID();
    await withActor(t.db, actor, (tx) =>
      tx.execute(sql.raw(`UPDATE saved_spots SET spot_id = '${spots[1]}' WHERE spot_id = '${spots[0]}'`)),
    );
    const rows = await trailOfActor(t, actor, 'saved_spots');
    expect(byTarget(rows).map(({ action, target_id, subject_id, changes }) => ({ action, target_id, subject_id, changes }))).toEqual(
      byTarget(
        riders.map((rider) => ({
          action: 'update',
          target_id: `${rider}/${spots[1]}`,
          subject_id: rider,
          changes: { spot_id: [spots[0], spots[1]] },
        })),
      ),
    );
  });

  it('writes an empty summary for each row of a no-op UPDATE, and nothing for a statement that changes no row', async ({ t }) => {
    const { spots } = await scene(t);
    const actor = randomUUID();
    await withActor(t.db, actor, async (tx) => {
      await tx.execute(sql.raw(`UPDATE spots SET name = name WHERE id IN ('${spots[0]}', '${spots[1]}')`));
      await tx.execute(sql.raw(`UPDATE spots SET name = 'never' WHERE false`));
      await tx.execute(sql.raw(`DELETE FROM checkins WHERE false`));
    });
    expect(byTarget(await trailOfActor(t, actor, 'spots')).map(({ target_id, changes }) => ({ target_id, changes }))).toEqual(
      byTarget(spots.map((id) => ({ target_id: id, changes: {} }))),
    );
    expect(await auditTrailByActor(t.db, actor)).toHaveLength(2);
  });

  it('rolls back the trail of a multi-row statement with it', async ({ t }) => {
    const { rider, spots } = await scene(t);
    const actor = randomUUID();
    await expect(
      withActor(t.db, actor, async (tx) => {
        await tx.execute(
          sql.raw(`INSERT INTO checkins (user_id, spot_id, trick, trick_status, stance, created_at)
            SELECT '${rider}', '${spots[1]}', 'ollie', 'landed', 'regular', now() - g * interval '1 hour' FROM generate_series(1, 20) g`),
        );
        throw new Error('the import failed half-way');
      }),
    ).rejects.toThrow('half-way');
    expect(await auditTrailByActor(t.db, actor)).toEqual([]);
    expect(await t.query(`SELECT count(*)::int AS n FROM checkins WHERE spot_id = '${spots[1]}'`)).toEqual([{ n: 0 }]);
  });
});
