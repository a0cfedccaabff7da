/**
 * Every limit the data layer enforces, written once. The table files build
 * their CHECKs from these (through each domain lib's `constants.ts`), the zod
 * input schemas below refine with them, and the SDK reads them to validate a
 * form before it sends it. Nothing here may import drizzle-orm or a driver: a
 * test bundles this package and fails if one shows up.
 *
 * Patterns are strings, not RegExp objects, where the database uses the same
 * text (`~` in a CHECK): they use only syntax that Postgres ARE and JS RegExp
 * read alike.
 */

// ---- identity: users, sessions (users_*_ck, sessions_*_ck) ----

/** Handles are lowercase so uniqueness needs no functional index: 3-30 of [a-z0-9_] (users_handle_ck). */
export const HANDLE_PATTERN = '^[a-z0-9_]{3,30}$';
/**
 * Practical email shape (one @, no spaces, a dot in the domain); delivery
 * proves the rest (users_email_ck). `[:space:]` is a Postgres bracket class,
 * so JS reads the same rule from `EMAIL_PATTERN_JS`.
 */
export const EMAIL_PATTERN = '^[^@[:space:]]+@[^@[:space:]]+[.][^@[:space:]]+$';
export const EMAIL_PATTERN_JS = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
/** RFC 5321 caps a path at 254 characters. */
export const EMAIL_MAX_LENGTH = 254;
export const DISPLAY_NAME_MAX_LENGTH = 50;
/** Longest session a client may ask for. A longer expiry is refused by `sessions_expiry_ck`. */
export const SESSION_MAX_LIFETIME_DAYS = 90;
/** What `startSession()` gives when the client names no lifetime; the seed's sessions last as long. */
export const SESSION_DEFAULT_LIFETIME_DAYS = 30;

// ---- spots: spots, checkins (spots_*_ck, checkins_*_ck) ----

/**
 * One live check-in per rider, spot and 10-minute bucket
 * (`checkins_user_spot_window_uq`). The SQL text of the window and the bucket
 * origin stay in `@skatehubba/spots` (only the database needs them); this is
 * the same window in milliseconds, for a client that shows when the rider may
 * check in again.
 */
export const CHECKIN_DEDUPE_WINDOW_MS = 10 * 60 * 1000;

export const SPOT_NAME_MAX_LENGTH = 120;
export const SPOT_DESCRIPTION_MAX_LENGTH = 2000;
export const TRICK_NAME_MAX_LENGTH = 80;
export const CHECKIN_NOTE_MAX_LENGTH = 500;

/** Inclusive coordinate bounds (WGS 84), spots_latitude_ck and spots_longitude_ck. */
export const LATITUDE_RANGE = [-90, 90] as const;
export const LONGITUDE_RANGE = [-180, 180] as const;

/** Longest radius `spotsNear()` answers for; beyond it the bounding box stops pruning much. */
export const NEAR_MAX_RADIUS_M = 50_000;
/** "Spots near me" without a radius: 2 km, about a 25-minute walk. */
export const NEAR_DEFAULT_RADIUS_M = 2_000;

// ---- gamification: achievements (achievements_*_ck) ----

/** Achievement slugs are stable identifiers used by the app: kebab-case, 3-60 characters (achievements_slug_ck). */
export const ACHIEVEMENT_SLUG_PATTERN = '^[a-z0-9]+(-[a-z0-9]+)*$';
export const ACHIEVEMENT_SLUG_MIN_LENGTH = 3;
export const ACHIEVEMENT_SLUG_MAX_LENGTH = 60;
export const ACHIEVEMENT_NAME_MAX_LENGTH = 80;
export const ACHIEVEMENT_DESCRIPTION_MAX_LENGTH = 500;
/**
 * Largest step one `recordProgress()` call may add: `record_progress()` takes
 * a Postgres `integer` (2^31 - 1), and a larger number would be refused as
 * out of range (SQLSTATE 22003) after the request had been accepted.
 */
export const PROGRESS_STEP_MAX = 2_147_483_647;

// ---- media and secrets (schema-kit's signedUrlCheck, tokenHashCheck) ----

/** Longest URL we store. Signed URLs from object stores run 300-1,200 characters. */
export const MEDIA_URL_MAX_LENGTH = 2048;

/**
 * A signed media URL: https, a host, a path, and a query string that carries
 * both a signature parameter and a numeric expiry parameter. Covers S3/R2
 * presigned URLs (`X-Amz-Signature`, `X-Amz-Expires`), GCS V4
 * (`X-Goog-Signature`, `X-Goog-Expires`) and CloudFront/CDN style
 * (`Signature`, `Expires`). Matched case-insensitively. Whitespace and control
 * characters are refused anywhere in the URL.
 */
export const SIGNED_URL_SHAPE = '^https://[a-z0-9.-]+(:[0-9]+)?/[^?#]*[?][^#]*$';
export const SIGNED_URL_SIGNATURE = '[?&](x-amz-signature|x-goog-signature|signature)=[a-z0-9_%~.-]{16,}(&|#|$)';
export const SIGNED_URL_EXPIRY = '[?&](x-amz-expires|x-goog-expires|expires)=[0-9]{1,12}(&|#|$)';
/** Any whitespace or control character (U+0000-U+0020, U+007F). */
export const URL_FORBIDDEN_CHARS = '[\\x01-\\x20\\x7f]';

/** A SHA-256 digest as 64 lowercase hex characters: the only form a session token is stored in. */
export const TOKEN_HASH_PATTERN = '^[0-9a-f]{64}$';

// ---- lists: every list the API returns is paged ----

/** A page without `limit`, the size `spotFeed()` and `riderHistory()` have always used. */
export const PAGE_LIMIT_DEFAULT = 20;
/** Largest page: a keyset page costs what it returns, so the cap bounds what one request can cost. */
export const PAGE_LIMIT_MAX = 100;
/** Longest cursor the API accepts. Cursors are opaque; the longest the API writes (a keyset position) is far shorter. */
export const CURSOR_MAX_LENGTH = 512;

/**
 * Leaderboards count the landed live check-ins of the last 30 UTC days, today
 * included (`leaderboard_days()` in the database; a test holds the two equal).
 */
export const LEADERBOARD_DAYS = 30;

/** Most notifications one "mark read" call names: one page of the inbox. */
export const MARK_READ_MAX_IDS = PAGE_LIMIT_MAX;
