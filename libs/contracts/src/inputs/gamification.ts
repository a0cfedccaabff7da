import { z } from 'zod';
import { PROGRESS_STEP_MAX } from '../limits';
import { id } from './fields';

/**
 * Progress on one achievement for the rider of the session. No `progress` or
 * `unlocked_at`: `record_progress()` adds `by` and unlocks when the goal is
 * reached (user_achievements_progress_ck, user_achievements_unlock_ck).
 */
export const recordProgressInput = z.strictObject({
  achievement_id: id(),
  by: z.int().min(1).max(PROGRESS_STEP_MAX).default(1),
});
export type RecordProgressInput = z.input<typeof recordProgressInput>;
export type RecordProgressValues = z.output<typeof recordProgressInput>;
