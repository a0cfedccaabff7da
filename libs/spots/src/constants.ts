/**
 * One rider, one spot, one check-in per window. The window is a fixed bucket
 * of `date_bin(CHECKIN_DEDUPE_WINDOW, created_at, CHECKIN_DEDUPE_ORIGIN)`, not
 * a sliding interval: date_bin is IMMUTABLE and can sit in a unique index,
 * while a sliding window would need an exclusion constraint on a tstzrange
 * plus btree_gist. The cost is the bucket edge: check-ins at 12:09:59 and
 * 12:10:01 fall in different buckets and both land. Inside one bucket the
 * second is refused, so at most 2 check-ins can land within any 10 minutes.
 *
 * Changing the window means a new migration (the index expression embeds it).
 */
export const CHECKIN_DEDUPE_WINDOW = '10 minutes';
export const CHECKIN_DEDUPE_WINDOW_MS = 10 * 60 * 1000;
/** Bucket origin: a fixed UTC instant, so buckets do not depend on the session time zone. */
export const CHECKIN_DEDUPE_ORIGIN = '2000-01-01 00:00:00+00';

export const SPOT_NAME_MAX_LENGTH = 120;
export const SPOT_DESCRIPTION_MAX_LENGTH = 2000;
export const TRICK_NAME_MAX_LENGTH = 80;
export const CHECKIN_NOTE_MAX_LENGTH = 500;

/** Inclusive coordinate bounds (WGS 84). */
export const LATITUDE_RANGE = [-90, 90] as const;
export const LONGITUDE_RANGE = [-180, 180] as const;
