import { randomBytes } from 'node:crypto';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { sessions, type NewSession, type Session } from './sessions';
import { hashSessionToken, newSessionToken } from './tokens';
import { users, type NewUser, type User } from './users';

/**
 * Fixture builders for tests and seeds: each call makes a row that satisfies
 * every constraint and collides with no other call's row (unique handle and
 * email from a per-process counter plus a random tag). Pass overrides to aim
 * at one rule; pass a transaction as `db` to build inside it.
 */
type Db = PgDatabase<PgQueryResultHKT, Record<string, unknown>>;

let counter = 0;
const tag = randomBytes(3).toString('hex');
export const uniqueSuffix = () => `${tag}${(counter++).toString(36)}`;

export function buildUser(overrides: Partial<NewUser> = {}): NewUser {
  const n = uniqueSuffix();
  return {
    handle: `rider_${n}`,
    email: `rider.${n}@example.test`,
    display_name: `Rider ${n}`,
    stance: 'regular',
    ...overrides,
  };
}

export async function createUser(db: Db, overrides: Partial<NewUser> = {}): Promise<User> {
  const [row] = await db.insert(users).values(buildUser(overrides)).returning();
  return row!;
}

export { hashSessionToken };

export function buildSession(userId: string, overrides: Partial<NewSession> = {}): NewSession & { token: string } {
  const token = newSessionToken();
  return {
    token,
    user_id: userId,
    token_hash: hashSessionToken(token),
    expires_at: new Date(Date.now() + 7 * 86_400_000),
    ...overrides,
  };
}

/** Creates a session and returns it with the plaintext token (which is stored nowhere). */
export async function createSession(db: Db, userId: string, overrides: Partial<NewSession> = {}): Promise<Session & { token: string }> {
  const { token, ...values } = buildSession(userId, overrides);
  const [row] = await db.insert(sessions).values(values).returning();
  return { ...row!, token };
}
