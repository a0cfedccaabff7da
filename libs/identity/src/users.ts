import { sql } from 'drizzle-orm';
import { check, pgPolicy, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { stanceEnum } from '@skatehubba/enums/pg';
import {
  anonymousRole,
  authenticatedRole,
  currentRider,
  idColumn,
  lengthCheck,
  literal,
  mutableTimestamps,
  ownerRole,
  readonlyRole,
  signedUrlCheck,
} from '@skatehubba/schema-kit';
import { DISPLAY_NAME_MAX_LENGTH, EMAIL_MAX_LENGTH, EMAIL_PATTERN, HANDLE_PATTERN } from './constants';

/**
 * A rider's account. Written by sign-up and profile edits; audited.
 *
 * No password or secret lives here: sign-in is by emailed link or OAuth, and
 * sessions store only a token hash (`sessions`).
 *
 * FK policy: other tables point here. Deleting a user is account erasure:
 * sessions, check-ins, saved spots and achievement progress go with them
 * (CASCADE); spots they created stay for everyone (`spots.created_by` SET NULL);
 * the audit trail stays (it has no FK).
 *
 * Access (RLS enabled and forced; column grants in `0005_privileges`):
 * - everyone (`anonymous`, `authenticated`, `skatehubba_readonly`) reads the
 *   public profile columns of every rider; `email` is granted to no one: a
 *   rider reads their own through `current_rider_email()`.
 * - a rider signs up as themself (`id` is the verified rider id, the identity
 *   provider's subject, so the app writes it and the policy pins it) and
 *   edits only their own row; `created_at`/`updated_at` are the database's.
 * - no one but the owner deletes: erasure is a flow of its own (`erase_rider()`,
 *   `eraseRider()`), which also redacts the rider from the audit trail and
 *   leaves a tombstone (`rider_erasures`) so the id cannot come back.
 */
export const users = pgTable(
  'users',
  {
    id: idColumn(),
    handle: text('handle').notNull(),
    email: text('email').notNull(),
    display_name: text('display_name').notNull(),
    stance: stanceEnum('stance').notNull().default('regular'),
    avatar_url: text('avatar_url'),
    ...mutableTimestamps(),
  },
  (t) => [
    primaryKey({ name: 'users_pk', columns: [t.id] }),
    // @handle is how riders find each other; lowercase-only so a plain unique index is case-insensitive.
    check('users_handle_ck', sql`${t.handle} ~ ${literal(HANDLE_PATTERN)}`),
    uniqueIndex('users_handle_uq').on(t.handle),
    check(
      'users_email_ck',
      sql`char_length(${t.email}) <= ${sql.raw(String(EMAIL_MAX_LENGTH))} AND ${t.email} ~ ${literal(EMAIL_PATTERN)}`,
    ),
    // One account per mailbox whatever the case: sign-in looks up lower(email).
    uniqueIndex('users_email_uq').on(sql`lower(${t.email})`),
    lengthCheck('users_display_name_ck', t.display_name, 1, DISPLAY_NAME_MAX_LENGTH),
    signedUrlCheck('users_avatar_url_ck', t.avatar_url),
    pgPolicy('users_read_pol', { for: 'select', to: [anonymousRole, authenticatedRole, readonlyRole], using: sql`true` }),
    pgPolicy('users_sign_up_pol', { for: 'insert', to: authenticatedRole, withCheck: sql`${t.id} = ${currentRider}` }),
    pgPolicy('users_edit_own_pol', {
      for: 'update',
      to: authenticatedRole,
      using: sql`${t.id} = ${currentRider}`,
      withCheck: sql`${t.id} = ${currentRider}`,
    }),
    // current_rider_email() (SECURITY DEFINER) reads the rider's own row as the owner.
    pgPolicy('users_owner_read_pol', { for: 'select', to: ownerRole, using: sql`true` }),
    // erase_rider() (SECURITY DEFINER) deletes the account; nothing else deletes a user.
    pgPolicy('users_owner_erase_pol', { for: 'delete', to: ownerRole, using: sql`true` }),
    // The check-in count triggers (SECURITY DEFINER) lock a rider's row (FOR NO
    // KEY UPDATE, which reads UPDATE policies) so that one rider's concurrent
    // writes count a spot once; WITH CHECK false: no owner function changes a user.
    pgPolicy('users_owner_lock_pol', { for: 'update', to: ownerRole, using: sql`true`, withCheck: sql`false` }),
  ],
).enableRLS();

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
