import { createInsertSchema, createSelectSchema, createUpdateSchema } from 'drizzle-zod';
import type { z } from 'zod';
import { codePointLength, storableText, signedUrl, tokenHashSchema, withLength } from '@skatehubba/schema-kit';
import { DISPLAY_NAME_MAX_LENGTH, EMAIL_MAX_LENGTH, EMAIL_PATTERN_JS, HANDLE_PATTERN, SESSION_MAX_LIFETIME_DAYS } from './constants';
import { sessions } from './sessions';
import { users } from './users';

// Each refinement mirrors a named CHECK; the constraint name is in the comment.
const userRefinements = {
  handle: (s: z.ZodString) => s.regex(new RegExp(HANDLE_PATTERN), 'must be 3-30 of a-z, 0-9, _'), // users_handle_ck
  email: (s: z.ZodString) =>
    s
      .refine((v) => codePointLength(v) <= EMAIL_MAX_LENGTH, `must be at most ${EMAIL_MAX_LENGTH} characters`)
      .refine((v) => EMAIL_PATTERN_JS.test(v) && storableText(v), 'must look like name@domain.tld'), // users_email_ck
  display_name: (s: z.ZodString) => withLength(1, DISPLAY_NAME_MAX_LENGTH)(s).refine(storableText), // users_display_name_ck
  avatar_url: signedUrl, // users_avatar_url_ck
};

// drizzle-zod types a refined nullable column as required although it parses
// it as optional; .partial() on those keys makes the type say what runtime does.
export const userInsertSchema = createInsertSchema(users, userRefinements).omit({ updated_at: true }).partial({ avatar_url: true });
export const userUpdateSchema = createUpdateSchema(users, userRefinements).omit({ id: true, created_at: true, updated_at: true }).partial();
export const userSelectSchema = createSelectSchema(users);

const DAY_MS = 86_400_000;

/** Mirrors `sessions_expiry_ck` and `sessions_revoked_at_ck`; `created_at` defaults to now, as in the database. */
export const sessionInsertSchema = createInsertSchema(sessions, {
  token_hash: () => tokenHashSchema, // sessions_token_hash_ck
})
  .omit({ updated_at: true })
  .superRefine((row, ctx) => {
    const created = row.created_at ?? new Date();
    const lifetime = row.expires_at.getTime() - created.getTime();
    if (!(lifetime > 0 && lifetime <= SESSION_MAX_LIFETIME_DAYS * DAY_MS)) {
      ctx.addIssue({
        code: 'custom',
        path: ['expires_at'],
        message: `must be after created_at and at most ${SESSION_MAX_LIFETIME_DAYS} days later`,
      });
    }
    if (row.revoked_at && row.revoked_at.getTime() < created.getTime()) {
      ctx.addIssue({ code: 'custom', path: ['revoked_at'], message: 'must not be before created_at' });
    }
  });
export const sessionSelectSchema = createSelectSchema(sessions);
export const sessionUpdateSchema = createUpdateSchema(sessions).pick({ revoked_at: true });

// What a rider's request may carry (sign-up, profile edits, sign-in) is
// @skatehubba/contracts' `signUpInput`, `updateProfileInput` and
// `startSessionInput`: strict, without server-owned fields, and held equal to
// the app role's grants by `inputs.int.test.ts` in the aggregator. The schemas
// here are row shapes, for tests and the seed.
