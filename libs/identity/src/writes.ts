import { pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { stanceEnum } from '@skatehubba/enums/pg';
import { timestamptz } from '@skatehubba/schema-kit';

/*
 * What a rider may INSERT, as drizzle objects over the same tables: exactly
 * the columns granted to `authenticated` (0005_privileges). See
 * `@skatehubba/spots` writes.ts for why inserts by the app role go through
 * these: drizzle names every column of its table, and Postgres checks each.
 * `id` is here for users: it is the verified rider id, pinned by users_sign_up_pol.
 */

export const userWrites = pgTable('users', {
  id: uuid('id').notNull(),
  handle: text('handle').notNull(),
  email: text('email').notNull(),
  display_name: text('display_name').notNull(),
  stance: stanceEnum('stance'),
  avatar_url: text('avatar_url'),
});

export const sessionWrites = pgTable('sessions', {
  user_id: uuid('user_id').notNull(),
  token_hash: text('token_hash').notNull(),
  expires_at: timestamptz('expires_at').notNull(),
});
