import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { refusalIn, rowsOf } from '@skatehubba/schema-kit';
import { GAMIFICATION_REFUSALS } from './refusals';
import type { UserAchievement } from './user-achievements';

export class AchievementNotFoundError extends Error {
  readonly rule = 'achievement_not_found';
  constructor(readonly achievementId: string) {
    super(`achievement ${achievementId} does not exist`);
    this.name = 'AchievementNotFoundError';
  }
}

type RawProgress = Omit<UserAchievement, 'unlocked_at' | 'created_at' | 'updated_at'> & {
  unlocked_at: Date | string | null;
  created_at: Date | string;
  updated_at: Date | string;
};

/**
 * Adds `by` (> 0) to a rider's progress on an achievement in one statement,
 * creating the row on first progress: `record_progress()` in the database
 * (SECURITY DEFINER: no role may write `progress` or `unlocked_at` itself).
 * `unlocked_at` is set by the same statement the first time progress reaches
 * the goal and never moves after, so concurrent calls cannot unlock twice:
 * each upsert locks the row, and the second sees the first's result. Returns
 * the row after the change, with `justUnlocked` true for exactly one call per
 * rider and achievement.
 *
 * A rider records only their own progress (`asRider()`); staff connected as
 * the owner's login anyone's. Otherwise a `DataRuleError` `progress_not_yours`.
 */
export async function recordProgress(
  db: PgDatabase<PgQueryResultHKT, Record<string, unknown>>,
  userId: string,
  achievementId: string,
  by = 1,
): Promise<UserAchievement & { justUnlocked: boolean }> {
  if (!Number.isSafeInteger(by) || by <= 0) throw new RangeError(`progress step must be a positive integer, got ${by}`);
  let rows: RawProgress[];
  try {
    rows = rowsOf<RawProgress>(await db.execute(sql`SELECT * FROM record_progress(${userId}::uuid, ${achievementId}::uuid, ${by}::int)`));
  } catch (error) {
    throw refusalIn(GAMIFICATION_REFUSALS, error) ?? error;
  }
  const raw = rows[0];
  if (!raw) throw new AchievementNotFoundError(achievementId);
  const row: UserAchievement = {
    ...raw,
    goal: Number(raw.goal),
    progress: Number(raw.progress),
    unlocked_at: raw.unlocked_at === null ? null : new Date(raw.unlocked_at),
    created_at: new Date(raw.created_at),
    updated_at: new Date(raw.updated_at),
  };
  const justUnlocked = row.unlocked_at !== null && row.progress - by < row.goal;
  return { ...row, justUnlocked };
}
