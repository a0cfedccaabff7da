import { and, eq, isNull, sql } from 'drizzle-orm';
import { startSessionInput, type StartSessionInput } from '@skatehubba/contracts';
import {
  attempt,
  parseId,
  parseInput,
  refusal,
  rowsOf,
  runAs,
  toDate,
  type Db,
  type Result,
  type RiderCaller,
} from '@skatehubba/schema-kit';
import { IDENTITY_REFUSALS } from '../refusals';
import { sessions, type Session } from '../sessions';
import { hashSessionToken, newSessionToken, SESSION_TOKEN_MAX_LENGTH } from '../tokens';
import { sessionWrites } from '../writes';

/** A session as its rider sees it: everything but the hash, which no role but the owner may read. */
export type RiderSession = Omit<Session, 'token_hash'>;

const sessionColumns = {
  id: sessions.id,
  user_id: sessions.user_id,
  created_at: sessions.created_at,
  expires_at: sessions.expires_at,
  revoked_at: sessions.revoked_at,
  updated_at: sessions.updated_at,
};

/**
 * Signs a verified rider in: a new random token (256 bits), returned once and
 * stored nowhere; the row holds its SHA-256. The expiry is the database's
 * clock plus `lifetime_days` (default 30, at most SESSION_MAX_LIFETIME_DAYS,
 * which `sessions_expiry_ck` enforces too).
 */
export async function startSession(
  db: Db,
  caller: RiderCaller,
  input: StartSessionInput = {},
): Promise<Result<{ session: RiderSession; token: string }>> {
  const values = parseInput(startSessionInput, input);
  if (!values.ok) return values;
  const token = newSessionToken();
  return attempt(IDENTITY_REFUSALS, async () => {
    const [rows] = await runAs(db, caller, (q) => [
      q
        .insert(sessionWrites)
        .values({
          user_id: caller.rider,
          token_hash: hashSessionToken(token),
          expires_at: sql`now() + make_interval(days => ${values.value.lifetime_days}::int)`,
        })
        .returning(sessionColumns),
    ]);
    return { session: rows[0]!, token };
  });
}

export interface LiveSession {
  session_id: string;
  user_id: string;
  expires_at: Date;
}

/**
 * The auth middleware's question, before it knows the rider: whose live
 * session is this token? Hashes it and asks `session_by_token_hash()`
 * (SECURITY DEFINER: no role may read `token_hash`), as `anonymous`; null for
 * an unknown, expired or revoked token. Then the request goes on as
 * `{ rider: session.user_id }`.
 */
export async function sessionByToken(db: Db, token: string): Promise<Result<LiveSession | null>> {
  if (typeof token !== 'string' || token.length === 0 || token.length > SESSION_TOKEN_MAX_LENGTH) {
    return refusal('invalid_input', 'invalid', `a session token is 1-${SESSION_TOKEN_MAX_LENGTH} characters`);
  }
  return attempt(IDENTITY_REFUSALS, async () => {
    const [result] = await runAs(db, 'anonymous', (q) => [
      q.execute(sql`SELECT session_id, user_id, expires_at FROM session_by_token_hash(${hashSessionToken(token)})`),
    ]);
    const row = rowsOf<{ session_id: string; user_id: string; expires_at: Date | string }>(result)[0];
    return row ? { session_id: row.session_id, user_id: row.user_id, expires_at: toDate(row.expires_at) } : null;
  });
}

/**
 * Signs one session out (`revoked_at` = now). `session_not_found`
 * (missing_reference) when the rider has no live session with that id.
 */
export async function revokeSession(db: Db, caller: RiderCaller, sessionId: string): Promise<Result<RiderSession>> {
  const id = parseId('session_id', sessionId);
  if (!id.ok) return id;
  return attempt(IDENTITY_REFUSALS, async () => {
    const [rows] = await runAs(db, caller, (q) => [
      q
        .update(sessions)
        .set({ revoked_at: sql`now()` })
        .where(and(eq(sessions.id, id.value), isNull(sessions.revoked_at)))
        .returning(sessionColumns),
    ]);
    return (
      rows[0] ?? refusal('session_not_found', 'missing_reference', `no live session of yours has id ${id.value}`, { session_id: id.value })
    );
  });
}

/** Signs the rider out everywhere: every session not yet revoked. Returns how many were. */
export async function revokeAllSessions(db: Db, caller: RiderCaller): Promise<Result<{ revoked: number }>> {
  return attempt(IDENTITY_REFUSALS, async () => {
    const [rows] = await runAs(db, caller, (q) => [
      q
        .update(sessions)
        .set({ revoked_at: sql`now()` })
        .where(and(eq(sessions.user_id, caller.rider), isNull(sessions.revoked_at)))
        .returning({ id: sessions.id }),
    ]);
    return { revoked: rows.length };
  });
}
