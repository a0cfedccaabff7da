import { z } from 'zod';
import {
  MEDIA_URL_MAX_LENGTH,
  SIGNED_URL_EXPIRY,
  SIGNED_URL_SHAPE,
  SIGNED_URL_SIGNATURE,
  TOKEN_HASH_PATTERN,
  URL_FORBIDDEN_CHARS,
} from './limits';

/**
 * zod mirrors of the database's text rules. Postgres `char_length` counts
 * code points, JS `.length` counts UTF-16 units (an emoji is 1 vs 2), so
 * lengths are counted the way the database counts them.
 */
export const codePointLength = (value: string) => Array.from(value).length;

/** Refines a string schema to a code-point length in [min, max], mirroring schema-kit's `lengthCheck`. */
export const withLength =
  (min: number, max: number) =>
  <S extends z.ZodString>(schema: S) =>
    schema.refine((v) => {
      const n = codePointLength(v);
      return n >= min && n <= max;
    }, `must be ${min}-${max} characters`);

/** An unpaired UTF-16 surrogate: not a character, and not encodable as UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Text Postgres can store exactly. It refuses U+0000 (SQLSTATE 22021), so the
 * API answers 400 rather than 500. A lone surrogate never reaches Postgres:
 * the drivers encode it as U+FFFD, so the stored text would differ from what
 * was sent; refusing it here is the only place that can.
 */
export const storableText = (value: string) => !value.includes('\u0000') && !LONE_SURROGATE.test(value);

/** The rule of every `*_url_ck` (schema-kit's `signedUrlCheck`), in JS. */
export function isSignedUrl(value: string): boolean {
  return (
    value.length <= MEDIA_URL_MAX_LENGTH &&
    !new RegExp(URL_FORBIDDEN_CHARS).test(value) &&
    new RegExp(SIGNED_URL_SHAPE, 'i').test(value) &&
    new RegExp(SIGNED_URL_SIGNATURE, 'i').test(value) &&
    new RegExp(SIGNED_URL_EXPIRY, 'i').test(value)
  );
}

const SIGNED_URL_MESSAGE = 'must be a signed https URL with signature and expiry parameters';

export const signedUrlSchema = z.string().refine((v) => isSignedUrl(v) && storableText(v), SIGNED_URL_MESSAGE);

/**
 * The same rule as a refinement of a given string schema, for drizzle-zod's
 * per-column callbacks: drizzle-zod keeps the column's nullability and
 * optionality in both the runtime schema and its inferred type (a
 * replacement schema would be optional at runtime but required in the type).
 */
export const signedUrl = <S extends z.ZodString>(schema: S) => schema.refine((v) => isSignedUrl(v) && storableText(v), SIGNED_URL_MESSAGE);

export const tokenHashSchema = z.string().regex(new RegExp(TOKEN_HASH_PATTERN), 'must be a SHA-256 hex digest');
