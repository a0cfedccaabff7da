import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { achievements } from './achievements';
import { userAchievements, type UserAchievement } from './user-achievements';

export class AchievementNotFoundError extends Error {
  readonly rule = 'achievement_not_found';
  constructor(readonly achievementId: string) {
    super(`achievement ${achievementId} does not exist`);
    this.name = 'AchievementNotFoundError';
  }
}

/**
 * Adds `by` (> 0) to a rider's progress on an achievement in one statement,
 * creating the row on first progress. `unlocked_at` is set by the same
 * statement the first time progress reaches the goal and never moves after,
 * so concurrent calls cannot unlock twice: each upsert locks the row, and the
 * second sees the first's result. Returns the row after the change, with
 * `justUnlocked` true for exactly one call per rider and achievement.
 */
export async function recordProgress(
  db: PgDatabase<PgQueryResultHKT, Record<string, unknown>>,
  userId: string,
  achievementId: string,
  by = 1,
): Promise<UserAchievement & { justUnlocked: boolean }> {
  if (!Number.isSafeInteger(by) || by <= 0) throw new RangeError(`progress step must be a positive integer, got ${by}`);
  const ua = userAchievements;
  const inserted = await db
    .insert(ua)
    .select(
      db
        .select({
          user_id: sql`${userId}::uuid`.as('user_id'),
          achievement_id: achievements.id,
          goal: achievements.goal,
          progress: sql`${by}::int`.as('progress'),
          unlocked_at: sql`CASE WHEN ${by}::int >= ${achievements.goal} THEN now() END`.as('unlocked_at'),
          created_at: sql`now()`.as('created_at'),
          updated_at: sql`now()`.as('updated_at'),
        })
        .from(achievements)
        .where(sql`${achievements.id} = ${achievementId}::uuid`),
    )
    .onConflictDoUpdate({
      target: [ua.user_id, ua.achievement_id],
      set: {
        progress: sql`${ua.progress} + excluded.progress`,
        unlocked_at: sql`coalesce(${ua.unlocked_at}, CASE WHEN ${ua.progress} + excluded.progress >= ${ua.goal} THEN now() END)`,
      },
    })
    .returning();
  const row = inserted[0];
  if (!row) throw new AchievementNotFoundError(achievementId);
  const justUnlocked = row.unlocked_at !== null && row.progress - by < row.goal;
  return { ...row, justUnlocked };
}
