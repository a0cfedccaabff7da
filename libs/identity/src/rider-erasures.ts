import { sql } from 'drizzle-orm';
import { bigint, check, index, pgPolicy, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, ownerRole, readonlyRole } from '@skatehubba/schema-kit';

export const ERASURE_REQUESTERS = ['rider', 'staff'] as const;
export type ErasureRequester = (typeof ERASURE_REQUESTERS)[number];

/**
 * Tombstones: one row per erased rider, written by `erase_rider()` in the
 * erasure's own transaction.
 *
 * - `rider_digest`: SHA-256 (hex) of the erased id's text. It recognises the id
 *   (`users_not_erased_trg` refuses to create a user with it again, so a retry
 *   of an old sign-up cannot resurrect the account) without storing it. Ids are
 *   random UUIDs (122 random bits): the digest cannot be reversed by guessing.
 * - No pseudonym: the erasure rewrites the rider's audit rows to a fresh
 *   random id that is stored nowhere, so neither this row nor the digest leads
 *   to them.
 * - `transaction_id`: the audit trail's append-only trigger lets a transaction
 *   rewrite identities only if it wrote a tombstone (the erasure itself).
 *
 * Access (RLS enabled and forced): written and read by the owner (the definer
 * flows); `skatehubba_readonly` reads (support answers "was this account
 * erased, and when"). The app roles hold nothing.
 */
export const riderErasures = pgTable(
  'rider_erasures',
  {
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    rider_digest: text('rider_digest').notNull(),
    requested_by: text('requested_by', { enum: ERASURE_REQUESTERS }).notNull(),
    // When the rider was erased.
    created_at: createdAt(),
    transaction_id: bigint('transaction_id', { mode: 'number' })
      .notNull()
      .default(sql`txid_current()`),
  },
  (t) => [
    primaryKey({ name: 'rider_erasures_pk', columns: [t.id] }),
    uniqueIndex('rider_erasures_rider_digest_uq').on(t.rider_digest),
    check('rider_erasures_requested_by_ck', sql`${t.requested_by} IN ('rider', 'staff')`),
    check('rider_erasures_rider_digest_ck', sql`${t.rider_digest} ~ '^[0-9a-f]{64}$'`),
    // The append-only trigger asks "did this transaction write a tombstone?" once per audit row it rewrites.
    index('rider_erasures_transaction_id_idx').on(t.transaction_id),
    pgPolicy('rider_erasures_owner_pol', { for: 'all', to: ownerRole, using: sql`true`, withCheck: sql`true` }),
    pgPolicy('rider_erasures_readonly_pol', { for: 'select', to: readonlyRole, using: sql`true` }),
  ],
).enableRLS();

export type RiderErasure = typeof riderErasures.$inferSelect;
