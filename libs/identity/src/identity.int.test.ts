import { eq, sql } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { pgErrorFields, unwrap } from '@skatehubba/schema-kit';
import { databaseTest, expectRefused, hasSessions, type TestDatabase } from '@skatehubba/testing';
import { buildSession, buildUser, createSession, createUser, hashSessionToken } from './factories';
import { sessionByToken } from './flows/sessions';
import { currentRiderEmail } from './lookups';
import { sessions, type NewSession } from './sessions';
import { users, type NewUser } from './users';
import { sessionInsertSchema, userInsertSchema } from './validation';

// Integration: every rule on users and sessions, as the database enforces it,
// each with the valid edge accepted and the invalid one refused by name.
const schema = { users, sessions };
const it = databaseTest(schema);

/** Inserts a row and reads it back with a fresh query: what the database stored, not what the insert echoed. */
async function insertUser(t: TestDatabase<typeof schema>, row: NewUser) {
  const [{ id }] = (await t.db.insert(users).values(row).returning({ id: users.id })) as [{ id: string }];
  return (await t.db.select().from(users).where(eq(users.id, id)))[0];
}
async function insertSession(t: TestDatabase<typeof schema>, row: NewSession) {
  const [{ id }] = (await t.db.insert(sessions).values(row).returning({ id: sessions.id })) as [{ id: string }];
  return (await t.db.select().from(sessions).where(eq(sessions.id, id)))[0];
}

const signed = `https://cdn.skatehubba.test/a.jpg?Expires=1767225600&Signature=${'f'.repeat(32)}`;

describe('users', () => {
  it.for([
    ['abc', true],
    ['a'.repeat(30), true],
    ['rider_01', true],
    ['ab', false],
    ['a'.repeat(31), false],
    ['Rider', false],
    ['ri der', false],
    ['rider-01', false],
  ] as const)('handle %j accepted: %s (users_handle_ck), and zod agrees', async ([handle, ok], { t }) => {
    const row = buildUser({ handle });
    expect(userInsertSchema.safeParse(row).success).toBe(ok);
    if (ok) expect(await insertUser(t, row)).toMatchObject(row);
    else await expectRefused(t.db.insert(users).values(row), 'users_handle_ck');
  });

  it('refuses a second account with the same handle (users_handle_uq)', async ({ t }) => {
    const first = await createUser(t.db);
    await expectRefused(createUser(t.db, { handle: first.handle }), 'users_handle_uq');
  });

  it('refuses the same mailbox in another case (users_email_uq on lower(email))', async ({ t }) => {
    const first = await createUser(t.db);
    await expectRefused(createUser(t.db, { email: first.email.toUpperCase() }), 'users_email_uq');
  });

  it.for([
    [`${'a'.repeat(241)}@example.test`, true], // 254 characters: the RFC 5321 cap
    [`${'a'.repeat(242)}@example.test`, false], // 255
    ['rider@localhost', false],
    ['rider@@example.test', false],
    ['rider @example.test', false],
    ['riderexample.test', false],
  ] as const)('email %# accepted: %s (users_email_ck), and zod agrees', async ([email, ok], { t }) => {
    const row = buildUser({ email });
    expect(userInsertSchema.safeParse(row).success).toBe(ok);
    if (ok) expect(await insertUser(t, row)).toMatchObject(row);
    else await expectRefused(t.db.insert(users).values(row), 'users_email_ck');
  });

  it.for([
    ['x', true],
    ['🛹'.repeat(50), true], // 50 characters (100 UTF-16 units): counted as the database counts
    ['', false],
    ['x'.repeat(51), false],
  ] as const)('display name %# accepted: %s (users_display_name_ck), and zod agrees', async ([display_name, ok], { t }) => {
    const row = buildUser({ display_name });
    expect(userInsertSchema.safeParse(row).success).toBe(ok);
    if (ok) expect(await insertUser(t, row)).toMatchObject(row);
    else await expectRefused(t.db.insert(users).values(row), 'users_display_name_ck');
  });

  it.for([
    [signed, true],
    ['https://cdn.skatehubba.test/a.jpg', false],
    ['http://cdn.skatehubba.test/a.jpg?Expires=1767225600&Signature=' + 'f'.repeat(32), false],
    ['https://cdn.skatehubba.test/a.jpg?Signature=' + 'f'.repeat(32), false],
    ['https://cdn.skatehubba.test/a.jpg?Expires=1767225600&Signature=short', false],
  ] as const)('avatar URL %# accepted: %s (users_avatar_url_ck), and zod agrees', async ([avatar_url, ok], { t }) => {
    const row = buildUser({ avatar_url });
    expect(userInsertSchema.safeParse(row).success).toBe(ok);
    if (ok) expect(await insertUser(t, row)).toMatchObject(row);
    else await expectRefused(t.db.insert(users).values(row), 'users_avatar_url_ck');
  });

  it('a refused insert stores nothing and leaves an existing row untouched', async ({ t }) => {
    const existing = await createUser(t.db);
    const refused = buildUser({ handle: 'NO' });
    await expectRefused(t.db.insert(users).values(refused), 'users_handle_ck');
    expect(await t.db.select().from(users).where(eq(users.id, existing.id))).toEqual([existing]);
    expect(await t.db.select().from(users).where(eq(users.email, refused.email))).toEqual([]);
  });
});

describe('the owner on users (SECURITY DEFINER functions)', () => {
  // neon-http has no transaction to SET LOCAL ROLE in.
  it.skipIf(!hasSessions())('may lock a rider row (users_owner_lock_pol) and change none of it', async ({ t }) => {
    const rider = await insertUser(t, buildUser());
    const locked = await t.db.transaction(async (tx) => {
      await tx.execute(sql`SET LOCAL ROLE skatehubba_owner`);
      return tx.execute(sql`SELECT id FROM users WHERE id = ${rider!.id} FOR NO KEY UPDATE`);
    });
    expect((locked as { rows: unknown[] }).rows).toEqual([{ id: rider!.id }]);
    const refused = await t.db
      .transaction(async (tx) => {
        await tx.execute(sql`SET LOCAL ROLE skatehubba_owner`);
        await tx.execute(sql`UPDATE users SET display_name = 'Changed' WHERE id = ${rider!.id}`);
      })
      .catch((error: unknown) => error);
    // new row violates row-level security policy for table "users"
    expect(pgErrorFields(refused)?.code).toBe('42501');
    expect((await t.db.select().from(users).where(eq(users.id, rider!.id)))[0]).toEqual(rider);
  });
});

describe('updated_at trigger', () => {
  // Compared in SQL: the trigger works in microseconds, a JS Date only in milliseconds.
  const stamps = async (t: TestDatabase<typeof schema>, id: string) =>
    (
      await t.query<{ updated_at: string; moved: boolean }>(
        sql`SELECT updated_at::text, updated_at > created_at AS moved FROM users WHERE id = ${id}`,
      )
    )[0]!;

  it('starts equal to created_at, moves on a raw SQL update, stays on a no-op update', async ({ t }) => {
    const user = await createUser(t.db);
    expect(await stamps(t, user.id)).toMatchObject({ moved: false });

    // A raw statement that does not mention updated_at still moves it.
    await t.query(sql`UPDATE users SET display_name = 'Renamed' WHERE id = ${user.id}`);
    const moved = await stamps(t, user.id);
    expect(moved.moved).toBe(true);

    // Setting the same values is not a change: updated_at stays.
    await t.query(sql`UPDATE users SET display_name = 'Renamed' WHERE id = ${user.id}`);
    expect(await stamps(t, user.id)).toEqual(moved);
  });

  it('ignores a value the client tries to write', async ({ t }) => {
    const user = await createUser(t.db);
    await t.query(sql`UPDATE users SET display_name = 'Again', updated_at = '2001-01-01T00:00:00Z' WHERE id = ${user.id}`);
    const [row] = await t.db.select().from(users).where(eq(users.id, user.id));
    expect(row!.updated_at.getUTCFullYear()).toBeGreaterThan(2001);
  });
});

describe('sessions', () => {
  it('stores the hash of the token, never the token', async ({ t }) => {
    const user = await createUser(t.db);
    const session = await createSession(t.db, user.id);
    expect(session.token_hash).toBe(hashSessionToken(session.token));
    const [found] = await t.query<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM sessions WHERE token_hash = ${session.token} OR token_hash = ${session.token_hash.toUpperCase()}`,
    );
    expect(found!.n).toBe(0);
  });

  it.for([
    ['a plaintext token', 'hunter2-session-token'],
    ['an uppercase digest', 'A'.repeat(64)],
    ['a 63-character digest', 'a'.repeat(63)],
    ['a 65-character digest', 'a'.repeat(65)],
  ] as const)('refuses %s (sessions_token_hash_ck), and zod agrees', async ([_, token_hash], { t }) => {
    const user = await createUser(t.db);
    const { token: _token, ...row } = buildSession(user.id, { token_hash });
    expect(sessionInsertSchema.safeParse(row).success).toBe(false);
    await expectRefused(t.db.insert(sessions).values(row), 'sessions_token_hash_ck');
  });

  it('refuses a token hash already in use (sessions_token_hash_uq)', async ({ t }) => {
    const user = await createUser(t.db);
    const first = await createSession(t.db, user.id);
    await expectRefused(createSession(t.db, user.id, { token_hash: first.token_hash }), 'sessions_token_hash_uq');
  });

  it.for([
    ['1 ms after creation', 1, true],
    ['exactly 90 days', 90 * 86_400_000, true],
    ['at creation', 0, false],
    ['before creation', -1, false],
    ['90 days and 1 ms', 90 * 86_400_000 + 1, false],
  ] as const)('expiry %s accepted: %s (sessions_expiry_ck), and zod agrees', async ([_, offsetMs, ok], { t }) => {
    const user = await createUser(t.db);
    const created_at = new Date('2026-06-01T12:00:00.000Z');
    const { token: _token, ...row } = buildSession(user.id, { created_at, expires_at: new Date(created_at.getTime() + offsetMs) });
    expect(sessionInsertSchema.safeParse(row).success).toBe(ok);
    if (ok) expect(await insertSession(t, row)).toMatchObject(row);
    else await expectRefused(t.db.insert(sessions).values(row), 'sessions_expiry_ck');
  });

  it('refuses a revocation before creation (sessions_revoked_at_ck) and accepts one at creation', async ({ t }) => {
    const user = await createUser(t.db);
    const created_at = new Date('2026-06-01T12:00:00.000Z');
    const expires_at = new Date('2026-06-02T12:00:00.000Z');
    const { token: _token, ...row } = buildSession(user.id, { created_at, expires_at, revoked_at: created_at });
    expect(await insertSession(t, row)).toMatchObject({ created_at, expires_at, revoked_at: created_at });
    await expectRefused(
      createSession(t.db, user.id, { created_at, expires_at, revoked_at: new Date(created_at.getTime() - 1) }),
      'sessions_revoked_at_ck',
    );
  });

  it('refuses a session for a user that does not exist (sessions_user_id_fk)', async ({ t }) => {
    await expectRefused(createSession(t.db, '00000000-0000-4000-8000-000000000000'), 'sessions_user_id_fk');
  });
});

// As the API's login (t.app): a LOGIN role on servers; PGlite shows the policies through SET LOCAL ROLE only.
describe('lookups the app role makes before and after it knows the rider', () => {
  it.skipIf(!hasSessions())('finds a live session by token hash as anonymous, and nothing once revoked or expired', async ({ t }) => {
    const rider = await createUser(t.db);
    const live = await createSession(t.db, rider.id);
    const revoked = await createSession(t.db, rider.id);
    await t.db
      .update(sessions)
      .set({ revoked_at: sql`now()` })
      .where(eq(sessions.id, revoked.id));
    const created_at = new Date(Date.now() - 2 * 86_400_000);
    const expired = await createSession(t.db, rider.id, { created_at, expires_at: new Date(created_at.getTime() + 86_400_000) });
    const lookup = async (token: string) => unwrap(await sessionByToken(t.app, token));
    expect(hashSessionToken(live.token)).toBe(live.token_hash);
    expect(await lookup(live.token)).toEqual({ session_id: live.id, user_id: rider.id, expires_at: live.expires_at });
    expect(await lookup(revoked.token)).toBeNull();
    expect(await lookup(expired.token)).toBeNull();
    // The hash is not the token: presenting what the table stores finds nothing.
    expect(await lookup(live.token_hash)).toBeNull();
  });

  it.skipIf(!hasSessions())('gives a rider their own email and no one else any', async ({ t }) => {
    const rider = await createUser(t.db);
    await createUser(t.db);
    expect(unwrap(await currentRiderEmail(t.app, { rider: rider.id }))).toBe(rider.email);
  });
});

describe('no secrets in any column', () => {
  it('no column anywhere is named like a plaintext token, secret or password', async ({ t }) => {
    const columns = await t.query<{ table_name: string; column_name: string }>(
      "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'",
    );
    expect(columns.length).toBeGreaterThan(40);
    const suspicious = columns.filter(
      (c) =>
        /pass|secret|pwd|salt|api_?key|private/i.test(c.column_name) || (/token/i.test(c.column_name) && c.column_name !== 'token_hash'),
    );
    expect(suspicious).toEqual([]);
  });
});
