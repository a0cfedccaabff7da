import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { refusalIn, rowsOf } from '@skatehubba/schema-kit';
import { AUDIT_REFUSALS } from './refusals';

type AnyDb = PgDatabase<PgQueryResultHKT, Record<string, unknown>>;

/**
 * How long the audit trail keeps a month: a partition is retired (detached
 * and dropped whole, never DELETEd row by row) once its upper bound is at
 * least this many months in the past. 13 months keeps a full year plus the
 * month a yearly review runs in. The database's `audit_retention_months()`
 * returns the same number; a test holds the two equal. Changing it is a
 * migration.
 */
export const AUDIT_RETENTION_MONTHS = 13;

/**
 * Months the maintenance creates ahead of the current one (this month and the
 * next 3). A write with no partition to land in never fails: the default
 * partition catches it, and the next maintenance run moves it into its month.
 * 3 months ahead means maintenance may stop for about 3 months before any
 * write lands in the default partition.
 */
export const AUDIT_PARTITIONS_AHEAD = 3;

/** The schema holding the monthly partitions, owned by skatehubba_owner, with USAGE for no one else. */
export const AUDIT_PARTITION_SCHEMA = 'audit_partitions';

/** The name of the default partition in AUDIT_PARTITION_SCHEMA. */
export const AUDIT_DEFAULT_PARTITION = 'audit_logs_default';

/**
 * What one maintenance run did, one entry per partition it touched:
 * - `moved`: rows that had landed in the default partition were moved into
 *   their month's partition (`rows` of them);
 * - `created`: a month partition was created ahead (`rows` 0);
 * - `retired`: a month past retention was detached and dropped with the
 *   `rows` it held.
 * Each is also one audit row (target_table 'audit_logs', target_id the
 * partition, action update / insert / delete).
 */
export type AuditMaintenanceAction = 'moved' | 'created' | 'retired';
export interface AuditMaintenanceStep {
  action: AuditMaintenanceAction;
  /** The partition's name, as the database reports it (audit_logs_YYYY_MM). */
  partition: string;
  rows: number;
}

/**
 * Runs `maintain_audit_logs()`: moves what landed in the default partition,
 * creates partitions for this month and AUDIT_PARTITIONS_AHEAD more, retires
 * those past AUDIT_RETENTION_MONTHS. One statement, so one transaction of its
 * own when `db` is not already in one; the function takes a transaction
 * advisory lock, so concurrent runs wait for each other, and a run with
 * nothing to do returns []. Staff only: the migrations' login or another
 * member of skatehubba_owner, with no rider set; anyone else gets a
 * `DataRuleError` `maintenance_staff_only` (or, without EXECUTE, the
 * driver's permission error).
 */
export async function maintainAuditLogs(db: AnyDb): Promise<AuditMaintenanceStep[]> {
  try {
    const rows = rowsOf<{ action: AuditMaintenanceAction; partition: string; rows: number | string }>(
      await db.execute(sql`SELECT action, "partition", "rows" FROM maintain_audit_logs()`),
    );
    // bigint comes back as a string from node-postgres: a partition's rows fit a double by far.
    return rows.map((r) => ({ action: r.action, partition: r.partition, rows: Number(r.rows) }));
  } catch (error) {
    throw refusalIn(AUDIT_REFUSALS, error) ?? error;
  }
}

/** One partition of audit_logs as the catalog describes it. */
export interface AuditPartition {
  /** audit_logs_YYYY_MM or audit_logs_default. */
  name: string;
  schema: string;
  /** pg_get_expr() of the bound: `FOR VALUES FROM (...) TO (...)` or `DEFAULT`. */
  bound: string;
}

/**
 * The partitions of audit_logs, by name (so months in order, then the
 * default). Reads only the catalog, so any login may call it.
 */
export async function auditPartitions(db: AnyDb): Promise<AuditPartition[]> {
  return rowsOf<AuditPartition>(
    await db.execute(sql`
      SELECT c.relname AS name, n.nspname AS schema, pg_get_expr(c.relpartbound, c.oid) AS bound
        FROM pg_inherits i
        JOIN pg_class c ON c.oid = i.inhrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE i.inhparent = 'public.audit_logs'::regclass
       ORDER BY c.relname`),
  );
}
