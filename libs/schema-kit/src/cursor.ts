import { CURSOR_MAX_LENGTH } from '@skatehubba/contracts';
import { z } from 'zod';
import { DataRuleError } from './errors';
import { ok, refused, type Result } from './request';

/**
 * One page of a list, and where the next one starts: every list the libs
 * serve (feeds, history, spots near me, saved spots, achievements, the inbox,
 * leaderboards) returns this shape, with `next_cursor` null on the last page.
 * Pages are keyset pages, never OFFSET: page 1,000 costs what page 1 costs.
 */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/**
 * The one cursor encoder. A cursor is opaque to clients: base64url of a JSON
 * array whose first element names the list it belongs to, then the keyset
 * values of the last row served (timestamps as Postgres prints them, with
 * microseconds: a JS Date keeps milliseconds and would skip rows created in
 * the same millisecond). A cursor of one list is refused by another.
 */
export function encodeCursor(list: string, values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify([list, ...values]), 'utf8').toString('base64url');
}

/**
 * Reads a cursor of `list` back into its keyset values, checked against
 * `shape`; `invalid_cursor` (kind `invalid`) for anything else: a cursor of
 * another list, a tampered or truncated one.
 */
export function decodeCursor<S extends z.ZodTuple>(list: string, cursor: string, shape: S): Result<z.output<S>> {
  const invalid = (why: string) =>
    refused(
      DataRuleError.fromRule({
        rule: 'invalid_cursor',
        kind: 'invalid',
        message: `the cursor is not one this list gave out (${why}); start again from the first page`,
        facts: { list },
      }),
    );
  if (cursor.length > CURSOR_MAX_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) return invalid('malformed');
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return invalid('malformed');
  }
  if (!Array.isArray(decoded) || decoded[0] !== list) return invalid('another list');
  const values = shape.safeParse(decoded.slice(1));
  return values.success ? ok(values.data) : invalid('malformed');
}

/** A timestamp as a cursor carries it: Postgres' text form. */
export const cursorTimestamp = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2})?|Z)?$/, 'a timestamp');
export const cursorUuid = z.uuid();

/**
 * Cuts a `limit + 1` read into a page: the first `limit` rows, and a cursor
 * from the last of them when there was one more.
 */
export function pageOf<R, T>(rows: R[], limit: number, item: (row: R) => T, cursor: (row: R) => string): Page<T> {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { items: page.map(item), next_cursor: rows.length > limit && last !== undefined ? cursor(last) : null };
}
export const cursorSlug = z.string().min(1).max(200);
