import { asc, eq, sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { AchievementTier } from '@skatehubba/enums';
import { achievements } from './achievements';
import { userAchievements } from './user-achievements';

type Db = PgDatabase<PgQueryResultHKT, Record<string, unknown>>;

export interface RiderAchievement {
  achievementId: string;
  slug: string;
  name: string;
  tier: AchievementTier;
  goal: number;
  progress: number;
  unlockedAt: Date | null;
}

/**
 * A rider's achievements with progress and tier: unlocked first (newest
 * first), then the rest by tier. Served by `user_achievements_pk`
 * (user_id, achievement_id) and `achievements_pk`.
 */
export function achievementsOf(db: Db, userId: string): Promise<RiderAchievement[]> {
  return db
    .select({
      achievementId: achievements.id,
      slug: achievements.slug,
      name: achievements.name,
      tier: achievements.tier,
      goal: userAchievements.goal,
      progress: userAchievements.progress,
      unlockedAt: userAchievements.unlocked_at,
    })
    .from(userAchievements)
    .innerJoin(achievements, eq(achievements.id, userAchievements.achievement_id))
    .where(eq(userAchievements.user_id, userId))
    .orderBy(sql`${userAchievements.unlocked_at} DESC NULLS LAST`, asc(achievements.tier), asc(achievements.slug));
}
