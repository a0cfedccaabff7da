import { sql } from 'drizzle-orm';
import { check, foreignKey, index, pgPolicy, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import {
  authenticatedRole,
  createdAt,
  currentRider,
  idColumn,
  ownerRole,
  readonlyRole,
  timestamptz,
  tokenHashCheck,
  updatedAt,
} from '@skatehubba/schema-kit';
import { SESSION_MAX_LIFETIME_DAYS } from './constants';
import { users } from './users';

/**
 * A server session. The client holds a random token; the row holds only its
 * SHA-256 (`token_hash`, 64 hex characters, enforced by `sessions_token_hash_ck`),
 * so a database leak yields no usable token. Audited, with the hash redacted.
 *
 * FK policy: `user_id` CASCADE. A session means nothing without its user.
 * Sign-out sets `revoked_at`; expired and revoked rows are kept for the audit
 * trail until a cleanup job deletes them.
 *
 * Access (RLS enabled and forced; column grants in `0005_privileges`):
 * - a rider starts sessions for themself (`user_id`, `token_hash`,
 *   `expires_at`; the rest is the database's), sees only their own, and
 *   revokes only their own (`revoked_at` is the one column they may update).
 * - `token_hash` is readable by no role but the owner. The auth middleware,
 *   which does not know the rider yet, finds a live session by hash through
 *   `session_by_token_hash()` (SECURITY DEFINER), which returns no hash.
 * - `skatehubba_readonly` reads every session, without the hash.
 */
export const sessions = pgTable(
  'sessions',
  {
    id: idColumn(),
    user_id: uuid('user_id').notNull(),
    token_hash: text('token_hash').notNull(),
    created_at: createdAt(),
    expires_at: timestamptz('expires_at').notNull(),
    revoked_at: timestamptz('revoked_at'),
    updated_at: updatedAt(),
  },
  (t) => [
    primaryKey({ name: 'sessions_pk', columns: [t.id] }),
    foreignKey({ name: 'sessions_user_id_fk', columns: [t.user_id], foreignColumns: [users.id] }).onDelete('cascade'),
    tokenHashCheck('sessions_token_hash_ck', t.token_hash),
    // Request authentication looks sessions up by hash.
    uniqueIndex('sessions_token_hash_uq').on(t.token_hash),
    check(
      'sessions_expiry_ck',
      sql`${t.expires_at} > ${t.created_at} AND ${t.expires_at} <= ${t.created_at} + interval '${sql.raw(String(SESSION_MAX_LIFETIME_DAYS))} days'`,
    ),
    check('sessions_revoked_at_ck', sql`${t.revoked_at} IS NULL OR ${t.revoked_at} >= ${t.created_at}`),
    // Serves "sign out everywhere" and the CASCADE on user erasure (without it, a full scan per deleted user).
    index('sessions_user_id_idx').on(t.user_id),
    // Serves pruning: a session ends at its expiry or its revocation, whichever is first
    // (LEAST ignores the NULL of a session never revoked).
    index('sessions_ended_at_idx').on(sql`least(${t.expires_at}, ${t.revoked_at})`),
    pgPolicy('sessions_own_read_pol', { for: 'select', to: authenticatedRole, using: sql`${t.user_id} = ${currentRider}` }),
    pgPolicy('sessions_own_start_pol', { for: 'insert', to: authenticatedRole, withCheck: sql`${t.user_id} = ${currentRider}` }),
    pgPolicy('sessions_own_revoke_pol', {
      for: 'update',
      to: authenticatedRole,
      using: sql`${t.user_id} = ${currentRider}`,
      withCheck: sql`${t.user_id} = ${currentRider}`,
    }),
    pgPolicy('sessions_readonly_pol', { for: 'select', to: readonlyRole, using: sql`true` }),
    // session_by_token_hash() (SECURITY DEFINER) looks a session up before the rider is known.
    pgPolicy('sessions_owner_read_pol', { for: 'select', to: ownerRole, using: sql`true` }),
    // prune_sessions() (SECURITY DEFINER) removes sessions ended longer ago than the grace period.
    pgPolicy('sessions_owner_prune_pol', { for: 'delete', to: ownerRole, using: sql`true` }),
  ],
).enableRLS();

export type Session = typeof sessions.$inferSelect;
export type NewSession = typeof sessions.$inferInsert;
