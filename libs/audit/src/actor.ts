import { and, asc, eq, sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { auditLogs, type AuditedTable } from './audit-logs';

/** The transaction-local setting the audit trigger reads the actor from. */
export const ACTOR_SETTING = 'skatehubba.actor_id';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type AnyDb = PgDatabase<PgQueryResultHKT, Record<string, unknown>>;
type Tx<D> = D extends PgDatabase<infer H, infer S, infer R> ? PgTransaction<H, S, R> : never;

/**
 * Runs `fn` in a transaction whose changes are audited as done by `actorId`.
 * The setting is transaction-local (`set_config(..., true)`), so it cannot leak
 * to the next user of a pooled connection.
 */
export async function withActor<D extends AnyDb, T>(db: D, actorId: string, fn: (tx: Tx<D>) => Promise<T>): Promise<T> {
  if (!UUID_RE.test(actorId)) throw new TypeError(`actor id must be a UUID, got ${JSON.stringify(actorId)}`);
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT set_config(${ACTOR_SETTING}, ${actorId}, true)`);
    return fn(tx as Tx<D>);
  }) as Promise<T>;
}

/** Every audit row for one row of one table, oldest first. Served by `audit_logs_target_idx`. */
export function auditTrailFor(db: AnyDb, table: AuditedTable, targetId: string) {
  return db
    .select()
    .from(auditLogs)
    .where(and(eq(auditLogs.target_table, table), eq(auditLogs.target_id, targetId)))
    .orderBy(asc(auditLogs.id));
}

/** Every audit row written on behalf of one actor, oldest first. Served by `audit_logs_actor_id_idx`. */
export function auditTrailByActor(db: AnyDb, actorId: string) {
  return db.select().from(auditLogs).where(eq(auditLogs.actor_id, actorId)).orderBy(asc(auditLogs.id));
}
