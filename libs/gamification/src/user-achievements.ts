import { sql } from 'drizzle-orm';
import { check, foreignKey, index, integer, pgPolicy, pgTable, primaryKey, uuid } from 'drizzle-orm/pg-core';
import { users } from '@skatehubba/identity';
import { authenticatedRole, currentRider, mutableTimestamps, ownerRole, readonlyRole, timestamptz } from '@skatehubba/schema-kit';
import { achievements } from './achievements';

/**
 * A rider's progress towards one achievement: one row per (user, achievement).
 * Written by `recordProgress()` as check-ins land; audited.
 *
 * `goal` is a copy of `achievements.goal`, kept equal by the composite FK
 * (ON UPDATE CASCADE), so that `user_achievements_unlock_ck` can say, inside
 * one row: unlocked exactly when progress has reached the goal. A goal change
 * that would leave a rider inconsistent is refused by that CHECK.
 *
 * FK policy: `user_id` CASCADE (progress goes with the account);
 * (`achievement_id`, `goal`) RESTRICT on delete, CASCADE on update.
 *
 * Access (RLS enabled and forced): a rider reads only their own progress and
 * writes none of it: `progress` and `unlocked_at` move only through
 * `record_progress()` (SECURITY DEFINER, the rider on themself).
 * `skatehubba_readonly` reads all.
 */
export const userAchievements = pgTable(
  'user_achievements',
  {
    user_id: uuid('user_id').notNull(),
    achievement_id: uuid('achievement_id').notNull(),
    goal: integer('goal').notNull(),
    progress: integer('progress').notNull().default(0),
    unlocked_at: timestamptz('unlocked_at'),
    ...mutableTimestamps(),
  },
  (t) => [
    // One row per (user, achievement); leading user_id serves "my achievements".
    primaryKey({ name: 'user_achievements_pk', columns: [t.user_id, t.achievement_id] }),
    foreignKey({ name: 'user_achievements_user_id_fk', columns: [t.user_id], foreignColumns: [users.id] }).onDelete('cascade'),
    foreignKey({
      name: 'user_achievements_achievement_fk',
      columns: [t.achievement_id, t.goal],
      foreignColumns: [achievements.id, achievements.goal],
    })
      .onDelete('restrict')
      .onUpdate('cascade'),
    check('user_achievements_progress_ck', sql`${t.progress} >= 0`),
    check('user_achievements_unlock_ck', sql`(${t.unlocked_at} IS NOT NULL) = (${t.progress} >= ${t.goal})`),
    check('user_achievements_unlocked_at_ck', sql`${t.unlocked_at} IS NULL OR ${t.unlocked_at} >= ${t.created_at}`),
    // Serves the RESTRICT / ON UPDATE CASCADE from achievements (the key leads with user_id).
    index('user_achievements_achievement_idx').on(t.achievement_id, t.goal),
    pgPolicy('user_achievements_own_read_pol', { for: 'select', to: authenticatedRole, using: sql`${t.user_id} = ${currentRider}` }),
    pgPolicy('user_achievements_readonly_pol', { for: 'select', to: readonlyRole, using: sql`true` }),
    // record_progress() (SECURITY DEFINER) inserts and advances progress as the owner.
    pgPolicy('user_achievements_owner_pol', { for: 'all', to: ownerRole, using: sql`true`, withCheck: sql`true` }),
  ],
).enableRLS();

export type UserAchievement = typeof userAchievements.$inferSelect;
export type NewUserAchievement = typeof userAchievements.$inferInsert;
