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
