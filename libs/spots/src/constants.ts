// The limits live in @skatehubba/contracts (one source for the database, the
// API and the SDK); the table files keep importing them from here.
export {
  CHECKIN_DEDUPE_WINDOW_MS,
  CHECKIN_NOTE_MAX_LENGTH,
  LATITUDE_RANGE,
  LONGITUDE_RANGE,
  NEAR_DEFAULT_RADIUS_M,
  NEAR_MAX_RADIUS_M,
  SPOT_DESCRIPTION_MAX_LENGTH,
  SPOT_NAME_MAX_LENGTH,
  TRICK_NAME_MAX_LENGTH,
} from '@skatehubba/contracts';

/**
 * One rider, one spot, one check-in per window. The window is a fixed bucket
 * of `date_bin(CHECKIN_DEDUPE_WINDOW, created_at, CHECKIN_DEDUPE_ORIGIN)`, not
 * a sliding interval: date_bin is IMMUTABLE and can sit in a unique index,
 * while a sliding window would need an exclusion constraint on a tstzrange
 * plus btree_gist. The cost is the bucket edge: check-ins at 12:09:59 and
 * 12:10:01 fall in different buckets and both land. Inside one bucket the
 * second is refused, so at most 2 check-ins can land within any 10 minutes.
 *
 * Changing the window means a new migration (the index expression embeds it),
 * and CHECKIN_DEDUPE_WINDOW_MS in @skatehubba/contracts with it (a test holds
 * the two equal).
 */
export const CHECKIN_DEDUPE_WINDOW = '10 minutes';
/** Bucket origin: a fixed UTC instant, so buckets do not depend on the session time zone. */
export const CHECKIN_DEDUPE_ORIGIN = '2000-01-01 00:00:00+00';
