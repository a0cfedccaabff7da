import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { achievements, recordProgress, userAchievements } from '@skatehubba/gamification';
import { createAchievement } from '@skatehubba/gamification/factories';
import { eraseRider, users } from '@skatehubba/identity';
import { createUser } from '@skatehubba/identity/factories';
import { pgErrorFields, runAs, unwrap, type Db } from '@skatehubba/schema-kit';
import { checkIn, checkins, spots } from '@skatehubba/spots';
import { buildCheckin, createSpot } from '@skatehubba/spots/factories';
import { databaseTest, hasSessions, type TestDatabase } from '@skatehubba/testing';
import { NOTIFICATION_READ_RETENTION_DAYS } from './constants';
import { markAllNotificationsRead, markNotificationsRead, notificationsOf, unreadCount } from './inbox';
import { notificationInboxes } from './inboxes';
import { pruneNotifications } from './maintenance';
import { notifications } from './notifications';

// Integration, on every engine: the rider's inbox. Notifications are written
// by the database in the statement of the event they announce (an unlock by a
// check-in or by recordProgress()); the unread count is a counter the
// notifications triggers keep; the flows read and mark only the caller's own.
// Rows that need a moment in the past (listing ties, pruning) are written as
// the owner, the way the triggers write them.
const schema = { users, spots, checkins, achievements, userAchievements, notifications, notificationInboxes };
const it = databaseTest(schema);
type T = TestDatabase<typeof schema>;
const DAY = 86_400_000;

/** Notices of `rider` written as the owner: one per achievement (an unlock is announced once). */
async function notices(t: T, rider: string, rows: { created_at: Date; read_at?: Date | null }[]) {
  const made = await Promise.all(rows.map(() => createAchievement(t.db)));
  return t.db
    .insert(notifications)
    .values(
      rows.map((r, i) => ({
        user_id: rider,
        kind: 'achievement_unlocked' as const,
        achievement_id: made[i]!.id,
        created_at: r.created_at,
        read_at: r.read_at ?? null,
      })),
    )
    .returning();
}

/** What the inbox counter says, read as the owner. */
async function counter(t: T, rider: string): Promise<number | undefined> {
  const [row] = await t.db.select().from(notificationInboxes).where(eq(notificationInboxes.user_id, rider));
  return row?.unread_count;
}

/** The unread notifications of `rider`, counted directly. */
async function unreadRows(t: T, rider: string): Promise<number> {
  const rows = await t.db
    .select({ id: notifications.id })
    .from(notifications)
    .where(and(eq(notifications.user_id, rider), isNull(notifications.read_at)));
  return rows.length;
}

const refusalOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

// Opens this file's database before the first test, under the hook's time limit rather than a test's.
it.beforeAll(async ({ t }) => {
  await t.query('SELECT 1');
});

describe('an unlock', () => {
  it.skipIf(!hasSessions())(
    'writes exactly one notification in the statement of the check-in, and goes with it when that rolls back',
    async ({ t }) => {
      const rider = (await createUser(t.db)).id;
      const spot = (await createSpot(t.db)).id;
      const first = await createAchievement(t.db, { metric: 'checkins', goal: 1 });

      // Inside the transaction of the check-in the unlock and its notice exist; rolled back, neither does.
      const rollback = new Error('roll back');
      const seen = await t.db
        .transaction(async (tx) => {
          const [row] = await tx.insert(checkins).values(buildCheckin(rider, spot)).returning();
          const inside = await tx.select().from(notifications).where(eq(notifications.user_id, rider));
          const unlocked = await tx.select().from(userAchievements).where(eq(userAchievements.user_id, rider));
          expect(inside.map((n) => [n.achievement_id, n.checkin_id])).toEqual([[first.id, row!.id]]);
          expect(unlocked.map((u) => u.achievement_id)).toEqual([first.id]);
          throw rollback;
        })
        .catch((error: unknown) => error);
      expect(seen).toBe(rollback);
      expect(await t.db.select().from(notifications).where(eq(notifications.user_id, rider))).toEqual([]);
      expect(await t.db.select().from(userAchievements).where(eq(userAchievements.user_id, rider))).toEqual([]);
      expect(await counter(t, rider)).toBeUndefined();

      // Through the API's write path: one notice, dated and linked to the check-in that reached the goal.
      const made = unwrap(await checkIn(t.app, { rider }, { spot_id: spot, trick: 'ollie', trick_status: 'landed', stance: 'regular' }));
      expect(made.unlocked.map((u) => u.achievement_id)).toEqual([first.id]);
      const inbox = unwrap(await notificationsOf(t.app, { rider }));
      expect(inbox.items).toHaveLength(1);
      expect(inbox.items[0]).toMatchObject({
        kind: 'achievement_unlocked',
        checkin_id: made.checkin.id,
        read_at: null,
        achievement: { id: first.id, slug: first.slug, name: first.name, tier: first.tier },
      });
      expect(inbox.items[0]!.created_at.getTime()).toBe(made.checkin.created_at.getTime());
      expect(unwrap(await unreadCount(t.app, { rider }))).toBe(1);

      // A second check-in reaches nothing new: still one notice.
      const other = (await createSpot(t.db)).id;
      unwrap(await checkIn(t.app, { rider }, { spot_id: other, trick: 'ollie', trick_status: 'landed', stance: 'regular' }));
      expect(await t.db.select().from(notifications).where(eq(notifications.user_id, rider))).toHaveLength(1);
      expect(unwrap(await unreadCount(t.app, { rider }))).toBe(1);
    },
  );

  it('reached inside one bulk statement is dated by the check-in that reached the goal, not the last one', async ({ t }) => {
    const rider = (await createUser(t.db)).id;
    const spotIds = await Promise.all([0, 1, 2].map(async () => (await createSpot(t.db)).id));
    const second = await createAchievement(t.db, { metric: 'checkins', goal: 2 });
    const third = await createAchievement(t.db, { metric: 'distinct_spots', goal: 3 });
    const base = Date.now() - 3 * 3_600_000;
    // Written out of time order, in one statement (an import).
    const rows = await t.db
      .insert(checkins)
      .values([2, 0, 1].map((k) => buildCheckin(rider, spotIds[k]!, { created_at: new Date(base + k * 3_600_000) })))
      .returning();
    const byTime = [...rows].sort((a, b) => a.created_at.getTime() - b.created_at.getTime());
    const mine = await t.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.user_id, rider), inArray(notifications.achievement_id, [second.id, third.id])));
    const of = (id: string) => mine.find((n) => n.achievement_id === id)!;
    expect(mine).toHaveLength(2);
    expect(of(second.id).checkin_id).toBe(byTime[1]!.id);
    expect(of(second.id).created_at.getTime()).toBe(byTime[1]!.created_at.getTime());
    expect(of(third.id).checkin_id).toBe(byTime[2]!.id);
    const [unlock] = await t.db
      .select()
      .from(userAchievements)
      .where(and(eq(userAchievements.user_id, rider), eq(userAchievements.achievement_id, second.id)));
    expect(unlock!.unlocked_at!.getTime()).toBe(byTime[1]!.created_at.getTime());

    // The notice outlives the check-in that caused it (SET NULL); the index serves that update.
    await t.db.delete(checkins).where(eq(checkins.id, byTime[1]!.id));
    const [kept] = await t.db
      .select()
      .from(notifications)
      .where(eq(notifications.id, of(second.id).id));
    expect(kept!.checkin_id).toBeNull();
  });

  it('by recordProgress() announces once, with the unlock', async ({ t }) => {
    const rider = (await createUser(t.db)).id;
    const manual = await createAchievement(t.db, { metric: 'manual', goal: 2 });
    unwrap(await recordProgress(t.app, { rider }, rider, { achievement_id: manual.id }));
    expect(await t.db.select().from(notifications).where(eq(notifications.user_id, rider))).toEqual([]);
    const unlocked = unwrap(await recordProgress(t.app, { rider }, rider, { achievement_id: manual.id }));
    expect(unlocked.just_unlocked).toBe(true);
    unwrap(await recordProgress(t.app, { rider }, rider, { achievement_id: manual.id, by: 5 }));
    const mine = await t.db.select().from(notifications).where(eq(notifications.user_id, rider));
    expect(mine.map((n) => [n.achievement_id, n.created_at.getTime()])).toEqual([[manual.id, unlocked.unlocked_at!.getTime()]]);
    expect(unwrap(await unreadCount(t.app, { rider }))).toBe(1);
  });
});

describe('the inbox', () => {
  it('lists newest first, and a cursor walk serves every notice once, ties on created_at included', async ({ t }) => {
    const rider = (await createUser(t.db)).id;
    const other = (await createUser(t.db)).id;
    const base = Date.now() - DAY;
    // 23 notices, in groups of three sharing a moment (one statement's unlocks share it).
    const mine = await notices(
      t,
      rider,
      Array.from({ length: 23 }, (_, i) => ({ created_at: new Date(base + Math.floor(i / 3) * 60_000) })),
    );
    await notices(t, other, [{ created_at: new Date(base + 30_000) }, { created_at: new Date(base + 90_000) }]);
    const expected = [...mine]
      .sort((a, b) => b.created_at.getTime() - a.created_at.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .map((n) => n.id);

    const walked: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = unwrap(await notificationsOf(t.app, { rider }, { limit: 5, cursor }));
      expect(page.items.length).toBeLessThanOrEqual(5);
      walked.push(...page.items.map((n) => n.id));
      cursor = page.next_cursor ?? undefined;
      pages++;
    } while (cursor && pages < 20);
    expect(pages).toBe(5);
    expect(walked).toEqual(expected);
    expect(new Set(walked).size).toBe(23);
  });

  it('marks read only the rider’s own notices; another rider’s ids are left as they are', async ({ t }) => {
    const a = (await createUser(t.db)).id;
    const b = (await createUser(t.db)).id;
    const now = Date.now() - 60_000;
    const aRows = await notices(
      t,
      a,
      [0, 1, 2].map((k) => ({ created_at: new Date(now - k * 1000) })),
    );
    const bRows = await notices(
      t,
      b,
      [0, 1].map((k) => ({ created_at: new Date(now - k * 1000) })),
    );
    expect([await counter(t, a), await counter(t, b)]).toEqual([3, 2]);

    const marked = unwrap(await markNotificationsRead(t.app, { rider: a }, { ids: [aRows[0]!.id, bRows[0]!.id] }));
    expect(marked).toEqual({ marked: 1, unread_count: 2 });
    const readAt = async (id: string) => (await t.db.select().from(notifications).where(eq(notifications.id, id)))[0]!.read_at;
    expect(await readAt(aRows[0]!.id)).toBeInstanceOf(Date);
    expect(await readAt(bRows[0]!.id)).toBeNull();
    expect(unwrap(await unreadCount(t.app, { rider: b }))).toBe(2);
    // Marking again changes nothing.
    expect(unwrap(await markNotificationsRead(t.app, { rider: a }, { ids: [aRows[0]!.id] }))).toEqual({ marked: 0, unread_count: 2 });

    expect(unwrap(await markAllNotificationsRead(t.app, { rider: a }))).toEqual({ marked: 2, unread_count: 0 });
    expect(await unreadRows(t, a)).toBe(0);
    expect(await unreadRows(t, b)).toBe(2);
    expect([await counter(t, a), await counter(t, b)]).toEqual([0, 2]);
    // Listed as read, newest first still.
    const listed = unwrap(await notificationsOf(t.app, { rider: a })).items;
    expect(listed.map((n) => n.id)).toEqual(aRows.map((n) => n.id));
    expect(listed.every((n) => n.read_at !== null)).toBe(true);
  });

  it('keeps the unread count equal to a direct count after any mix of notices, marks, resets and deletions', async ({ t }) => {
    type Op =
      | { type: 'notify'; rider: number; count: number; readFirst: boolean }
      | { type: 'mark'; rider: number; picks: number[] }
      | { type: 'mark-all'; rider: number }
      | { type: 'unread-again'; pick: number }
      | { type: 'delete'; picks: number[] };
    const op: fc.Arbitrary<Op> = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record({
          type: fc.constant('notify' as const),
          rider: fc.nat(1),
          count: fc.integer({ min: 1, max: 3 }),
          readFirst: fc.boolean(),
        }),
      },
      {
        weight: 3,
        arbitrary: fc.record({
          type: fc.constant('mark' as const),
          rider: fc.nat(1),
          picks: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
        }),
      },
      { weight: 1, arbitrary: fc.record({ type: fc.constant('mark-all' as const), rider: fc.nat(1) }) },
      { weight: 2, arbitrary: fc.record({ type: fc.constant('unread-again' as const), pick: fc.nat() }) },
      {
        weight: 2,
        arbitrary: fc.record({ type: fc.constant('delete' as const), picks: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }) }),
      },
    );
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 6, maxLength: 16 }), async (ops) => {
        const riders = [(await createUser(t.db)).id, (await createUser(t.db)).id];
        let made: { id: string; rider: string }[] = [];
        for (const o of ops) {
          if (o.type === 'notify') {
            // Both riders' notices in one statement: the trigger counts per rider.
            const catalogue = await Promise.all(Array.from({ length: o.count + 1 }, () => createAchievement(t.db)));
            const rows = await t.db
              .insert(notifications)
              .values(
                catalogue.map((a, i) => ({
                  user_id: riders[i === o.count ? 1 - o.rider : o.rider]!,
                  kind: 'achievement_unlocked' as const,
                  achievement_id: a.id,
                  created_at: new Date(Date.now() - 60_000),
                  read_at: o.readFirst && i === 0 ? new Date() : null,
                })),
              )
              .returning();
            made.push(...rows.map((r) => ({ id: r.id, rider: r.user_id })));
          } else if (o.type === 'mark') {
            const ids = o.picks.map((p) => made[p % Math.max(made.length, 1)]?.id).filter((id): id is string => !!id);
            if (ids.length) unwrap(await markNotificationsRead(t.app, { rider: riders[o.rider]! }, { ids }));
          } else if (o.type === 'mark-all') {
            unwrap(await markAllNotificationsRead(t.app, { rider: riders[o.rider]! }));
          } else if (o.type === 'unread-again') {
            // Support resets a notice to unread (as the owner): the count goes back up.
            const target = made[o.pick % Math.max(made.length, 1)];
            if (target) await t.db.update(notifications).set({ read_at: null }).where(eq(notifications.id, target.id));
          } else {
            const ids = o.picks.map((p) => made[p % Math.max(made.length, 1)]?.id).filter((id): id is string => !!id);
            if (ids.length) await t.db.delete(notifications).where(inArray(notifications.id, ids));
            made = made.filter((m) => !ids.includes(m.id));
          }
          for (const rider of riders) {
            expect(unwrap(await unreadCount(t.app, { rider }))).toBe(await unreadRows(t, rider));
          }
        }
        runs++;
      }),
      { numRuns: 10, seed: 20261203, endOnFailure: true },
    );
    expect(runs).toBe(10);
  });

  it('serves the unread count from the inbox counter, not from a count of the notices', async ({ t }) => {
    const rider = (await createUser(t.db)).id;
    await notices(t, rider, [{ created_at: new Date(Date.now() - 1000) }, { created_at: new Date(Date.now() - 2000) }]);
    expect(unwrap(await unreadCount(t.app, { rider }))).toBe(2);
    // The counter, changed behind the triggers' back, is what the read returns.
    await t.db.update(notificationInboxes).set({ unread_count: 7 }).where(eq(notificationInboxes.user_id, rider));
    expect(unwrap(await unreadCount(t.app, { rider }))).toBe(7);
    await t.db.update(notificationInboxes).set({ unread_count: 2 }).where(eq(notificationInboxes.user_id, rider));
    // A rider with no notice yet has no inbox row, and a count of 0.
    const fresh = (await createUser(t.db)).id;
    expect(await counter(t, fresh)).toBeUndefined();
    expect(unwrap(await unreadCount(t.app, { rider: fresh }))).toBe(0);
  });

  it.skipIf(!hasSessions())('reads the listing and the prune through their indexes', async ({ t }) => {
    // Scans off, so the plan names the index each query relies on, whatever the table's size.
    const rider = (await createUser(t.db)).id;
    const plans = await t.db.transaction(async (tx) => {
      await tx.execute(sql`SET LOCAL enable_seqscan = off`);
      const explain = async (query: string) =>
        ((await tx.execute(sql.raw(`EXPLAIN ${query}`))) as unknown as { rows: { 'QUERY PLAN': string }[] }).rows
          .map((r) => r['QUERY PLAN'])
          .join('\n');
      return {
        list: await explain(
          `SELECT id FROM notifications WHERE user_id = '${rider}' ORDER BY created_at DESC NULLS LAST, id DESC NULLS LAST LIMIT 21`,
        ),
        prune: await explain(`SELECT id FROM notifications WHERE read_at IS NOT NULL AND read_at < now() - interval '90 days'`),
        checkin: await explain(`SELECT id FROM notifications WHERE checkin_id = '${rider}'`),
        achievement: await explain(`SELECT id FROM notifications WHERE achievement_id = '${rider}'`),
      };
    });
    expect(plans.list).toContain('notifications_user_id_created_at_idx');
    expect(plans.prune).toContain('notifications_read_at_idx');
    expect(plans.checkin).toContain('notifications_checkin_id_idx');
    expect(plans.achievement).toContain('notifications_achievement_id_idx');
  });

  it('keeps its rules: one notice per unlock, a payload, a read time after the notice, a count never below zero', async ({ t }) => {
    const rider = (await createUser(t.db)).id;
    const [n] = await notices(t, rider, [{ created_at: new Date(Date.now() - 60_000) }]);
    const another = await createAchievement(t.db);
    const cases: [string, () => Promise<unknown>][] = [
      ['notifications_pk', () => t.db.insert(notifications).values({ ...n!, achievement_id: another.id })],
      [
        'notifications_user_achievement_uq',
        () => t.db.insert(notifications).values({ user_id: rider, kind: 'achievement_unlocked', achievement_id: n!.achievement_id }),
      ],
      ['notifications_payload_ck', () => t.db.insert(notifications).values({ user_id: rider, kind: 'achievement_unlocked' })],
      [
        'notifications_read_at_ck',
        () =>
          t.db
            .update(notifications)
            .set({ read_at: new Date(n!.created_at.getTime() - 1000) })
            .where(eq(notifications.id, n!.id)),
      ],
      [
        'notification_inboxes_unread_count_ck',
        () => t.db.update(notificationInboxes).set({ unread_count: -1 }).where(eq(notificationInboxes.user_id, rider)),
      ],
    ];
    for (const [constraint, write] of cases) {
      expect(pgErrorFields(await refusalOf(write()))?.constraint, constraint).toBe(constraint);
    }
    expect(await t.db.select().from(notifications).where(eq(notifications.user_id, rider))).toHaveLength(1);
    expect(await counter(t, rider)).toBe(1);
  });
});

describe('pruning', () => {
  it(`removes only notices read more than ${NOTIFICATION_READ_RETENTION_DAYS} days ago, and keeps the unread count`, async ({ t }) => {
    const [days] = await t.query<{ days: number }>('SELECT notification_read_retention_days() AS days');
    expect(days!.days).toBe(NOTIFICATION_READ_RETENTION_DAYS);
    const rider = (await createUser(t.db)).id;
    const ago = (d: number) => new Date(Date.now() - d * DAY);
    const [oldRead, recentRead, oldUnread, freshRead] = await notices(t, rider, [
      { created_at: ago(200), read_at: ago(NOTIFICATION_READ_RETENTION_DAYS + 1) },
      { created_at: ago(200), read_at: ago(NOTIFICATION_READ_RETENTION_DAYS - 1) },
      { created_at: ago(400) },
      { created_at: ago(1), read_at: new Date() },
    ]);
    expect(await counter(t, rider)).toBe(1);
    // Staff runs it (the maintenance job); no other notice of this file is read that long ago.
    expect(await pruneNotifications(t.db as never)).toBe(1);
    const left = await t.db.select({ id: notifications.id }).from(notifications).where(eq(notifications.user_id, rider));
    expect(left.map((n) => n.id).sort()).toEqual([recentRead!.id, oldUnread!.id, freshRead!.id].sort());
    expect(left.map((n) => n.id)).not.toContain(oldRead!.id);
    expect(await counter(t, rider)).toBe(1);
    expect(await pruneNotifications(t.db as never)).toBe(0);
  });

  it.skipIf(!hasSessions())('is staff only: a rider is refused, even with EXECUTE granted to PUBLIC by mistake', async ({ t }) => {
    const rider = (await createUser(t.db)).id;
    await notices(t, rider, [{ created_at: new Date(Date.now() - 200 * DAY), read_at: new Date(Date.now() - 100 * DAY) }]);
    const asRider = (db: Db, grant: boolean) =>
      refusalOf(
        db.transaction(async (tx) => {
          if (grant) await tx.execute(sql`GRANT EXECUTE ON FUNCTION prune_notifications() TO PUBLIC`);
          await tx.execute(
            sql`SELECT set_config('request.jwt.claims', ${JSON.stringify({ sub: rider })}, true), set_config('role', 'authenticated', true)`,
          );
          return pruneNotifications(tx as never);
        }),
      );
    expect(await asRider(t.app as never, false)).toMatchObject({ rule: 'permission_denied', kind: 'forbidden' });
    expect(await asRider(t.db as never, true)).toMatchObject({ rule: 'maintenance_staff_only', kind: 'forbidden' });
    expect(await t.db.select().from(notifications).where(eq(notifications.user_id, rider))).toHaveLength(1);
  });
});

describe('row-level security', () => {
  it('shows rider B none of rider A’s notices or inbox, and lets B mark, write or delete none of them', async ({ t }) => {
    const a = (await createUser(t.db)).id;
    const b = (await createUser(t.db)).id;
    const [aNotice] = await notices(t, a, [{ created_at: new Date(Date.now() - 60_000) }]);
    const [bNotice] = await notices(t, b, [{ created_at: new Date(Date.now() - 60_000) }]);
    const asB = <R>(work: (q: Db) => PromiseLike<R>) => runAs(t.app as never, { rider: b }, (q) => [work(q)] as const).then(([r]) => r);

    // B sees their own (the policy admits something), and nothing of A's.
    expect((await asB((q) => q.select().from(notifications))).map((n) => n.id)).toEqual([bNotice!.id]);
    expect(await asB((q) => q.select().from(notifications).where(eq(notifications.user_id, a)))).toEqual([]);
    expect((await asB((q) => q.select().from(notificationInboxes))).map((i) => i.user_id)).toEqual([b]);
    expect(await asB((q) => q.select().from(notificationInboxes).where(eq(notificationInboxes.user_id, a)))).toEqual([]);

    // B's update of A's notice reaches no row.
    const touched = await asB((q) =>
      q
        .update(notifications)
        .set({ read_at: sql`now()` })
        .where(eq(notifications.id, aNotice!.id))
        .returning({ id: notifications.id }),
    );
    expect(touched).toEqual([]);
    expect((await t.db.select().from(notifications).where(eq(notifications.id, aNotice!.id)))[0]!.read_at).toBeNull();
    // An update that reads no column (no WHERE, no RETURNING) is held by the update policy alone: it marks B's only.
    await asB((q) => q.update(notifications).set({ read_at: sql`now()` }));
    expect((await t.db.select().from(notifications).where(eq(notifications.id, bNotice!.id)))[0]!.read_at).toBeInstanceOf(Date);
    expect((await t.db.select().from(notifications).where(eq(notifications.id, aNotice!.id)))[0]!.read_at).toBeNull();
    expect(await counter(t, a)).toBe(1);

    // Only read_at is the rider's to write; inserts and deletes are the owner's triggers' and jobs'.
    const refusals = [
      await refusalOf(asB((q) => q.update(notifications).set({ kind: 'achievement_unlocked' }).where(eq(notifications.id, bNotice!.id)))),
      await refusalOf(
        asB((q) => q.insert(notifications).values({ user_id: b, kind: 'achievement_unlocked', achievement_id: aNotice!.achievement_id })),
      ),
      await refusalOf(asB((q) => q.delete(notifications).where(eq(notifications.id, bNotice!.id)))),
      await refusalOf(asB((q) => q.update(notificationInboxes).set({ unread_count: 0 }).where(eq(notificationInboxes.user_id, b)))),
    ];
    // Refused for want of a privilege, before any policy is asked.
    expect(refusals.map((e) => pgErrorFields(e)?.code)).toEqual(['42501', '42501', '42501', '42501']);
    expect(refusals.filter((e) => !/permission denied/.test(pgErrorFields(e)?.message ?? ''))).toEqual([]);
    expect(
      await t.db
        .select()
        .from(notifications)
        .where(inArray(notifications.user_id, [a, b])),
    ).toHaveLength(2);

    // Anonymous reads neither table.
    for (const table of [notifications, notificationInboxes]) {
      const error = await refusalOf(runAs(t.app as never, 'anonymous', (q) => [q.select().from(table)]));
      expect(pgErrorFields(error)?.code).toBe('42501');
    }
  });
});

describe('erasure and deletion', () => {
  it('takes a rider’s notices and inbox with the account, and an achievement’s notices with it', async ({ t }) => {
    const staff = (await createUser(t.db)).id;
    const rider = (await createUser(t.db)).id;
    const [kept] = await notices(t, rider, [{ created_at: new Date(Date.now() - 60_000) }]);
    // An achievement nobody holds (a held one is RESTRICTed by user_achievements) goes with its notices.
    const orphan = await createAchievement(t.db);
    const other = (await createUser(t.db)).id;
    await t.db.insert(notifications).values({ user_id: other, kind: 'achievement_unlocked', achievement_id: orphan.id });
    expect(await counter(t, other)).toBe(1);
    await t.db.delete(achievements).where(eq(achievements.id, orphan.id));
    expect(await t.db.select().from(notifications).where(eq(notifications.achievement_id, orphan.id))).toEqual([]);
    expect(await counter(t, other)).toBe(0);

    unwrap(await eraseRider(t.db as never, { staff }, rider));
    expect(await t.db.select().from(notifications).where(eq(notifications.id, kept!.id))).toEqual([]);
    expect(await counter(t, rider)).toBeUndefined();
  });
});
