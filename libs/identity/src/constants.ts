/** Handles are lowercase so uniqueness needs no functional index: 3-30 of [a-z0-9_]. */
export const HANDLE_PATTERN = '^[a-z0-9_]{3,30}$';
/** Practical email shape (one @, no spaces, a dot in the domain); delivery proves the rest. RFC 5321 caps a path at 254. */
export const EMAIL_PATTERN = '^[^@[:space:]]+@[^@[:space:]]+[.][^@[:space:]]+$';
export const EMAIL_PATTERN_JS = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
export const EMAIL_MAX_LENGTH = 254;
export const DISPLAY_NAME_MAX_LENGTH = 50;
/** Longest session a client may ask for. A longer expiry is refused by `sessions_expiry_ck`. */
export const SESSION_MAX_LIFETIME_DAYS = 90;
