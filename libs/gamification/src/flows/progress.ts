import { sql } from 'drizzle-orm';
import { recordProgressInput, type RecordProgressInput } from '@skatehubba/contracts';
import type { AchievementMetric } from '@skatehubba/enums';
import {
  attempt,
  parseId,
  parseInput,
  refusal,
  rowsOf,
  runAs,
  toDate,
  type Db,
  type Result,
  type RiderCaller,
  type StaffCaller,
} from '@skatehubba/schema-kit';
import { GAMIFICATION_REFUSALS } from '../refusals';
import type { UserAchievement } from '../user-achievements';

type RawProgress = Omit<UserAchievement, 'unlocked_at' | 'created_at' | 'updated_at'> & {
  unlocked_at: Date | string | null;
  created_at: Date | string;
  updated_at: Date | string;
};

/**
 * Adds `by` (default 1) to a rider's progress on a manual achievement
 * (an event attended, a contest entered: nothing the check-ins count), in one
 * statement: `record_progress()` in the database (SECURITY DEFINER: no role
 * may write `progress` or `unlocked_at` itself). The first time progress
 * reaches the goal the same statement sets `unlocked_at` and writes the
 * notification; concurrent calls cannot unlock twice (each upsert locks the
 * row). `just_unlocked` is true for exactly one call per rider and achievement.
 *
 * The rider on themself, or staff for anyone. Refusals, with nothing changed:
 * `progress_not_yours` (forbidden), `progress_is_counted` (invalid: the
 * achievement's metric is counted from check-ins), `achievement_not_found`
 * (missing_reference), `invalid_input`.
 */
export async function recordProgress(
  db: Db,
  caller: RiderCaller | StaffCaller,
  riderId: string,
  input: RecordProgressInput,
): Promise<Result<UserAchievement & { just_unlocked: boolean }>> {
  const rider = parseId('rider_id', riderId);
  if (!rider.ok) return rider;
  const values = parseInput(recordProgressInput, input);
  if (!values.ok) return values;
  const { achievement_id, by } = values.value;
  return attempt(GAMIFICATION_REFUSALS, async () => {
    const [result] = await runAs(db, caller, (q) => [
      q.execute(sql`SELECT * FROM record_progress(${rider.value}::uuid, ${achievement_id}::uuid, ${by}::int)`),
    ]);
    const raw = rowsOf<RawProgress>(result)[0];
    if (!raw) {
      return refusal('achievement_not_found', 'missing_reference', `achievement ${achievement_id} does not exist`, { achievement_id });
    }
    const row: UserAchievement = {
      ...raw,
      goal: Number(raw.goal),
      progress: Number(raw.progress),
      unlocked_at: raw.unlocked_at === null ? null : toDate(raw.unlocked_at),
      created_at: toDate(raw.created_at),
      updated_at: toDate(raw.updated_at),
    };
    return { ...row, just_unlocked: row.unlocked_at !== null && row.progress - by < row.goal };
  });
}

export interface MetricRecount {
  metric: Exclude<AchievementMetric, 'manual'>;
  value_before: number;
  value_after: number;
}

/**
 * Counts a rider's metrics again from their live check-ins and unlocks what
 * they reached and do not hold (dated now, with a notification):
 * `recompute_progress()`. The counters are kept exact by the check-in
 * triggers; this is the repair after something bypassed them (a restore, a
 * trigger disabled by hand), and the reference the property tests compare
 * against. The rider on themself, or staff. Refusals: `progress_not_yours`
 * (forbidden), `rider_not_found` (missing_reference).
 */
export async function recomputeProgress(db: Db, caller: RiderCaller | StaffCaller, riderId: string): Promise<Result<MetricRecount[]>> {
  const rider = parseId('rider_id', riderId);
  if (!rider.ok) return rider;
  return attempt(GAMIFICATION_REFUSALS, async () => {
    const [result] = await runAs(db, caller, (q) => [
      q.execute(sql`SELECT metric, value_before, value_after FROM recompute_progress(${rider.value}::uuid)`),
    ]);
    return rowsOf<MetricRecount>(result).map((r) => ({ ...r, value_before: Number(r.value_before), value_after: Number(r.value_after) }));
  });
}
