import { z } from 'zod';
import { stanceSchema } from '@skatehubba/enums';
import {
  DISPLAY_NAME_MAX_LENGTH,
  EMAIL_MAX_LENGTH,
  EMAIL_PATTERN_JS,
  HANDLE_PATTERN,
  SESSION_DEFAULT_LIFETIME_DAYS,
  SESSION_MAX_LIFETIME_DAYS,
} from '../limits';
import { codePointLength, signedUrlSchema, storableText } from '../text';
import { AT_LEAST_ONE_FIELD, atLeastOneField, text } from './fields';

// Each field mirrors a named CHECK; the constraint name is in the comment.
const handle = z.string().regex(new RegExp(HANDLE_PATTERN), 'must be 3-30 of a-z, 0-9, _'); // users_handle_ck
const email = z
  .string()
  .refine((v) => codePointLength(v) <= EMAIL_MAX_LENGTH, `must be at most ${EMAIL_MAX_LENGTH} characters`)
  .refine((v) => EMAIL_PATTERN_JS.test(v) && storableText(v), 'must look like name@domain.tld'); // users_email_ck
const displayName = text(1, DISPLAY_NAME_MAX_LENGTH); // users_display_name_ck
const avatarUrl = signedUrlSchema; // users_avatar_url_ck

/**
 * Sign-up: a rider's profile. No `id`: it is the verified rider id (the
 * identity provider's subject), taken from the session, never from the body.
 * `stance` defaults to `regular` in the database.
 */
export const signUpInput = z.strictObject({
  handle,
  email,
  display_name: displayName,
  stance: stanceSchema.optional(),
  avatar_url: avatarUrl.optional(),
});
export type SignUpInput = z.input<typeof signUpInput>;
export type SignUpValues = z.output<typeof signUpInput>;

/** A profile edit: any of the sign-up fields, at least one; `avatar_url: null` removes the avatar. */
export const updateProfileInput = z
  .strictObject({
    handle: handle.optional(),
    email: email.optional(),
    display_name: displayName.optional(),
    stance: stanceSchema.optional(),
    avatar_url: avatarUrl.nullable().optional(),
  })
  .refine(atLeastOneField, AT_LEAST_ONE_FIELD);
export type UpdateProfileInput = z.input<typeof updateProfileInput>;
export type UpdateProfileValues = z.output<typeof updateProfileInput>;

/**
 * Starting a session (sign-in). The client asks only for a lifetime; the
 * server makes the token (shown once), stores its hash, and sets
 * `expires_at` = now + `lifetime_days` (sessions_expiry_ck: at most
 * SESSION_MAX_LIFETIME_DAYS).
 */
export const startSessionInput = z.strictObject({
  lifetime_days: z.int().min(1).max(SESSION_MAX_LIFETIME_DAYS).default(SESSION_DEFAULT_LIFETIME_DAYS),
});
export type StartSessionInput = z.input<typeof startSessionInput>;
export type StartSessionValues = z.output<typeof startSessionInput>;
