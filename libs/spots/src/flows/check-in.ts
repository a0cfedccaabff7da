import { and, eq, getTableColumns, sql } from 'drizzle-orm';
import { checkInInput, updateCheckinInput, type CheckInInput, type UpdateCheckinInput } from '@skatehubba/contracts';
import type { AchievementTier } from '@skatehubba/enums';
import {
  attempt,
  DataRuleError,
  parseId,
  parseInput,
  refusal,
  refused,
  rowsOf,
  runAs,
  toDate,
  type Db,
  type Result,
  type RiderCaller,
} from '@skatehubba/schema-kit';
import { checkins, type Checkin } from '../checkins';
import { CHECKIN_DEDUPE_ORIGIN, CHECKIN_DEDUPE_WINDOW } from '../constants';
import { SPOTS_REFUSALS } from '../refusals';
import { checkinWrites } from '../writes';

/** Every column of a check-in, for RETURNING through the write table (same table, granted columns only). */
const checkinColumns = getTableColumns(checkins);

/** An achievement a check-in unlocked, and the notification that announces it. */
export interface CheckinUnlock {
  achievement_id: string;
  slug: string;
  name: string;
  tier: AchievementTier;
  notification_id: string;
}

export interface CheckInResult {
  checkin: Checkin;
  /** What this check-in unlocked, lowest tier first; usually empty. */
  unlocked: CheckinUnlock[];
}

/**
 * A rider checks in at a spot: one transaction, as the rider. The insert
 * goes through `checkinWrites` (the granted columns; `created_at` is the
 * database's clock, which the duplicate rule buckets on), and the database
 * does the rest in the same statement: the check-in triggers count it toward
 * every achievement whose metric it advances (`rider_metrics`), unlock each
 * goal it reaches, and write a notification for each unlock. The second
 * statement reads those unlocks back: the notices of this rider on a
 * check-in created in this transaction (`created_at = now()`, the same
 * instant in every statement of one transaction, so it also works as one
 * batch over Neon's HTTP driver).
 *
 * Refusals, with nothing written: `invalid_input`, `duplicate_checkin`
 * (conflict, `facts.retryAt`: the end of the 10-minute bucket), `spot_archived`
 * (conflict), `spot_not_found` (missing_reference), `user_not_found` (a rider
 * with no profile yet).
 */
export async function checkIn(db: Db, caller: RiderCaller, input: CheckInInput): Promise<Result<CheckInResult>> {
  const values = parseInput(checkInInput, input);
  if (!values.ok) return values;
  const result = await attempt(SPOTS_REFUSALS, async () => {
    const [inserted, unlocked] = await runAs(db, caller, (q) => [
      q
        .insert(checkinWrites)
        .values({ ...values.value, user_id: caller.rider })
        .returning(checkinColumns),
      q.execute(sql`
        SELECT n.achievement_id, a.slug, a.name, a.tier, n.id AS notification_id
          FROM notifications n
          JOIN checkins c ON c.id = n.checkin_id
          JOIN achievements a ON a.id = n.achievement_id
         WHERE n.user_id = (select current_rider_id()) AND c.user_id = (select current_rider_id()) AND c.created_at = now()
         ORDER BY a.tier, a.slug`),
    ]);
    return { checkin: inserted[0]!, unlocked: rowsOf<CheckinUnlock>(unlocked) };
  });
  if (!result.ok && result.error.rule === 'duplicate_checkin' && !result.error.facts.retryAt) {
    // Postgres leaves the key out of the error under row-level security, so the
    // bucket comes from the check-in the duplicate met: the rider's latest live
    // one at the spot (their own, which the policies let them read).
    const [rows] = await runAs(db, caller, (q) => [
      q.execute(sql`
        SELECT date_bin(${CHECKIN_DEDUPE_WINDOW}::interval, created_at, ${CHECKIN_DEDUPE_ORIGIN}::timestamptz) + ${CHECKIN_DEDUPE_WINDOW}::interval AS retry_at
          FROM checkins
         WHERE user_id = ${caller.rider}::uuid AND spot_id = ${values.value.spot_id}::uuid AND archived_at IS NULL
         ORDER BY created_at DESC LIMIT 1`),
    ]);
    const retryAt = rowsOf<{ retry_at: Date | string }>(rows)[0]?.retry_at;
    if (retryAt !== undefined) return refused(withFacts(result.error, { retryAt: toDate(retryAt) }));
  }
  return result;
}

/** The same refusal, with the facts a later lookup found. */
function withFacts(error: DataRuleError, facts: Record<string, unknown>): DataRuleError {
  const retryAt = facts.retryAt instanceof Date ? facts.retryAt.toISOString() : undefined;
  return new DataRuleError(
    {
      rule: error.rule,
      kind: error.kind,
      message: retryAt ? `${error.message}; check in again from ${retryAt}` : error.message,
      facts: { ...error.facts, ...facts },
    },
    { code: error.sqlstate ?? '', constraint: error.constraint },
    { cause: error.cause },
  );
}

/**
 * A rider corrects their own live check-in: trick, status, stance, note,
 * media (the columns granted for update). A status change to or from
 * `landed` moves the rider's counters in the same statement; an unlock it
 * causes is dated now. `checkin_not_found` (missing_reference) when there is
 * no live check-in of theirs with that id (someone else's is not told apart:
 * its policy hides it).
 */
export async function updateCheckin(db: Db, caller: RiderCaller, checkinId: string, input: UpdateCheckinInput): Promise<Result<Checkin>> {
  const id = parseId('checkin_id', checkinId);
  if (!id.ok) return id;
  const values = parseInput(updateCheckinInput, input);
  if (!values.ok) return values;
  return attempt(SPOTS_REFUSALS, async () => {
    const [rows] = await runAs(db, caller, (q) => [
      q.update(checkins).set(values.value).where(eq(checkins.id, id.value)).returning(checkinColumns),
    ]);
    return rows[0] ?? notFound(id.value);
  });
}

/**
 * A rider deletes their own check-in (archived ones too); their counters go
 * down in the same statement, and an unlock it had reached stays.
 */
export async function deleteCheckin(db: Db, caller: RiderCaller, checkinId: string): Promise<Result<{ checkin_id: string }>> {
  const id = parseId('checkin_id', checkinId);
  if (!id.ok) return id;
  return attempt(SPOTS_REFUSALS, async () => {
    const [rows] = await runAs(db, caller, (q) => [
      q
        .delete(checkins)
        .where(and(eq(checkins.id, id.value), eq(checkins.user_id, caller.rider)))
        .returning({ id: checkins.id }),
    ]);
    return rows[0] ? { checkin_id: rows[0].id } : notFound(id.value);
  });
}

const notFound = (id: string) =>
  refusal('checkin_not_found', 'missing_reference', `no live check-in of yours has id ${id}`, { checkin_id: id });
