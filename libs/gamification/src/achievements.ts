import { sql } from 'drizzle-orm';
import { check, integer, pgPolicy, pgTable, primaryKey, text, unique, uniqueIndex } from 'drizzle-orm/pg-core';
import { achievementMetricEnum, achievementTierEnum } from '@skatehubba/enums/pg';
import {
  anonymousRole,
  authenticatedRole,
  idColumn,
  lengthCheck,
  literal,
  mutableTimestamps,
  ownerRole,
  readonlyRole,
  signedUrlCheck,
} from '@skatehubba/schema-kit';
import {
  ACHIEVEMENT_DESCRIPTION_MAX_LENGTH,
  ACHIEVEMENT_NAME_MAX_LENGTH,
  ACHIEVEMENT_SLUG_MAX_LENGTH,
  ACHIEVEMENT_SLUG_PATTERN,
} from './constants';

/**
 * The catalogue of things a rider can earn ("land 100 tricks", "check in at
 * 10 spots"). Written by the product team through migrations or admin tools;
 * audited. `metric` says what counts toward it and `goal` how many unlock it:
 * `checkins`, `landed` and `distinct_spots` are counted by the database from
 * the rider's live check-ins (`rider_metrics`, kept by triggers on
 * `checkins`), so every path that writes a check-in advances them the same
 * way; `manual` ones move only through `recordProgress()`.
 *
 * FK policy: `user_achievements` points here with RESTRICT (an achievement
 * riders have progress on cannot be deleted) and ON UPDATE CASCADE on
 * (id, goal), so changing a goal re-checks every rider's unlock state.
 *
 * Access (RLS enabled and forced): everyone reads the catalogue, the owner
 * included (`record_progress()` reads goals); only staff, through migrations
 * or admin tools connected as the owner's login, write it.
 */
export const achievements = pgTable(
  'achievements',
  {
    id: idColumn(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull(),
    tier: achievementTierEnum('tier').notNull(),
    metric: achievementMetricEnum('metric').notNull(),
    goal: integer('goal').notNull(),
    icon_url: text('icon_url'),
    ...mutableTimestamps(),
  },
  (t) => [
    primaryKey({ name: 'achievements_pk', columns: [t.id] }),
    check(
      'achievements_slug_ck',
      sql`char_length(${t.slug}) BETWEEN 3 AND ${sql.raw(String(ACHIEVEMENT_SLUG_MAX_LENGTH))} AND ${t.slug} ~ ${literal(ACHIEVEMENT_SLUG_PATTERN)}`,
    ),
    uniqueIndex('achievements_slug_uq').on(t.slug),
    lengthCheck('achievements_name_ck', t.name, 1, ACHIEVEMENT_NAME_MAX_LENGTH),
    lengthCheck('achievements_description_ck', t.description, 0, ACHIEVEMENT_DESCRIPTION_MAX_LENGTH),
    check('achievements_goal_ck', sql`${t.goal} > 0`),
    signedUrlCheck('achievements_icon_url_ck', t.icon_url),
    // Target of user_achievements_achievement_fk, which copies the goal so a
    // row-local CHECK can tie unlocked_at to progress >= goal.
    unique('achievements_id_goal_uq').on(t.id, t.goal),
    pgPolicy('achievements_read_pol', { for: 'select', to: [anonymousRole, authenticatedRole, readonlyRole, ownerRole], using: sql`true` }),
  ],
).enableRLS();

export type Achievement = typeof achievements.$inferSelect;
export type NewAchievement = typeof achievements.$inferInsert;
