import { sql } from 'drizzle-orm';
import { ruleErrorOf, rowsOf, type Db } from '@skatehubba/schema-kit';
import { NOTIFICATIONS_REFUSALS } from './refusals';

/**
 * Runs `prune_notifications()`: deletes the notifications read more than
 * NOTIFICATION_READ_RETENTION_DAYS ago (unread ones stay however old),
 * through `notifications_read_at_idx`. Staff only, like the other
 * maintenance steps; returns how many went.
 */
export async function pruneNotifications(db: Db): Promise<number> {
  try {
    const [row] = rowsOf<{ pruned: number | string }>(await db.execute(sql`SELECT prune_notifications() AS pruned`));
    return Number(row!.pruned);
  } catch (error) {
    throw ruleErrorOf(NOTIFICATIONS_REFUSALS, error) ?? error;
  }
}
