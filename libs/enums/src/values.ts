/**
 * The closed vocabularies SkateHubba shares between the database, the API and
 * the SDK. Each is a plain `as const` tuple: the order here is the order of the
 * Postgres enum labels (`@skatehubba/enums/pg` builds the pgEnum objects from
 * these same tuples, and a test compares them with `pg_enum` after migrating).
 *
 * Adding a value: append it (Postgres can add a label without rewriting the
 * table), generate a migration, and do not use the new value in the same
 * migration run: the migrator runs pending migrations in one transaction and
 * Postgres refuses a label added in that transaction.
 */

/** How a logged trick went. */
export const TRICK_STATUSES = ['landed', 'bailed', 'retry'] as const;
export type TrickStatus = (typeof TRICK_STATUSES)[number];

/** Which foot leads. */
export const STANCES = ['regular', 'goofy'] as const;
export type Stance = (typeof STANCES)[number];

/** Achievement tiers, lowest first. */
export const ACHIEVEMENT_TIERS = ['bronze', 'silver', 'gold', 'legendary'] as const;
export type AchievementTier = (typeof ACHIEVEMENT_TIERS)[number];

/**
 * What counts toward an achievement, over the rider's live check-ins
 * (archived ones drop out): every check-in, landed ones, or distinct spots.
 * `manual` achievements move only through `recordProgress()` (events, staff).
 */
export const ACHIEVEMENT_METRICS = ['checkins', 'landed', 'distinct_spots', 'manual'] as const;
export type AchievementMetric = (typeof ACHIEVEMENT_METRICS)[number];

/** What a rider's inbox can hold. */
export const NOTIFICATION_KINDS = ['achievement_unlocked'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];
