import { inArray, sql } from 'drizzle-orm';
import { describe, expect, inject } from 'vitest';
import { asRider, DataRuleError, pgErrorFields } from '@skatehubba/schema-kit';
import { asAppRider, databaseTest, hasSessions, type TestDatabase } from '@skatehubba/testing';
import { createSession, createUser } from './factories';
import { pruneSessions, SESSION_PRUNE_GRACE_DAYS } from './maintenance';
import { sessions } from './sessions';
import { users } from './users';

// Integration: prune_sessions() deletes the sessions that ended (expired or
// revoked, whichever first) more than 30 days ago, and nothing else; each
// deletion is audited like any other. Staff only. The plan (it reads
// sessions_ended_at_idx) is held on the server by apps/seed/src/plans.int.test.ts.
const engine = inject('engine');
const schema = { users, sessions };
const it = databaseTest(schema);
type T = TestDatabase<typeof schema>;

const DAY = 86_400_000;
/** A session that started `startedDaysAgo` days ago, expiring and revoked at the given day offsets from now (negative: past). */
async function sessionOf(t: T, riderId: string, startedDaysAgo: number, expiresIn: number, revokedIn?: number) {
  const now = Date.now();
  return createSession(t.db, riderId, {
    created_at: new Date(now - startedDaysAgo * DAY),
    expires_at: new Date(now + expiresIn * DAY),
    revoked_at: revokedIn === undefined ? null : new Date(now + revokedIn * DAY),
  });
}

const left = async (t: T, ids: string[]) =>
  (await t.db.select({ id: sessions.id }).from(sessions).where(inArray(sessions.id, ids))).map((r) => r.id).sort();

describe('pruneSessions()', () => {
  it('uses the same grace period as the database', async ({ t }) => {
    expect(SESSION_PRUNE_GRACE_DAYS).toBe(30);
    expect(await t.query('SELECT session_prune_grace_days() AS days')).toEqual([{ days: SESSION_PRUNE_GRACE_DAYS }]);
  });

  it(`deletes sessions that ended over ${SESSION_PRUNE_GRACE_DAYS} days ago, keeps the rest, and audits each deletion`, async ({ t }) => {
    const rider = await createUser(t.db);
    const other = await createUser(t.db);
    const gone = [
      await sessionOf(t, rider.id, 40, -31), // expired 31 days ago
      await sessionOf(t, rider.id, 60, 20, -31), // revoked 31 days ago, would expire in 20
      await sessionOf(t, other.id, 89, -60, -70), // revoked, then expired, both long ago
    ];
    const kept = [
      await sessionOf(t, rider.id, 40, -29), // expired 29 days ago: within the grace period
      await sessionOf(t, rider.id, 60, 20, -1), // revoked yesterday
      await sessionOf(t, other.id, 1, 6), // live
      await sessionOf(t, other.id, 85, 5, -29), // revoked 29 days ago
    ];
    const all = [...gone, ...kept].map((s) => s.id);

    expect(await pruneSessions(t.db)).toBe(gone.length);
    expect(await left(t, all)).toEqual(kept.map((s) => s.id).sort());

    // One delete audit row per pruned session, with the row (hash redacted), and none for the kept ones.
    const trail = await t.query<{ target_id: string; action: string; user_id: string; token_hash: string }>(
      sql`SELECT target_id, action, changes->>'user_id' AS user_id, changes->>'token_hash' AS token_hash FROM audit_logs
           WHERE target_table = 'sessions' AND action = 'delete' AND target_id IN ${all} ORDER BY id`,
    );
    expect(trail.map((r) => r.target_id).sort()).toEqual(gone.map((s) => s.id).sort());
    expect(trail.map((r) => r.token_hash)).toEqual(gone.map(() => '[redacted]'));
    expect(trail.map((r) => r.user_id).sort()).toEqual(gone.map((s) => s.user_id).sort());

    // Nothing left to prune: a second run deletes nothing.
    expect(await pruneSessions(t.db)).toBe(0);
    expect(await left(t, all)).toEqual(kept.map((s) => s.id).sort());
  });
});

// EXECUTE on prune_sessions() belongs to the owner alone.
describe('who may prune sessions', () => {
  const denied = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error, 'expected prune_sessions() to be refused').toBeDefined();
    expect(pgErrorFields(error)?.code, String(error)).toBe('42501');
    expect(pgErrorFields(error)?.message).toMatch(/permission denied for function prune_sessions/);
  };

  it.skipIf(!hasSessions())('a rider cannot, and nothing is deleted', async ({ t }) => {
    const rider = await createUser(t.db);
    const ended = await sessionOf(t, rider.id, 40, -31);
    await denied(asAppRider(t, rider.id, (db) => pruneSessions(db)));
    expect(await left(t, [ended.id])).toEqual([ended.id]);
    await pruneSessions(t.db);
  });

  it.runIf(engine === 'postgres' || engine === 'neon-ws')(
    'the API’s and support’s logins cannot, with or without a rider',
    async ({ t }) => {
      const rider = await createUser(t.db);
      const ended = await sessionOf(t, rider.id, 40, -31);
      for (const login of ['app', 'readonly'] as const) {
        const conn = await t.connect(login);
        try {
          await denied(conn.query('SELECT prune_sessions()'));
        } finally {
          await conn.close();
        }
      }
      await denied(pruneSessions(t.app));
      await denied(asRider(t.app, rider.id, (tx) => pruneSessions(tx)));
      expect(await left(t, [ended.id])).toEqual([ended.id]);
      await pruneSessions(t.db);
    },
  );

  // Were EXECUTE granted by mistake, the function's guard still refuses every
  // login that is not staff. Granted in this file's own database only, and revoked after.
  it.runIf(engine === 'postgres' || engine === 'neon-ws')(
    'with EXECUTE granted to PUBLIC by mistake, its guard still refuses the API’s login (prune_sessions_staff_guard)',
    async ({ t }) => {
      const rider = await createUser(t.db);
      const ended = await sessionOf(t, rider.id, 40, -31);
      await t.query('GRANT EXECUTE ON FUNCTION prune_sessions() TO PUBLIC');
      try {
        for (const attempt of [() => pruneSessions(t.app), () => asRider(t.app, rider.id, (tx) => pruneSessions(tx))]) {
          const error = await attempt().catch((e: unknown) => e);
          expect(error).toBeInstanceOf(DataRuleError);
          expect(error).toMatchObject({ rule: 'maintenance_staff_only', kind: 'forbidden', constraint: 'prune_sessions_staff_guard' });
        }
      } finally {
        await t.query('REVOKE EXECUTE ON FUNCTION prune_sessions() FROM PUBLIC');
      }
      expect(await left(t, [ended.id])).toEqual([ended.id]);
      expect(await pruneSessions(t.db)).toBe(1);
    },
  );
});
