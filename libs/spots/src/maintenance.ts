import { sql } from 'drizzle-orm';
import { LEADERBOARD_DAYS } from '@skatehubba/contracts';
import { ruleErrorOf, rowsOf, toDate, type Db } from '@skatehubba/schema-kit';
import { SPOTS_REFUSALS } from './refusals';

export { LEADERBOARD_DAYS };

export interface LeaderboardRoll {
  /** Where the window starts now: the start of the UTC day LEADERBOARD_DAYS - 1 days before `now`'s. */
  window_start: Date;
  /** Landed check-ins that left the counts (or, for a window moved back, entered them). */
  checkins_moved: number;
}

/**
 * Runs `roll_leaderboards()`: moves the leaderboards' window to end at `now`'s
 * UTC day (default: the database's now), taking the days it leaves behind out
 * of every count in the same transaction. Idempotent, safe to run
 * concurrently, staff only (`maintenance_staff_only` otherwise). The
 * maintenance job runs it daily; the seed runs it at its anchor, so the
 * seeded leaderboards count the seed's last 30 days.
 */
export async function rollLeaderboards(db: Db, now?: Date): Promise<LeaderboardRoll> {
  try {
    const statement = now
      ? sql`SELECT window_start, checkins_moved FROM roll_leaderboards(${now.toISOString()}::timestamptz)`
      : sql`SELECT window_start, checkins_moved FROM roll_leaderboards()`;
    const [row] = rowsOf<{ window_start: Date | string; checkins_moved: number | string }>(await db.execute(statement));
    return { window_start: toDate(row!.window_start), checkins_moved: Number(row!.checkins_moved) };
  } catch (error) {
    throw ruleErrorOf(SPOTS_REFUSALS, error) ?? error;
  }
}
