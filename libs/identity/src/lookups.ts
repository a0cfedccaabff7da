import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { rowsOf } from '@skatehubba/schema-kit';

type AnyDb = PgDatabase<PgQueryResultHKT, Record<string, unknown>>;

export interface LiveSession {
  sessionId: string;
  userId: string;
  expiresAt: Date;
}

/**
 * The auth middleware's one question before it knows the rider: whose live
 * session is this token hash? `session_by_token_hash()` (SECURITY DEFINER)
 * answers it without letting any role read `sessions.token_hash`, and answers
 * nothing for an expired or revoked session. Runs as `anonymous` or
 * `authenticated` (`asAnonymous()` on the API's login), then the request
 * continues as the rider: `asRider(db, session.userId, ...)`.
 */
export async function sessionByTokenHash(db: AnyDb, tokenHash: string): Promise<LiveSession | null> {
  const [row] = rowsOf<{ session_id: string; user_id: string; expires_at: Date | string }>(
    await db.execute(sql`SELECT session_id, user_id, expires_at FROM session_by_token_hash(${tokenHash})`),
  );
  return row ? { sessionId: row.session_id, userId: row.user_id, expiresAt: new Date(row.expires_at) } : null;
}

/**
 * The signed-in rider's own email (`asRider()`), or null without a rider. No
 * role may SELECT `users.email`; `current_rider_email()` (SECURITY DEFINER)
 * reads only the current rider's row.
 */
export async function currentRiderEmail(db: AnyDb): Promise<string | null> {
  const [row] = rowsOf<{ email: string | null }>(await db.execute(sql`SELECT current_rider_email() AS email`));
  return row?.email ?? null;
}
