import { and, asc, eq, sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { ACTOR_SETTING, assertUuid, type Tx } from '@skatehubba/schema-kit';
import { auditLogs, type AuditedTable } from './audit-logs';

/** The transaction-local setting the audit trigger reads the actor from, when no rider is set. */
export { ACTOR_SETTING };

type AnyDb = PgDatabase<PgQueryResultHKT, Record<string, unknown>>;

/**
 * Runs `fn` in a transaction whose changes are audited as done by `actorId`:
 * staff and system work on the owner's login. A rider's own requests use
 * `asRider()`, which sets the actor too (and, when set, the rider wins).
 * The setting is transaction-local (`set_config(..., true)`), so it cannot leak
 * to the next user of a pooled connection.
 */
export async function withActor<D extends AnyDb, T>(db: D, actorId: string, fn: (tx: Tx<D>) => Promise<T>): Promise<T> {
  assertUuid('actor id', actorId);
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
