import { sql } from 'drizzle-orm';
import { check, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { literal } from './columns';
import {
  MEDIA_URL_MAX_LENGTH,
  SIGNED_URL_EXPIRY,
  SIGNED_URL_SHAPE,
  SIGNED_URL_SIGNATURE,
  TOKEN_HASH_PATTERN,
  URL_FORBIDDEN_CHARS,
} from './rules';

/** CHECK: the column is NULL or a signed https URL (see `SIGNED_URL_*`). */
export function signedUrlCheck(name: string, column: AnyPgColumn) {
  const max = sql.raw(String(MEDIA_URL_MAX_LENGTH));
  return check(
    name,
    sql`${column} IS NULL OR (char_length(${column}) <= ${max} AND ${column} !~ ${literal(URL_FORBIDDEN_CHARS)} AND ${column} ~* ${literal(SIGNED_URL_SHAPE)} AND ${column} ~* ${literal(SIGNED_URL_SIGNATURE)} AND ${column} ~* ${literal(SIGNED_URL_EXPIRY)})`,
  );
}

/** CHECK: the column holds a SHA-256 hex digest and nothing else. */
export function tokenHashCheck(name: string, column: AnyPgColumn) {
  return check(name, sql`${column} ~ ${literal(TOKEN_HASH_PATTERN)}`);
}
