import { and, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { markNotificationsReadInput, pageInput, type MarkNotificationsReadInput, type PageInput } from '@skatehubba/contracts';
import type { AchievementTier, NotificationKind } from '@skatehubba/enums';
import { achievements } from '@skatehubba/gamification';
import {
  attempt,
  cursorTimestamp,
  cursorUuid,
  decodeCursor,
  encodeCursor,
  pageOf,
  parseInput,
  rowsOf,
  runAs,
  type Db,
  type Page,
  type Result,
  type RiderCaller,
} from '@skatehubba/schema-kit';
import { z } from 'zod';
import { notificationInboxes } from './inboxes';
import { notifications } from './notifications';
import { NOTIFICATIONS_REFUSALS } from './refusals';

/** A notification as the rider's inbox shows it: the row, and what it is about. */
export interface InboxItem {
  id: string;
  kind: NotificationKind;
  created_at: Date;
  read_at: Date | null;
  checkin_id: string | null;
  achievement: { id: string; slug: string; name: string; tier: AchievementTier } | null;
}

const CURSOR = 'notifications';
const cursorShape = z.tuple([cursorTimestamp, cursorUuid]);

/**
 * The rider's inbox, newest first, keyset pages on (created_at, id). Served by
 * `notifications_user_id_created_at_idx`; the achievement by `achievements_pk`.
 */
export async function notificationsOf(db: Db, caller: RiderCaller, input: PageInput = {}): Promise<Result<Page<InboxItem>>> {
  const values = parseInput(pageInput, input);
  if (!values.ok) return values;
  const { limit, cursor } = values.value;
  const after = cursor === undefined ? undefined : decodeCursor(CURSOR, cursor, cursorShape);
  if (after && !after.ok) return after;
  return attempt(NOTIFICATIONS_REFUSALS, async () => {
    const [rows] = await runAs(db, caller, (q) => [
      q
        .select({
          id: notifications.id,
          kind: notifications.kind,
          created_at: notifications.created_at,
          read_at: notifications.read_at,
          checkin_id: notifications.checkin_id,
          cursor: sql<string>`${notifications.created_at}::text`,
          achievement_id: achievements.id,
          slug: achievements.slug,
          name: achievements.name,
          tier: achievements.tier,
        })
        .from(notifications)
        .leftJoin(achievements, eq(achievements.id, notifications.achievement_id))
        .where(
          and(
            eq(notifications.user_id, caller.rider),
            after
              ? sql`(${notifications.created_at}, ${notifications.id}) < (${after.value[0]}::timestamptz, ${after.value[1]}::uuid)`
              : undefined,
          ),
        )
        // NULLS LAST, as the index is declared: see spotFeed().
        .orderBy(sql`${notifications.created_at} DESC NULLS LAST`, sql`${notifications.id} DESC NULLS LAST`)
        .limit(limit + 1),
    ]);
    return pageOf(
      rows,
      limit,
      (r) => ({
        id: r.id,
        kind: r.kind,
        created_at: r.created_at,
        read_at: r.read_at,
        checkin_id: r.checkin_id,
        achievement: r.achievement_id ? { id: r.achievement_id, slug: r.slug!, name: r.name!, tier: r.tier! } : null,
      }),
      (r) => encodeCursor(CURSOR, [r.cursor, r.id]),
    );
  });
}

/**
 * Marks some of the rider's notifications read (now); ones already read, or
 * not theirs, are left as they are. Returns how many changed and the unread
 * count after, in the same transaction.
 */
export async function markNotificationsRead(
  db: Db,
  caller: RiderCaller,
  input: MarkNotificationsReadInput,
): Promise<Result<{ marked: number; unread_count: number }>> {
  const values = parseInput(markNotificationsReadInput, input);
  if (!values.ok) return values;
  return mark(db, caller, inArray(notifications.id, values.value.ids));
}

/** Marks every unread notification of the rider read. */
export function markAllNotificationsRead(db: Db, caller: RiderCaller): Promise<Result<{ marked: number; unread_count: number }>> {
  return mark(db, caller, undefined);
}

function mark(db: Db, caller: RiderCaller, which: SQL | undefined) {
  return attempt(NOTIFICATIONS_REFUSALS, async () => {
    const [rows, count] = await runAs(db, caller, (q) => [
      q
        .update(notifications)
        .set({ read_at: sql`now()` })
        .where(and(eq(notifications.user_id, caller.rider), isNull(notifications.read_at), which))
        .returning({ id: notifications.id }),
      q.execute(sql`SELECT coalesce((SELECT unread_count FROM notification_inboxes WHERE user_id = ${caller.rider}::uuid), 0) AS n`),
    ]);
    return { marked: rows.length, unread_count: Number(rowsOf<{ n: number | string }>(count)[0]!.n) };
  });
}

/** The rider's unread count: one `notification_inboxes_pk` lookup, however many notifications they have. */
export async function unreadCount(db: Db, caller: RiderCaller): Promise<Result<number>> {
  return attempt(NOTIFICATIONS_REFUSALS, async () => {
    const [rows] = await runAs(db, caller, (q) => [
      q.select({ n: notificationInboxes.unread_count }).from(notificationInboxes).where(eq(notificationInboxes.user_id, caller.rider)),
    ]);
    return rows[0]?.n ?? 0;
  });
}
