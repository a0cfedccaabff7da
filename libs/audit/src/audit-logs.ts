import { sql } from 'drizzle-orm';
import { bigint, check, index, jsonb, pgPolicy, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, ownerRole, readonlyRole } from '@skatehubba/schema-kit';

export const AUDIT_ACTIONS = ['insert', 'update', 'delete'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Tables whose every INSERT, UPDATE and DELETE writes an audit row (trigger `<table>_audit_insert_trg`, `_update_trg`, `_delete_trg`: statement triggers, one INSERT ... SELECT per statement). */
export const AUDITED_TABLES = ['users', 'sessions', 'spots', 'saved_spots', 'checkins', 'achievements', 'user_achievements'] as const;
export type AuditedTable = (typeof AUDITED_TABLES)[number];

/** Columns replaced by this marker in `changes`: secrets never reach the trail. */
export const AUDIT_REDACTED = '[redacted]';

/**
 * The audit trail: one row per row-level change on an audited table, written
 * by the `audit_row_change()` trigger in the same transaction as the change,
 * so raw SQL is audited too and a rolled-back change leaves no row.
 *
 * - `actor_id`: the `skatehubba.actor_id` transaction setting (`withActor()`),
 *   NULL for system changes. No FK on purpose: the trail outlives the user.
 *   RESTRICT would block account erasure and SET NULL would rewrite history.
 * - `target_table`, `target_id`: the changed row; composite keys are joined
 *   with `/` in key order (`saved_spots`: `user_id/spot_id`).
 * - `subject_id`: the rider the row is about (the user, or the row's
 *   `user_id` / `created_by`); NULL for achievements. Export and erasure
 *   find a rider's rows by `actor_id` or `subject_id`.
 * - `changes`: insert and delete carry the row; update carries
 *   `{column: [old, new]}` for changed columns. `users.email`,
 *   `sessions.token_hash` and `checkins.note` are left out at capture.
 * - `transaction_id`: ties the rows of one transaction together.
 *
 * Partitioned by month on `created_at` (migration `0008_audit_partitions`;
 * drizzle cannot declare it, so the key includes `created_at`):
 * `audit_partitions.audit_logs_YYYY_MM` plus a default partition, made ahead
 * and retired whole by `maintain_audit_logs()`.
 *
 * Append-only: `audit_logs_append_only_trg` refuses UPDATE and DELETE and
 * `audit_logs_no_truncate_trg` TRUNCATE, on every partition too; the one way
 * past is `erase_rider()`, which may rewrite who a row names.
 * Read in `id` order (a bigint identity, monotonic per insert).
 *
 * Access (RLS enabled and forced): unforgeable by the app. No role but the
 * owner may INSERT, UPDATE, DELETE or TRUNCATE; the audit trigger function is
 * SECURITY DEFINER, so a rider's change is written as the owner, with the
 * rider as actor. `skatehubba_readonly` reads the trail (emails and token
 * hashes never reach it); the app roles read nothing.
 */
export const auditLogs = pgTable(
  'audit_logs',
  {
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    actor_id: uuid('actor_id'),
    subject_id: uuid('subject_id'),
    action: text('action', { enum: AUDIT_ACTIONS }).notNull(),
    target_table: text('target_table').notNull(),
    target_id: text('target_id').notNull(),
    changes: jsonb('changes').$type<Record<string, unknown>>().notNull(),
    transaction_id: bigint('transaction_id', { mode: 'number' })
      .notNull()
      .default(sql`txid_current()`),
    created_at: createdAt(),
  },
  (t) => [
    // A partitioned table's keys must include its partition key (created_at).
    primaryKey({ name: 'audit_logs_pk', columns: [t.id, t.created_at] }),
    check('audit_logs_action_ck', sql`${t.action} IN ('insert', 'update', 'delete')`),
    // Serves "history of this row" (auditTrailFor), newest last.
    index('audit_logs_target_idx').on(t.target_table, t.target_id, t.id),
    // Serves "what did this rider do" (auditTrailByActor) for support, export and erasure.
    index('audit_logs_actor_id_idx').on(t.actor_id, t.id),
    // Serves "everything about this rider" for export and erasure (eraseRider redacts by actor or subject).
    index('audit_logs_subject_id_idx').on(t.subject_id, t.id),
    pgPolicy('audit_logs_readonly_pol', { for: 'select', to: readonlyRole, using: sql`true` }),
    // audit_row_change() (SECURITY DEFINER) appends as the owner; the append-only triggers refuse the rest.
    pgPolicy('audit_logs_owner_append_pol', { for: 'insert', to: ownerRole, withCheck: sql`true` }),
    // export_rider() reads a rider's rows; erase_rider() rewrites their identity, which the
    // append-only trigger allows only inside an erasure (a rider_erasures row in the same transaction).
    pgPolicy('audit_logs_owner_read_pol', { for: 'select', to: ownerRole, using: sql`true` }),
    pgPolicy('audit_logs_owner_redact_pol', { for: 'update', to: ownerRole, using: sql`true`, withCheck: sql`true` }),
  ],
).enableRLS();

export type AuditLog = typeof auditLogs.$inferSelect;
