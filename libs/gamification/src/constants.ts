/** Achievement slugs are stable identifiers used by the app: kebab-case, 3-60 characters. */
export const ACHIEVEMENT_SLUG_PATTERN = '^[a-z0-9]+(-[a-z0-9]+)*$';
export const ACHIEVEMENT_SLUG_MAX_LENGTH = 60;
export const ACHIEVEMENT_NAME_MAX_LENGTH = 80;
export const ACHIEVEMENT_DESCRIPTION_MAX_LENGTH = 500;
