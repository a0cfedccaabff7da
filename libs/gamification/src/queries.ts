import { and, eq, sql } from 'drizzle-orm';
import { pageInput, type PageInput } from '@skatehubba/contracts';
import { ACHIEVEMENT_TIERS, type AchievementMetric, type AchievementTier } from '@skatehubba/enums';
import {
  attempt,
  cursorSlug,
  decodeCursor,
  encodeCursor,
  pageOf,
  parseInput,
  runAs,
  type Db,
  type Page,
  type Result,
  type RiderCaller,
} from '@skatehubba/schema-kit';
import { z } from 'zod';
import { achievements } from './achievements';
import { GAMIFICATION_REFUSALS } from './refusals';
import { riderMetrics } from './rider-metrics';
import { userAchievements } from './user-achievements';

/** One achievement of the catalogue with the rider's progress on it. */
export interface RiderAchievement {
  achievement_id: string;
  slug: string;
  name: string;
  description: string;
  tier: AchievementTier;
  metric: AchievementMetric;
  goal: number;
  /**
   * Counted metrics: the live count (`rider_metrics`), which may pass the goal,
   * and may fall below it after an unlock (archived or deleted check-ins);
   * manual ones: the recorded progress.
   */
  progress: number;
  /** When the goal was first reached; an unlock stays. */
  unlocked_at: Date | null;
}

const CURSOR = 'achievements';
const cursorShape = z.tuple([z.enum(ACHIEVEMENT_TIERS), cursorSlug]);

/**
 * The whole catalogue with the rider's progress, in catalogue order (tier,
 * then slug), keyset pages. Read as the rider: their counters and unlocks are
 * theirs alone. Served by `achievements_pk` order over a catalogue of tens of
 * rows, then one `user_achievements_pk` and one `rider_metrics_pk` lookup per
 * achievement.
 */
export async function achievementsOf(db: Db, caller: RiderCaller, input: PageInput = {}): Promise<Result<Page<RiderAchievement>>> {
  const values = parseInput(pageInput, input);
  if (!values.ok) return values;
  const { limit, cursor } = values.value;
  const after = cursor === undefined ? undefined : decodeCursor(CURSOR, cursor, cursorShape);
  if (after && !after.ok) return after;
  return attempt(GAMIFICATION_REFUSALS, async () => {
    const [rows] = await runAs(db, caller, (q) => [
      q
        .select({
          achievement_id: achievements.id,
          slug: achievements.slug,
          name: achievements.name,
          description: achievements.description,
          tier: achievements.tier,
          metric: achievements.metric,
          goal: achievements.goal,
          progress: sql<number>`(CASE WHEN ${achievements.metric} = 'manual' THEN coalesce(${userAchievements.progress}, 0)
                                      ELSE coalesce(${riderMetrics.value}, 0) END)::int`,
          unlocked_at: userAchievements.unlocked_at,
        })
        .from(achievements)
        .leftJoin(userAchievements, and(eq(userAchievements.user_id, caller.rider), eq(userAchievements.achievement_id, achievements.id)))
        .leftJoin(riderMetrics, and(eq(riderMetrics.user_id, caller.rider), eq(riderMetrics.metric, achievements.metric)))
        .where(
          after ? sql`(${achievements.tier}, ${achievements.slug}) > (${after.value[0]}::achievement_tier, ${after.value[1]})` : undefined,
        )
        .orderBy(achievements.tier, achievements.slug)
        .limit(limit + 1),
    ]);
    return pageOf(
      rows,
      limit,
      (row) => ({ ...row, progress: Number(row.progress) }),
      (row) => encodeCursor(CURSOR, [row.tier, row.slug]),
    );
  });
}
