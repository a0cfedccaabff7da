import { createHash, randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { SESSION_MAX_LIFETIME_DAYS } from '@skatehubba/contracts';
import { unwrap, type Result } from '@skatehubba/schema-kit';
import { databaseTest, type TestDatabase } from '@skatehubba/testing';
import { eraseRider, exportRider } from '../erasure';
import { buildUser, createSession, createUser } from '../factories';
import { currentRiderEmail } from '../lookups';
import { sessions } from '../sessions';
import { SESSION_TOKEN_MAX_LENGTH } from '../tokens';
import { users } from '../users';
import { signUp, updateProfile } from './accounts';
import { revokeAllSessions, revokeSession, sessionByToken, startSession } from './sessions';

// Integration: every write function of the identity lib, called as the API's
// login (`t.app`) the way a handler calls it: what success returns and what
// the database then holds, each refusal by name and kind with nothing
// changed, and the rider rules (a rider signs up, edits, signs out, erases
// and exports only as themself). What an erasure removes and keeps is
// libs/db/src/erasure.int.test.ts's; here only who may ask.
const schema = { users, sessions };
const it = databaseTest(schema);
type T = TestDatabase<typeof schema>;
const DAY = 86_400_000;

function expectRefusal(result: Result<unknown>, rule: string, kind: string) {
  expect(result.ok, result.ok ? `expected ${rule}, got ${JSON.stringify(result.value)}` : result.error.message).toBe(false);
  if (result.ok) throw new Error('unreachable');
  expect({ rule: result.error.rule, kind: result.error.kind }).toEqual({ rule, kind });
  return result.error;
}

/** A rider's account, sessions and the audit rows by or about them, as stored: equal before and after means nothing changed. */
async function footprint(t: T, riderId: string) {
  const [row] = await t.query<Record<string, unknown>>(sql`
    SELECT
      (SELECT to_jsonb(u) FROM users u WHERE u.id = ${riderId}::uuid) AS account,
      (SELECT coalesce(jsonb_agg(to_jsonb(s) ORDER BY s.id), '[]') FROM sessions s WHERE s.user_id = ${riderId}::uuid) AS sessions,
      (SELECT count(*)::int FROM audit_logs a WHERE a.actor_id = ${riderId}::uuid OR a.subject_id = ${riderId}::uuid) AS audit,
      (SELECT count(*)::int FROM rider_erasures e WHERE e.rider_digest = rider_digest(${riderId}::uuid)) AS tombstones`);
  return row!;
}

async function trail(t: T, table: string, id: string) {
  const rows = await t.query<{ action: string; actor_id: string | null }>(
    sql`SELECT action, actor_id FROM audit_logs WHERE target_table = ${table} AND target_id = ${id} ORDER BY id`,
  );
  return rows.map((r) => [r.action, r.actor_id]);
}

const storedUser = async (t: T, id: string) => (await t.db.select().from(users).where(eq(users.id, id)))[0];
const storedSession = async (t: T, id: string) => (await t.db.select().from(sessions).where(eq(sessions.id, id)))[0];

/** A sign-up body no other call's collides with. */
const signUpBody = () => {
  const { handle, email, display_name } = buildUser();
  return { handle, email, display_name };
};

describe('signUp', () => {
  it('creates the profile under the verified rider id, returns it with the email, and audits it as the rider', async ({ t }) => {
    const rider = randomUUID();
    const body = signUpBody();
    const user = unwrap(await signUp(t.app, { rider }, { ...body, stance: 'goofy' }));
    expect(user).toMatchObject({ id: rider, ...body, stance: 'goofy', avatar_url: null });
    expect(await storedUser(t, rider)).toEqual(user);
    expect(await trail(t, 'users', rider)).toEqual([['insert', rider]]);
    expect(unwrap(await currentRiderEmail(t.app, { rider }))).toBe(body.email);
  });

  it('refuses a handle taken (handle_taken) and a mailbox taken in any case (email_taken), creating nothing', async ({ t }) => {
    const first = await createUser(t.db);
    const rider = randomUUID();
    expectRefusal(await signUp(t.app, { rider }, { ...signUpBody(), handle: first.handle }), 'handle_taken', 'conflict');
    expectRefusal(await signUp(t.app, { rider }, { ...signUpBody(), email: first.email.toUpperCase() }), 'email_taken', 'conflict');
    expect(await footprint(t, rider)).toEqual({ account: null, sessions: [], audit: 0, tombstones: 0 });
    expect(await storedUser(t, first.id)).toEqual(first);
  });

  it('refuses a second sign-up of the same rider (user_id_taken), leaving the first profile', async ({ t }) => {
    const rider = randomUUID();
    unwrap(await signUp(t.app, { rider }, signUpBody()));
    const before = await footprint(t, rider);
    expectRefusal(await signUp(t.app, { rider }, signUpBody()), 'user_id_taken', 'conflict');
    expect(await footprint(t, rider)).toEqual(before);
  });

  it.for([
    ['id', randomUUID()],
    ['created_at', '2020-01-01T00:00:00Z'],
    ['updated_at', '2020-01-01T00:00:00Z'],
    ['email_verified', true],
  ] as const)('refuses a body with the server-owned %s (invalid_input naming it), creating nothing', async ([key, value], { t }) => {
    const rider = randomUUID();
    const error = expectRefusal(await signUp(t.app, { rider }, { ...signUpBody(), [key]: value } as never), 'invalid_input', 'invalid');
    expect(error.facts.issues).toEqual([expect.objectContaining({ message: expect.stringContaining(key) })]);
    expect(await footprint(t, rider)).toMatchObject({ account: null, audit: 0 });
    if (key === 'id') expect(await storedUser(t, value as string)).toBeUndefined();
  });

  it('refuses an erased rider id (account_erased)', async ({ t }) => {
    const rider = randomUUID();
    unwrap(await signUp(t.app, { rider }, signUpBody()));
    unwrap(await eraseRider(t.app, { rider }, rider));
    const before = await footprint(t, rider);
    expectRefusal(await signUp(t.app, { rider }, signUpBody()), 'account_erased', 'conflict');
    expect(await footprint(t, rider)).toEqual(before);
  });
});

describe('updateProfile', () => {
  it('edits the rider’s own profile: returned with the email, stored, updated_at moved by the database, audited as theirs', async ({
    t,
  }) => {
    const me = await createUser(t.db);
    const other = await createUser(t.db);
    const email = `moved.${randomUUID().slice(0, 8)}@example.test`;
    const updated = unwrap(await updateProfile(t.app, { rider: me.id }, { display_name: 'New Name', email, avatar_url: null }));
    expect(updated).toMatchObject({ id: me.id, handle: me.handle, display_name: 'New Name', email, created_at: me.created_at });
    expect(updated.updated_at.getTime()).toBeGreaterThan(me.updated_at.getTime());
    expect(await storedUser(t, me.id)).toEqual(updated);
    expect((await trail(t, 'users', me.id)).at(-1)).toEqual(['update', me.id]);
    expect(await storedUser(t, other.id)).toEqual(other);
  });

  it('refuses a handle or email another rider has (handle_taken, email_taken), changing nothing', async ({ t }) => {
    const me = await createUser(t.db);
    const other = await createUser(t.db);
    const before = await footprint(t, me.id);
    expectRefusal(await updateProfile(t.app, { rider: me.id }, { handle: other.handle }), 'handle_taken', 'conflict');
    expectRefusal(await updateProfile(t.app, { rider: me.id }, { email: other.email }), 'email_taken', 'conflict');
    expect(await footprint(t, me.id)).toEqual(before);
    expect(await storedUser(t, other.id)).toEqual(other);
  });

  it.for([
    ['id', randomUUID()],
    ['created_at', '2020-01-01T00:00:00Z'],
    ['updated_at', '2020-01-01T00:00:00Z'],
  ] as const)(
    'refuses an edit naming the server-owned %s (invalid_input): a rider cannot edit another profile',
    async ([key, value], { t }) => {
      const me = await createUser(t.db);
      const before = await footprint(t, me.id);
      expectRefusal(
        await updateProfile(t.app, { rider: me.id }, { display_name: 'Hijack', [key]: value } as never),
        'invalid_input',
        'invalid',
      );
      expectRefusal(await updateProfile(t.app, { rider: me.id }, {}), 'invalid_input', 'invalid');
      expect(await footprint(t, me.id)).toEqual(before);
    },
  );

  it('refuses a rider with no profile yet (rider_not_found)', async ({ t }) => {
    const rider = randomUUID();
    expectRefusal(await updateProfile(t.app, { rider }, { display_name: 'Nobody' }), 'rider_not_found', 'missing_reference');
    expect(await footprint(t, rider)).toMatchObject({ account: null, audit: 0 });
    expect(unwrap(await currentRiderEmail(t.app, { rider }))).toBeNull();
  });
});

describe('startSession', () => {
  it('returns the token once and stores only its SHA-256, with the lifetime asked for on the database’s clock', async ({ t }) => {
    const rider = (await createUser(t.db)).id;
    const { session, token } = unwrap(await startSession(t.app, { rider }, { lifetime_days: 7 }));
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session).toEqual({
      id: expect.any(String),
      user_id: rider,
      created_at: expect.any(Date),
      expires_at: expect.any(Date),
      revoked_at: null,
      updated_at: expect.any(Date),
    });
    expect(session.expires_at.getTime() - session.created_at.getTime()).toBe(7 * DAY);
    const stored = await storedSession(t, session.id);
    expect(stored).toEqual({ ...session, token_hash: createHash('sha256').update(token).digest('hex') });
    // The token itself is in no column of the row, nor in its audit trail.
    const [{ found }] = (await t.query<{ found: number }>(sql`
      SELECT (SELECT count(*) FROM sessions s WHERE s.id = ${session.id}::uuid AND strpos(to_jsonb(s)::text, ${token}) > 0)
           + (SELECT count(*) FROM audit_logs a WHERE strpos(a.changes::text, ${token}) > 0) AS found`)) as [{ found: number }];
    expect(Number(found)).toBe(0);
    expect(await trail(t, 'sessions', session.id)).toEqual([['insert', rider]]);
    // Two sessions, two tokens.
    expect(unwrap(await startSession(t.app, { rider })).token).not.toBe(token);
  });

  it('gives 30 days by default and up to SESSION_MAX_LIFETIME_DAYS', async ({ t }) => {
    const rider = (await createUser(t.db)).id;
    const byDefault = unwrap(await startSession(t.app, { rider })).session;
    expect(byDefault.expires_at.getTime() - byDefault.created_at.getTime()).toBe(30 * DAY);
    const longest = unwrap(await startSession(t.app, { rider }, { lifetime_days: SESSION_MAX_LIFETIME_DAYS })).session;
    expect(longest.expires_at.getTime() - longest.created_at.getTime()).toBe(SESSION_MAX_LIFETIME_DAYS * DAY);
  });

  it.for([0, -1, SESSION_MAX_LIFETIME_DAYS + 1, 1.5])(
    'refuses lifetime_days %j (invalid_input), starting nothing',
    async (lifetime_days, { t }) => {
      const rider = (await createUser(t.db)).id;
      const before = await footprint(t, rider);
      const error = expectRefusal(await startSession(t.app, { rider }, { lifetime_days }), 'invalid_input', 'invalid');
      expect((error.facts.issues as { path: string }[]).map((i) => i.path)).toEqual(['lifetime_days']);
      expect(await footprint(t, rider)).toEqual(before);
    },
  );

  it.for(['token_hash', 'token', 'expires_at', 'user_id', 'revoked_at'])(
    'refuses a body with the server-owned %s (invalid_input), starting nothing',
    async (key, { t }) => {
      const rider = (await createUser(t.db)).id;
      const before = await footprint(t, rider);
      const value = key === 'user_id' ? randomUUID() : key === 'token_hash' ? 'a'.repeat(64) : '2030-01-01T00:00:00Z';
      expectRefusal(await startSession(t.app, { rider }, { [key]: value } as never), 'invalid_input', 'invalid');
      expect(await footprint(t, rider)).toEqual(before);
    },
  );

  it('refuses a rider with no profile (user_not_found)', async ({ t }) => {
    const rider = randomUUID();
    expectRefusal(await startSession(t.app, { rider }), 'user_not_found', 'missing_reference');
    expect(await footprint(t, rider)).toMatchObject({ sessions: [], audit: 0 });
  });
});

describe('sessionByToken', () => {
  it('finds the rider of a live token, and nothing for a revoked, expired or unknown one', async ({ t }) => {
    const rider = (await createUser(t.db)).id;
    const live = unwrap(await startSession(t.app, { rider }));
    expect(unwrap(await sessionByToken(t.app, live.token))).toEqual({
      session_id: live.session.id,
      user_id: rider,
      expires_at: live.session.expires_at,
    });
    const revoked = unwrap(await startSession(t.app, { rider }));
    unwrap(await revokeSession(t.app, { rider }, revoked.session.id));
    expect(unwrap(await sessionByToken(t.app, revoked.token))).toBeNull();
    const expired = await createSession(t.db, rider, {
      created_at: new Date(Date.now() - 2 * DAY),
      expires_at: new Date(Date.now() - DAY),
    });
    expect(unwrap(await sessionByToken(t.app, expired.token))).toBeNull();
    expect(unwrap(await sessionByToken(t.app, 'x'.repeat(43)))).toBeNull();
    expect(unwrap(await sessionByToken(t.app, 'x'.repeat(SESSION_TOKEN_MAX_LENGTH)))).toBeNull();
    // The hash is not a token: a stored hash presented as a token finds nothing.
    const hash = (await storedSession(t, live.session.id))!.token_hash;
    expect(unwrap(await sessionByToken(t.app, hash))).toBeNull();
  });

  it.for([
    ['empty', ''],
    ['over-long', 'x'.repeat(SESSION_TOKEN_MAX_LENGTH + 1)],
    ['not a string', 42],
  ] as const)('refuses an %s token (invalid_input)', async ([, token], { t }) => {
    expectRefusal(await sessionByToken(t.app, token as string), 'invalid_input', 'invalid');
  });
});

describe('revokeSession and revokeAllSessions', () => {
  it('revokes the rider’s own session at the database’s now, once: a second revoke is session_not_found', async ({ t }) => {
    const rider = (await createUser(t.db)).id;
    const { session } = unwrap(await startSession(t.app, { rider }));
    const revoked = unwrap(await revokeSession(t.app, { rider }, session.id));
    expect(revoked).toMatchObject({ id: session.id, user_id: rider, expires_at: session.expires_at, revoked_at: expect.any(Date) });
    expect(revoked.revoked_at!.getTime()).toBeGreaterThanOrEqual(session.created_at.getTime());
    expect(await storedSession(t, session.id)).toMatchObject(revoked);
    expect((await trail(t, 'sessions', session.id)).at(-1)).toEqual(['update', rider]);
    const before = await footprint(t, rider);
    expectRefusal(await revokeSession(t.app, { rider }, session.id), 'session_not_found', 'missing_reference');
    expect(await footprint(t, rider)).toEqual(before);
  });

  it('refuses another rider’s session (session_not_found), which stays live', async ({ t }) => {
    const owner = (await createUser(t.db)).id;
    const other = (await createUser(t.db)).id;
    const { session, token } = unwrap(await startSession(t.app, { rider: owner }));
    const before = await footprint(t, owner);
    expectRefusal(await revokeSession(t.app, { rider: other }, session.id), 'session_not_found', 'missing_reference');
    expectRefusal(await revokeSession(t.app, { rider: other }, randomUUID()), 'session_not_found', 'missing_reference');
    expectRefusal(await revokeSession(t.app, { rider: other }, 'session-1'), 'invalid_input', 'invalid');
    expect(await footprint(t, owner)).toEqual(before);
    expect(unwrap(await sessionByToken(t.app, token))).toMatchObject({ session_id: session.id, user_id: owner });
  });

  it('revokeAllSessions signs only the rider out everywhere, counting the sessions it revoked', async ({ t }) => {
    const rider = (await createUser(t.db)).id;
    const other = (await createUser(t.db)).id;
    const mine = [unwrap(await startSession(t.app, { rider })), unwrap(await startSession(t.app, { rider }))];
    const earlier = unwrap(await startSession(t.app, { rider }));
    unwrap(await revokeSession(t.app, { rider }, earlier.session.id));
    const earlierRevokedAt = (await storedSession(t, earlier.session.id))!.revoked_at;
    const theirs = unwrap(await startSession(t.app, { rider: other }));

    expect(unwrap(await revokeAllSessions(t.app, { rider }))).toEqual({ revoked: 2 });
    for (const { token } of mine) expect(unwrap(await sessionByToken(t.app, token))).toBeNull();
    // The one revoked before keeps its first revocation time.
    expect((await storedSession(t, earlier.session.id))!.revoked_at).toEqual(earlierRevokedAt);
    expect(unwrap(await sessionByToken(t.app, theirs.token))).toMatchObject({ user_id: other });
    expect(unwrap(await revokeAllSessions(t.app, { rider }))).toEqual({ revoked: 0 });
  });
});

describe('eraseRider and exportRider: who may ask', () => {
  it('refuse a rider asking about another rider by name (erasure_not_yours, export_not_yours), changing nothing', async ({ t }) => {
    const target = (await createUser(t.db)).id;
    const asker = (await createUser(t.db)).id;
    const { token } = unwrap(await startSession(t.app, { rider: target }));
    const before = await footprint(t, target);
    expectRefusal(await eraseRider(t.app, { rider: asker }, target), 'erasure_not_yours', 'forbidden');
    expectRefusal(await exportRider(t.app, { rider: asker }, target), 'export_not_yours', 'forbidden');
    expect(await footprint(t, target)).toEqual(before);
    expect(unwrap(await sessionByToken(t.app, token))).toMatchObject({ user_id: target });
  });

  it('let the rider export and erase themself, and staff any rider', async ({ t }) => {
    const rider = (await createUser(t.db)).id;
    const exported = unwrap(await exportRider(t.app, { rider }, rider));
    expect(exported.profile.id).toBe(rider);
    const staff = (await createUser(t.db)).id;
    const other = (await createUser(t.db)).id;
    expect(unwrap(await exportRider(t.db, { staff }, other)).profile.id).toBe(other);
    expect(unwrap(await eraseRider(t.app, { rider }, rider))).toMatchObject({ erasureId: expect.any(Number) });
    expect(await footprint(t, rider)).toMatchObject({ account: null, sessions: [], tombstones: 1 });
  });

  it('refuse an unknown rider (rider_not_found) and a malformed id (invalid_input)', async ({ t }) => {
    const staff = (await createUser(t.db)).id;
    const nobody = randomUUID();
    expectRefusal(await eraseRider(t.db, { staff }, nobody), 'rider_not_found', 'missing_reference');
    expectRefusal(await exportRider(t.db, { staff }, nobody), 'rider_not_found', 'missing_reference');
    expect(await footprint(t, nobody)).toEqual({ account: null, sessions: [], audit: 0, tombstones: 0 });
    expectRefusal(await eraseRider(t.db, { staff }, 'rider-1'), 'invalid_input', 'invalid');
    expectRefusal(await exportRider(t.app, { rider: staff }, 'rider-1'), 'invalid_input', 'invalid');
  });
});
