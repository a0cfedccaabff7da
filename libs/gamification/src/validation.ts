import { createInsertSchema, createSelectSchema, createUpdateSchema } from 'drizzle-zod';
import type { z } from 'zod';
import { codePointLength, storableText, signedUrl, withLength } from '@skatehubba/schema-kit';
import { achievements } from './achievements';
import {
  ACHIEVEMENT_DESCRIPTION_MAX_LENGTH,
  ACHIEVEMENT_NAME_MAX_LENGTH,
  ACHIEVEMENT_SLUG_MAX_LENGTH,
  ACHIEVEMENT_SLUG_MIN_LENGTH,
  ACHIEVEMENT_SLUG_PATTERN,
} from './constants';
import { userAchievements } from './user-achievements';

const achievementRefinements = {
  slug: (s: z.ZodString) =>
    s
      .regex(new RegExp(ACHIEVEMENT_SLUG_PATTERN), 'must be kebab-case a-z, 0-9')
      .refine((v) => codePointLength(v) >= ACHIEVEMENT_SLUG_MIN_LENGTH && codePointLength(v) <= ACHIEVEMENT_SLUG_MAX_LENGTH), // achievements_slug_ck
  name: (s: z.ZodString) => withLength(1, ACHIEVEMENT_NAME_MAX_LENGTH)(s).refine(storableText), // achievements_name_ck
  description: (s: z.ZodString) => withLength(0, ACHIEVEMENT_DESCRIPTION_MAX_LENGTH)(s).refine(storableText), // achievements_description_ck
  goal: (s: z.ZodNumber) => s.int().positive(), // achievements_goal_ck
  icon_url: signedUrl, // achievements_icon_url_ck
};

// .partial() on refined nullable keys: see userInsertSchema in @skatehubba/identity.
export const achievementInsertSchema = createInsertSchema(achievements, achievementRefinements)
  .omit({ updated_at: true })
  .partial({ icon_url: true });
export const achievementUpdateSchema = createUpdateSchema(achievements, achievementRefinements)
  .omit({ id: true, created_at: true, updated_at: true })
  .partial();
export const achievementSelectSchema = createSelectSchema(achievements);

/**
 * Mirrors user_achievements_progress_ck and user_achievements_unlock_ck. The
 * `goal` column must equal the achievement's goal (user_achievements_achievement_fk);
 * only the database can check that.
 */
export const userAchievementInsertSchema = createInsertSchema(userAchievements, {
  progress: (s: z.ZodNumber) => s.int().min(0),
  goal: (s: z.ZodNumber) => s.int().positive(),
})
  .omit({ updated_at: true })
  .superRefine((row, ctx) => {
    const unlocked = row.unlocked_at != null;
    if (unlocked !== (row.progress ?? 0) >= row.goal) {
      ctx.addIssue({
        code: 'custom',
        path: ['unlocked_at'],
        message: 'must be set exactly when progress has reached the goal',
      });
    }
    // user_achievements_unlocked_at_ck; without created_at the database's now() decides.
    if (row.unlocked_at && row.created_at && row.unlocked_at.getTime() < row.created_at.getTime()) {
      ctx.addIssue({ code: 'custom', path: ['unlocked_at'], message: 'must not be before created_at' });
    }
  });
export const userAchievementSelectSchema = createSelectSchema(userAchievements);

/**
 * Progress moves only through `recordProgress()`; this is the shape an admin
 * correction may take. `unlocked_at` is left out: it follows from progress and
 * goal, and `user_achievements_unlock_ck` refuses a row where it does not.
 */
export const userAchievementUpdateSchema = createUpdateSchema(userAchievements, {
  progress: (s: z.ZodNumber) => s.int().min(0), // user_achievements_progress_ck
})
  .pick({ progress: true })
  .partial();
