import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { databaseTest, expectRefused, hasSessions, type TestDatabase } from '@skatehubba/testing';
import { auditTrailByActor, auditTrailFor, withActor } from './actor';
import { AUDIT_REDACTED, AUDITED_TABLES, auditLogs, type AuditLog } from './audit-logs';

// Integration: the audit trail is written by triggers, so these tests change
// rows with raw SQL only (the audit team owns no other table, and any client
// must be audited, not only drizzle).
const schema = { auditLogs };
const it = databaseTest(schema);

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const URL_OK = `https://media.skatehubba.test/a.jpg?X-Amz-Expires=60&X-Amz-Signature=${'ab'.repeat(16)}`;

/** The audit rows whose targets are these ids (the rows one test made), in trail order. */
const trailOf = (ids: Record<string, string>) =>
  `target_id IN (${Object.values(ids)
    .map((id) => `'${id}'`)
    .join(',')})`;

/** One row of every audited table, inserted with raw SQL; returns each row's audit target id. */
async function insertOneOfEach(run: (text: string) => Promise<unknown>) {
  const user = randomUUID();
  const spot = randomUUID();
  const checkin = randomUUID();
  const session = randomUUID();
  const achievement = randomUUID();
  const n = hex(4);
  await run(
    `INSERT INTO users (id, handle, email, display_name) VALUES ('${user}', 'audit_${n}', 'audit.${n}@example.test', 'Audit ${n}')`,
  );
  await run(
    `INSERT INTO sessions (id, user_id, token_hash, expires_at) VALUES ('${session}', '${user}', '${hex(32)}', now() + interval '1 day')`,
  );
  await run(`INSERT INTO spots (id, name, latitude, longitude, photo_url) VALUES ('${spot}', 'Audit plaza', 1, 2, '${URL_OK}')`);
  await run(`INSERT INTO saved_spots (user_id, spot_id) VALUES ('${user}', '${spot}')`);
  await run(
    `INSERT INTO checkins (id, user_id, spot_id, trick, trick_status, stance) VALUES ('${checkin}', '${user}', '${spot}', 'ollie', 'landed', 'goofy')`,
  );
  await run(
    `INSERT INTO achievements (id, slug, name, description, tier, metric, goal) VALUES ('${achievement}', 'audit-${n}', 'Audit', '', 'gold', 'manual', 3)`,
  );
  await run(`INSERT INTO user_achievements (user_id, achievement_id, goal, progress) VALUES ('${user}', '${achievement}', 3, 1)`);
  return {
    users: user,
    sessions: session,
    spots: spot,
    saved_spots: `${user}/${spot}`,
    checkins: checkin,
    achievements: achievement,
    user_achievements: `${user}/${achievement}`,
  } satisfies Record<(typeof AUDITED_TABLES)[number], string>;
}

const trail = (t: TestDatabase<typeof schema>, table: (typeof AUDITED_TABLES)[number], id: string): Promise<AuditLog[]> =>
  auditTrailFor(t.db, table, id);

describe('audit rows from triggers', () => {
  it('writes exactly one row per raw INSERT, UPDATE and DELETE on every audited table', async ({ t }) => {
    const ids = await insertOneOfEach((text) => t.query(text));
    await t.query(`UPDATE users SET display_name = 'Renamed' WHERE id = '${ids.users}'`);
    await t.query(`UPDATE sessions SET revoked_at = now() WHERE id = '${ids.sessions}'`);
    await t.query(`UPDATE spots SET name = 'Renamed plaza' WHERE id = '${ids.spots}'`);
    await t.query(`UPDATE saved_spots SET created_at = created_at + interval '1 second' WHERE user_id = '${ids.users}'`);
    await t.query(`UPDATE checkins SET note = 'clean' WHERE id = '${ids.checkins}'`);
    await t.query(`UPDATE achievements SET name = 'Audit gold' WHERE id = '${ids.achievements}'`);
    await t.query(`UPDATE user_achievements SET progress = 2 WHERE user_id = '${ids.users}'`);
    // Delete children first, then the rest; each DELETE is its own statement.
    for (const statement of [
      `DELETE FROM user_achievements WHERE user_id = '${ids.users}'`,
      `DELETE FROM achievements WHERE id = '${ids.achievements}'`,
      `DELETE FROM checkins WHERE id = '${ids.checkins}'`,
      `DELETE FROM saved_spots WHERE user_id = '${ids.users}'`,
      `DELETE FROM sessions WHERE id = '${ids.sessions}'`,
      `DELETE FROM spots WHERE id = '${ids.spots}'`,
      `DELETE FROM users WHERE id = '${ids.users}'`,
    ]) {
      await t.query(statement);
    }

    for (const table of AUDITED_TABLES) {
      const rows = await trail(t, table, ids[table]);
      expect(
        rows.map((r) => r.action),
        table,
      ).toEqual(['insert', 'update', 'delete']);
      expect(
        rows.every((r) => r.actor_id === null),
        `${table}: no actor was set`,
      ).toBe(true);
    }
  });

  it('summarises an update as the changed columns only, as [old, new]', async ({ t }) => {
    const ids = await insertOneOfEach((text) => t.query(text));
    await t.query(`UPDATE spots SET name = 'Bigger plaza', latitude = 1.5 WHERE id = '${ids.spots}'`);
    const update = (await trail(t, 'spots', ids.spots)).find((r) => r.action === 'update')!;
    expect(Object.keys(update.changes).sort()).toEqual(['latitude', 'name', 'updated_at']);
    expect(update.changes.name).toEqual(['Audit plaza', 'Bigger plaza']);
    expect(update.changes.latitude).toEqual([1, 1.5]);
    const insert = (await trail(t, 'spots', ids.spots)).find((r) => r.action === 'insert')!;
    expect(insert.changes).toMatchObject({ id: ids.spots, name: 'Audit plaza', latitude: 1, longitude: 2 });
  });

  it('never writes a token hash: inserts, updates and deletes of sessions are redacted', async ({ t }) => {
    const ids = await insertOneOfEach((text) => t.query(text));
    const [{ token_hash } = { token_hash: '' }] = await t.query<{ token_hash: string }>(
      `SELECT token_hash FROM sessions WHERE id = '${ids.sessions}'`,
    );
    const rotated = hex(32);
    await t.query(`UPDATE sessions SET token_hash = '${rotated}' WHERE id = '${ids.sessions}'`);
    await t.query(`DELETE FROM sessions WHERE id = '${ids.sessions}'`);
    const rows = await trail(t, 'sessions', ids.sessions);
    expect(rows.map((r) => r.action)).toEqual(['insert', 'update', 'delete']);
    expect(rows[0]!.changes.token_hash).toBe(AUDIT_REDACTED);
    expect(rows[1]!.changes.token_hash).toEqual([AUDIT_REDACTED, AUDIT_REDACTED]);
    expect(rows[2]!.changes.token_hash).toBe(AUDIT_REDACTED);
    const [leaks] = await t.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_logs WHERE changes::text LIKE '%${token_hash}%' OR changes::text LIKE '%${rotated}%'`,
    );
    expect(leaks!.n).toBe(0);
  });

  it('names the rider each row is about (subject_id) on insert, update and delete of every audited table', async ({ t }) => {
    const ids = await insertOneOfEach((text) => t.query(text));
    const creator = randomUUID();
    await t.query(
      `INSERT INTO users (id, handle, email, display_name) VALUES ('${creator}', 'maker_${hex(4)}', 'maker.${hex(4)}@example.test', 'Maker')`,
    );
    await t.query(`UPDATE spots SET created_by = '${creator}' WHERE id = '${ids.spots}'`);
    await t.query(`UPDATE sessions SET revoked_at = now() WHERE id = '${ids.sessions}'`);
    await t.query(`UPDATE checkins SET trick = 'nollie' WHERE id = '${ids.checkins}'`);
    await t.query(`DELETE FROM checkins WHERE id = '${ids.checkins}'`);
    const subjects = await t.query<{ target_table: string; action: string; subject_id: string | null }>(
      `SELECT target_table, action, subject_id FROM audit_logs WHERE ${trailOf(ids)} ORDER BY id`,
    );
    const rider = ids.users;
    expect(subjects).toEqual([
      { target_table: 'users', action: 'insert', subject_id: rider },
      { target_table: 'sessions', action: 'insert', subject_id: rider },
      { target_table: 'spots', action: 'insert', subject_id: null },
      { target_table: 'saved_spots', action: 'insert', subject_id: rider },
      { target_table: 'checkins', action: 'insert', subject_id: rider },
      { target_table: 'achievements', action: 'insert', subject_id: null },
      { target_table: 'user_achievements', action: 'insert', subject_id: rider },
      // A spot is about its creator; an update row carries no user_id, and still names the rider.
      { target_table: 'spots', action: 'update', subject_id: creator },
      { target_table: 'sessions', action: 'update', subject_id: rider },
      { target_table: 'checkins', action: 'update', subject_id: rider },
      { target_table: 'checkins', action: 'delete', subject_id: rider },
    ]);
  });

  it("leaves a check-in's note out of the trail (inserts, updates, deletes), and keeps that it changed", async ({ t }) => {
    const ids = await insertOneOfEach((text) => t.query(text));
    const note = `call me on 555-${hex(4)}`;
    await t.query(`UPDATE checkins SET note = '${note}' WHERE id = '${ids.checkins}'`);
    await t.query(`DELETE FROM checkins WHERE id = '${ids.checkins}'`);
    const rows = await trail(t, 'checkins', ids.checkins);
    expect(rows.map((r) => [r.action, r.changes.note])).toEqual([
      ['insert', AUDIT_REDACTED],
      ['update', [AUDIT_REDACTED, AUDIT_REDACTED]],
      ['delete', AUDIT_REDACTED],
    ]);
    const [leaks] = await t.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_logs WHERE changes::text LIKE '%${note}%'`);
    expect(leaks!.n).toBe(0);
  });

  it.skipIf(!hasSessions())('writes in the same transaction: one transaction id, and a rollback leaves no audit row', async ({ t }) => {
    const conn = await t.connect();
    try {
      await conn.query('BEGIN');
      const ids = await insertOneOfEach((text) => conn.query(text));
      await conn.query('COMMIT');
      const txids = await t.query<{ n: number; rows: number }>(
        `SELECT count(DISTINCT transaction_id)::int AS n, count(*)::int AS rows FROM audit_logs WHERE ${trailOf(ids)}`,
      );
      expect(txids).toEqual([{ n: 1, rows: 7 }]);

      await conn.query('BEGIN');
      const rolledBack = await insertOneOfEach((text) => conn.query(text));
      // Inside the transaction its audit rows exist; after the rollback none of them does.
      expect(await conn.query(`SELECT count(*)::int AS n FROM audit_logs WHERE ${trailOf(rolledBack)}`)).toEqual([{ n: 7 }]);
      await conn.query('ROLLBACK');
      expect(await t.query(`SELECT count(*)::int AS n FROM audit_logs WHERE ${trailOf(rolledBack)}`)).toEqual([{ n: 0 }]);
    } finally {
      await conn.close();
    }
  });
});

describe('withActor()', () => {
  it.skipIf(!hasSessions())('records the actor on every row the transaction changes, and not after it', async ({ t }) => {
    const actor = randomUUID();
    const ids = await withActor(t.db, actor, (tx) => insertOneOfEach((text) => tx.execute(sql.raw(text))));
    for (const table of AUDITED_TABLES) {
      expect((await trail(t, table, ids[table]))[0]!.actor_id, table).toBe(actor);
    }
    expect((await auditTrailByActor(t.db, actor)).length).toBe(7);

    // The setting is transaction-local: the next change on any connection has no actor.
    await t.query(`UPDATE spots SET name = 'After the transaction' WHERE id = '${ids.spots}'`);
    const last = (await trail(t, 'spots', ids.spots)).at(-1)!;
    expect(last).toMatchObject({ action: 'update', actor_id: null });
  });

  it.skipIf(!hasSessions())('rolls back everything, audit rows included, when the callback throws', async ({ t }) => {
    const actor = randomUUID();
    await expect(
      withActor(t.db, actor, async (tx) => {
        await insertOneOfEach((text) => tx.execute(sql.raw(text)));
        throw new Error('the API call failed half-way');
      }),
    ).rejects.toThrow('half-way');
    expect(await auditTrailByActor(t.db, actor)).toEqual([]);
  });

  it('refuses an actor id that is not a UUID before touching the database', async ({ t }) => {
    let ran = false;
    await expect(
      withActor(t.db, "x'; DROP TABLE users; --", async () => {
        ran = true;
      }),
    ).rejects.toThrow(TypeError);
    expect(ran).toBe(false);
  });
});

describe('append-only', () => {
  it('refuses UPDATE, DELETE and TRUNCATE on audit_logs (audit_logs_append_only_trg) and keeps every row', async ({ t }) => {
    const ids = await insertOneOfEach((text) => t.query(text));
    const mine = `SELECT count(*)::int AS n, md5(string_agg(action || changes::text, ',' ORDER BY id)) AS h FROM audit_logs WHERE ${trailOf(ids)}`;
    const [before] = await t.query<{ n: number; h: string }>(mine);
    expect(before!.n).toBe(7);

    const update = await expectRefused(t.query("UPDATE audit_logs SET action = 'delete'"), 'audit_logs_append_only_trg');
    expect(update.code).toBe('23001');
    await expectRefused(t.query('DELETE FROM audit_logs'), 'audit_logs_append_only_trg');
    await expectRefused(t.query('TRUNCATE audit_logs'), 'audit_logs_append_only_trg');

    expect(await t.query(mine)).toEqual([before]);
  });

  it('refuses an unknown action (audit_logs_action_ck)', async ({ t }) => {
    await expectRefused(
      t.query("INSERT INTO audit_logs (action, target_table, target_id, changes) VALUES ('upsert', 'users', 'x', '{}')"),
      'audit_logs_action_ck',
    );
  });

  it('keeps the trail of an erased user', async ({ t }) => {
    const ids = await insertOneOfEach((text) => t.query(text));
    await t.query(`DELETE FROM users WHERE id = '${ids.users}'`);
    const rows = await trail(t, 'users', ids.users);
    expect(rows.map((r) => r.action)).toEqual(['insert', 'delete']);
    // The cascaded deletes are audited too.
    expect((await trail(t, 'sessions', ids.sessions)).map((r) => r.action)).toEqual(['insert', 'delete']);
    expect((await trail(t, 'checkins', ids.checkins)).map((r) => r.action)).toEqual(['insert', 'delete']);
  });
});
