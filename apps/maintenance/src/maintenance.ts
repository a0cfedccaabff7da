import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import {
  AUDIT_PARTITIONS_AHEAD,
  AUDIT_RETENTION_MONTHS,
  auditPartitions,
  maintainAuditLogs,
  type AuditMaintenanceStep,
  type AuditPartition,
} from '@skatehubba/audit';
import { pruneSessions, SESSION_PRUNE_GRACE_DAYS } from '@skatehubba/identity';
import { NOTIFICATION_READ_RETENTION_DAYS, pruneNotifications } from '@skatehubba/notifications';
import { LEADERBOARD_DAYS, rollLeaderboards, type LeaderboardRoll } from '@skatehubba/spots';

type Db = PgDatabase<PgQueryResultHKT, Record<string, unknown>>;

/**
 * How long each maintenance transaction may wait for a lock before it gives
 * up (and changes nothing). Moving the default partition and retiring a month
 * take an ACCESS EXCLUSIVE lock on audit_logs; while that request waits
 * behind a long transaction, every audited write queues behind it. 10 s (the
 * migrations' own limit) bounds that stall; the next run tries again.
 */
export const MAINTENANCE_LOCK_TIMEOUT = '10s';

export type TaskResult<T> = { ok: true; value: T } | { ok: false; error: unknown };

export interface MaintenanceReport {
  audit: TaskResult<AuditMaintenanceStep[]>;
  sessions: TaskResult<number>;
  notifications: TaskResult<number>;
  leaderboards: TaskResult<LeaderboardRoll>;
  partitions: AuditPartition[];
}

/** Runs `fn` in a transaction of its own with the lock timeout set (SET LOCAL: it ends with the transaction). */
function inOwnTransaction<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<TaskResult<T>> {
  return db
    .transaction(async (tx) => {
      await tx.execute(sql.raw(`SET LOCAL lock_timeout = '${MAINTENANCE_LOCK_TIMEOUT}'`));
      return fn(tx as unknown as Db);
    })
    .then(
      (value): TaskResult<T> => ({ ok: true, value }),
      (error: unknown): TaskResult<T> => ({ ok: false, error }),
    );
}

/**
 * One maintenance run: the audit partitions (move, create ahead, retire),
 * then session pruning, notification pruning and the leaderboards' window, each in its own
 * transaction, so a failure of one (a lock it could not get) still lets the
 * others do their work.
 */
export async function runMaintenance(db: Db): Promise<MaintenanceReport> {
  const audit = await inOwnTransaction(db, maintainAuditLogs);
  const sessions = await inOwnTransaction(db, pruneSessions);
  const notifications = await inOwnTransaction(db, pruneNotifications);
  const leaderboards = await inOwnTransaction(db, (tx) => rollLeaderboards(tx));
  const partitions = await auditPartitions(db).catch(() => []);
  return { audit, sessions, notifications, leaderboards, partitions };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** audit_logs_2026_11 -> 2026-11 */
const month = (name: string) => name.replace(/^audit_logs_(\d{4})_(\d{2})$/, '$1-$2');

/** One line per action, in the order the database did them. */
export function actionLines(report: MaintenanceReport): string[] {
  const lines: string[] = [];
  if (report.audit.ok) {
    for (const step of report.audit.value) {
      const what = {
        moved: `moved ${plural(step.rows, 'row')} from the default partition into ${step.partition}`,
        created: `created ${step.partition}`,
        retired: `retired ${step.partition} with ${plural(step.rows, 'row')} (older than ${AUDIT_RETENTION_MONTHS} months)`,
      }[step.action];
      lines.push(`audit_logs: ${what ?? `${step.action} ${step.partition} (${step.rows} rows)`}`);
    }
  }
  if (report.sessions.ok && report.sessions.value > 0) {
    lines.push(`sessions: pruned ${plural(report.sessions.value, 'session')} that ended over ${SESSION_PRUNE_GRACE_DAYS} days ago`);
  }
  if (report.notifications.ok && report.notifications.value > 0) {
    lines.push(
      `notifications: pruned ${plural(report.notifications.value, 'notification')} read over ${NOTIFICATION_READ_RETENTION_DAYS} days ago`,
    );
  }
  if (report.leaderboards.ok && report.leaderboards.value.checkins_moved > 0) {
    const roll = report.leaderboards.value;
    lines.push(
      `leaderboards: window now starts ${roll.window_start.toISOString().slice(0, 10)} (${LEADERBOARD_DAYS} days); ${plural(roll.checkins_moved, 'check-in')} left the counts`,
    );
  }
  return lines;
}

/** The closing line: what changed, and the partition layout it left. */
export function summaryLine(report: MaintenanceReport): string {
  const parts: string[] = [];
  if (report.audit.ok) {
    const steps = report.audit.value;
    const of = (action: AuditMaintenanceStep['action']) => steps.filter((s) => s.action === action);
    const rows = (list: AuditMaintenanceStep[]) =>
      plural(
        list.reduce((n, s) => n + s.rows, 0),
        'row',
      );
    parts.push(
      steps.length === 0
        ? 'audit_logs: nothing to do'
        : `audit_logs: ${of('created').length} created, ${of('moved').length} moved into (${rows(of('moved'))}), ${of('retired').length} retired (${rows(of('retired'))})`,
    );
  } else parts.push('audit_logs: FAILED');
  parts.push(report.sessions.ok ? `sessions: ${report.sessions.value} pruned` : 'sessions: FAILED');
  parts.push(report.notifications.ok ? `notifications: ${report.notifications.value} pruned` : 'notifications: FAILED');
  parts.push(
    report.leaderboards.ok
      ? `leaderboards: from ${report.leaderboards.value.window_start.toISOString().slice(0, 10)}`
      : 'leaderboards: FAILED',
  );
  const months = report.partitions.filter((p) => p.name !== 'audit_logs_default').map((p) => month(p.name));
  const hasDefault = report.partitions.some((p) => p.name === 'audit_logs_default');
  if (months.length) {
    parts.push(
      `partitions ${months[0]} .. ${months.at(-1)} (${plural(months.length, 'month')}, ${AUDIT_PARTITIONS_AHEAD} ahead)${hasDefault ? ' + default' : ''}`,
    );
  }
  const done = report.audit.ok && report.sessions.ok && report.notifications.ok && report.leaderboards.ok;
  return `maintenance ${done ? 'done' : 'failed'}: ${parts.join('; ')}`;
}
