import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { refusalIn, rowsOf } from '@skatehubba/schema-kit';
import { IDENTITY_REFUSALS } from './refusals';

/**
 * How long an ended session (expired or revoked, whichever came first) is
 * kept before `pruneSessions()` deletes it: 30 days lets support answer
 * "was I signed in last week" from the live table; its history stays in the
 * audit trail (hash redacted) until that month is retired. The database's
 * `session_prune_grace_days()` returns the same number; a test holds the
 * two equal. Changing it is a migration.
 */
export const SESSION_PRUNE_GRACE_DAYS = 30;

/**
 * Runs `prune_sessions()`: deletes every session whose end,
 * `least(expires_at, revoked_at)`, is more than SESSION_PRUNE_GRACE_DAYS ago,
 * through `sessions_ended_at_idx`; each deletion is audited like any other.
 * Returns how many went. One statement, so one transaction of its own when
 * `db` is not already in one. Staff only (a member of skatehubba_owner, no
 * rider set); anyone else gets a `DataRuleError` `maintenance_staff_only`
 * (or, without EXECUTE, the driver's permission error).
 */
export async function pruneSessions(db: PgDatabase<PgQueryResultHKT, Record<string, unknown>>): Promise<number> {
  try {
    const [row] = rowsOf<{ pruned: number | string }>(await db.execute(sql`SELECT prune_sessions() AS pruned`));
    return Number(row!.pruned);
  } catch (error) {
    throw refusalIn(IDENTITY_REFUSALS, error) ?? error;
  }
}
