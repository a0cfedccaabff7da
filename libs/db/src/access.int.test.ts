import { and, eq, inArray, sql } from 'drizzle-orm';
import type { NeonHttpDatabase } from 'drizzle-orm/neon-http';
import { describe, expect, inject } from 'vitest';
import { recordProgress } from '@skatehubba/gamification';
import { createAchievement } from '@skatehubba/gamification/factories';
import { currentRiderEmail, sessionByToken, userWrites } from '@skatehubba/identity';
import { buildUser, createSession, createUser } from '@skatehubba/identity/factories';
import { asAnonymous, asRider, DataRuleError, riderContext, rowsOf, unwrap, type Result } from '@skatehubba/schema-kit';
import { archiveSpot, checkinWrites, savedSpotWrites, spotWrites } from '@skatehubba/spots';
import { buildCheckin, buildSpot, createCheckin, createSpot, saveSpot } from '@skatehubba/spots/factories';
import { asDatabaseRefusal, databaseTest, hasSessions, runAs, type TestDatabase } from '@skatehubba/testing';
import { toDataRuleError } from './errors';
import * as schema from './schema';
import {
  achievements,
  auditLogs,
  checkins,
  leaderboardEntries,
  leaderboardWindow,
  notificationInboxes,
  notifications,
  riderMetrics,
  savedSpots,
  sessions,
  spotLeaderboardEntries,
  spots,
  userAchievements,
  users,
} from './schema';

// Row-level security held to the design, table by table, as the API's login
// (t.app): asRider()/asAnonymous() switch it to authenticated/anonymous with
// the rider set. Fixtures are made through the admin login (t.db), which sets
// what no rider may (another rider's rows, archived_at, progress).
//
// PGlite: t.app is the superuser session; asRider()'s SET LOCAL ROLE makes the
// policies and grants apply, so everything here runs there too. neon-http has
// no interactive transaction: these tests skip it, and the last block shows
// the same isolation through a batch (one transaction) led by riderContext().
//
// The rider's inserts go through the write tables (checkinWrites, ...): drizzle
// names every column of a table it inserts into, and the column grants refuse
// even DEFAULT for a server-owned one.
const it = databaseTest(schema);
const engine = inject('engine');
const withSessions = it.skipIf(!hasSessions());

type Db = TestDatabase<typeof schema>;

/** The Postgres refusal and the DataRuleError the API would answer with, from a rejected promise. */
async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'expected a refusal, but the statement succeeded').toBeDefined();
  const mapped = toDataRuleError(error);
  expect(mapped, String(error)).toBeInstanceOf(DataRuleError);
  return { code: asDatabaseRefusal(error)?.code, ...(mapped as DataRuleError) };
}

/** The same, for a write function: its `Result` is the refusal, with the SQLSTATE Postgres answered with. */
function refused(result: Result<unknown>) {
  expect(result.ok, result.ok ? `expected a refusal, got ${JSON.stringify(result.value)}` : '').toBe(false);
  if (result.ok) throw new Error('unreachable');
  expect(result.error).toBeInstanceOf(DataRuleError);
  return { code: result.error.sqlstate, ...result.error };
}

const riders = async (t: Db) => [(await createUser(t.db)).id, (await createUser(t.db)).id] as const;

describe('sessions', () => {
  withSessions('a rider sees only their own sessions, and never a token hash', async ({ t }) => {
    const [a, b] = await riders(t);
    const own = [(await createSession(t.db, a)).id, (await createSession(t.db, a)).id].sort();
    await createSession(t.db, b);
    const seen = await asRider(t.app, a, (tx) => tx.select({ id: sessions.id, user_id: sessions.user_id }).from(sessions));
    expect(seen.map((s) => s.id).sort()).toEqual(own);
    expect(seen.every((s) => s.user_id === a)).toBe(true);
    // select() names every column, token_hash included: refused, not filtered.
    expect(await refusal(asRider(t.app, a, (tx) => tx.select().from(sessions)))).toMatchObject({
      code: '42501',
      rule: 'permission_denied',
      kind: 'forbidden',
    });
  });

  withSessions("a rider revokes their own session, and rider B's is out of reach", async ({ t }) => {
    const [a, b] = await riders(t);
    const mine = await createSession(t.db, a);
    const theirs = await createSession(t.db, b);
    const revoke = (id: string) =>
      asRider(t.app, a, (tx) =>
        tx
          .update(sessions)
          .set({ revoked_at: sql`now()` })
          .where(eq(sessions.id, id))
          .returning({ id: sessions.id }),
      );
    expect(await revoke(mine.id)).toEqual([{ id: mine.id }]);
    // B's session is invisible to A's policy: 0 rows, no error.
    expect(await revoke(theirs.id)).toEqual([]);
    const after = await t.db
      .select({ id: sessions.id, revoked_at: sessions.revoked_at })
      .from(sessions)
      .where(inArray(sessions.id, [mine.id, theirs.id]));
    expect(after.find((s) => s.id === mine.id)!.revoked_at).not.toBeNull();
    expect(after.find((s) => s.id === theirs.id)!.revoked_at).toBeNull();
  });

  // Every engine: on neon-http through runAs()'s batch.
  it("signing out everywhere (an UPDATE with no WHERE) revokes the rider's own sessions and no one else's", async ({ t }) => {
    const [a, b] = await riders(t);
    const mine = [(await createSession(t.db, a)).id, (await createSession(t.db, a)).id];
    const theirs = (await createSession(t.db, b)).id;
    // No WHERE and no RETURNING: the statement reads no column, so the read
    // policy does not apply and only the revoke policy's USING clause stands
    // between rider A and every session.
    await runAs(t, { rider: a }, [sql`UPDATE sessions SET revoked_at = now()`]);
    const after = await t.db
      .select({ id: sessions.id, revoked: sql<boolean>`${sessions.revoked_at} IS NOT NULL` })
      .from(sessions)
      .where(inArray(sessions.id, [...mine, theirs]));
    expect(Object.fromEntries(after.map((s) => [s.id, s.revoked]))).toEqual({ [mine[0]!]: true, [mine[1]!]: true, [theirs]: false });
  });

  withSessions('sessionByToken() finds a live session as anonymous, and nothing for an expired or revoked one', async ({ t }) => {
    const [a] = await riders(t);
    const live = await createSession(t.db, a);
    const revoked = await createSession(t.db, a);
    await t.db
      .update(sessions)
      .set({ revoked_at: sql`now()` })
      .where(eq(sessions.id, revoked.id));
    const created_at = new Date(Date.now() - 2 * 86_400_000);
    const expired = await createSession(t.db, a, { created_at, expires_at: new Date(created_at.getTime() + 86_400_000) });
    // sessionByToken() hashes the token and asks session_by_token_hash() as anonymous, on the app login.
    const lookup = async (token: string) => unwrap(await sessionByToken(t.app, token));
    expect(await lookup(live.token)).toEqual({ session_id: live.id, user_id: a, expires_at: live.expires_at });
    expect(await lookup(revoked.token)).toBeNull();
    expect(await lookup(expired.token)).toBeNull();
    // The function is anonymous's to call, and the table behind it is not.
    const [found] = await asAnonymous(t.app, (tx) =>
      tx.execute(sql`SELECT session_id FROM session_by_token_hash(${live.token_hash})`).then((r) => rowsOf<{ session_id: string }>(r)),
    );
    expect(found).toEqual({ session_id: live.id });
    expect(await refusal(asAnonymous(t.app, (tx) => tx.select({ id: sessions.id }).from(sessions)))).toMatchObject({
      code: '42501',
      rule: 'permission_denied',
    });
  });
});

describe('saved spots and progress: a rider reads and writes only their own', () => {
  withSessions('saved spots', async ({ t }) => {
    const [a, b] = await riders(t);
    const [s1, s2] = [(await createSpot(t.db)).id, (await createSpot(t.db)).id];
    await saveSpot(t.db, a, s1);
    await saveSpot(t.db, b, s1);
    expect(
      await asRider(t.app, a, (tx) => tx.select({ user_id: savedSpots.user_id, spot_id: savedSpots.spot_id }).from(savedSpots)),
    ).toEqual([{ user_id: a, spot_id: s1 }]);
    // Save and unsave as themself.
    await asRider(t.app, a, (tx) => tx.insert(savedSpotWrites).values({ user_id: a, spot_id: s2 }));
    const unsaved = await asRider(t.app, a, (tx) =>
      tx.delete(savedSpots).where(eq(savedSpots.spot_id, s1)).returning({ user_id: savedSpots.user_id }),
    );
    expect(unsaved).toEqual([{ user_id: a }]);
    const left = await t.db
      .select({ user_id: savedSpots.user_id, spot_id: savedSpots.spot_id })
      .from(savedSpots)
      .where(inArray(savedSpots.user_id, [a, b]));
    expect(left.sort((x, y) => x.user_id.localeCompare(y.user_id))).toEqual(
      [
        { user_id: a, spot_id: s2 },
        { user_id: b, spot_id: s1 },
      ].sort((x, y) => x.user_id.localeCompare(y.user_id)),
    );
  });

  withSessions('user_achievements: read own only, written only through recordProgress()', async ({ t }) => {
    const [a, b] = await riders(t);
    const staff = (await createUser(t.db)).id;
    const achievement = (await createAchievement(t.db, { goal: 3 })).id;
    unwrap(await recordProgress(t.db, { staff }, b, { achievement_id: achievement, by: 2 }));
    const mine = unwrap(await recordProgress(t.app, { rider: a }, a, { achievement_id: achievement, by: 3 }));
    expect(mine).toMatchObject({ user_id: a, progress: 3, just_unlocked: true });
    expect(
      await asRider(t.app, a, (tx) =>
        tx.select({ user_id: userAchievements.user_id, progress: userAchievements.progress }).from(userAchievements),
      ),
    ).toEqual([{ user_id: a, progress: 3 }]);
    // Another rider's progress: refused by the function's guard, by name.
    expect(refused(await recordProgress(t.app, { rider: a }, b, { achievement_id: achievement, by: 1 }))).toMatchObject({
      code: '42501',
      rule: 'progress_not_yours',
      kind: 'forbidden',
      constraint: 'record_progress_rider_guard',
    });
    const [theirs] = await t.db
      .select({ progress: userAchievements.progress })
      .from(userAchievements)
      .where(and(eq(userAchievements.user_id, b), eq(userAchievements.achievement_id, achievement)));
    expect(theirs).toEqual({ progress: 2 });
  });
});

describe('checkins', () => {
  withSessions("live check-ins are public; an archived one only its rider's", async ({ t }) => {
    const [a, b] = await riders(t);
    const spot = (await createSpot(t.db)).id;
    const live = (await createCheckin(t.db, b, spot)).id;
    const archived = (await createCheckin(t.db, a, spot, { trick: 'heelflip' })).id;
    await t.db
      .update(checkins)
      .set({ archived_at: sql`now()` })
      .where(eq(checkins.id, archived));
    const visible = async (tx: Pick<Db['app'], 'select'>) =>
      (await tx.select({ id: checkins.id }).from(checkins).where(eq(checkins.spot_id, spot))).map((c) => c.id).sort();
    expect(await asRider(t.app, a, visible)).toEqual([live, archived].sort());
    expect(await asRider(t.app, b, visible)).toEqual([live]);
    expect(await asAnonymous(t.app, visible)).toEqual([live]);
  });

  withSessions("a rider checks in as themself at the database's clock, edits and deletes only their own live check-ins", async ({ t }) => {
    const [a, b] = await riders(t);
    const spot = (await createSpot(t.db)).id;
    const theirs = (await createCheckin(t.db, b, spot)).id;
    const [mine] = await asRider(t.app, a, (tx) =>
      tx
        .insert(checkinWrites)
        .values(buildCheckin(a, spot))
        .returning({ id: sql<string>`id`, user_id: checkinWrites.user_id, created_at: sql<string>`created_at` }),
    );
    expect(mine!.user_id).toBe(a);
    expect(Math.abs(new Date(mine!.created_at).getTime() - Date.now())).toBeLessThan(60_000);
    const retrick = (id: string) =>
      asRider(t.app, a, (tx) => tx.update(checkins).set({ trick: 'tre flip' }).where(eq(checkins.id, id)).returning({ id: checkins.id }));
    expect(await retrick(mine!.id)).toEqual([{ id: mine!.id }]);
    expect(await retrick(theirs)).toEqual([]);
    const remove = (id: string) => asRider(t.app, a, (tx) => tx.delete(checkins).where(eq(checkins.id, id)).returning({ id: checkins.id }));
    expect(await remove(theirs)).toEqual([]);
    expect(await remove(mine!.id)).toEqual([{ id: mine!.id }]);
    expect(await t.db.select({ trick: checkins.trick }).from(checkins).where(eq(checkins.id, theirs))).toEqual([{ trick: 'kickflip' }]);
    // Checking in as someone else: the policy refuses the new row.
    expect(
      await refusal(asRider(t.app, a, (tx) => tx.insert(checkinWrites).values(buildCheckin(b, spot, { trick: 'ollie' })))),
    ).toMatchObject({ code: '42501', rule: 'not_your_checkin', kind: 'forbidden' });
  });

  withSessions('an archived check-in is not edited, even by its rider', async ({ t }) => {
    const [a] = await riders(t);
    const spot = (await createSpot(t.db)).id;
    const id = (await createCheckin(t.db, a, spot)).id;
    await t.db
      .update(checkins)
      .set({ archived_at: sql`now()` })
      .where(eq(checkins.id, id));
    expect(
      await asRider(t.app, a, (tx) =>
        tx.update(checkins).set({ note: 'edited' }).where(eq(checkins.id, id)).returning({ id: checkins.id }),
      ),
    ).toEqual([]);
  });
});

describe('users', () => {
  withSessions(
    'public profile columns are read by every rider and by anonymous; email only through current_rider_email()',
    async ({ t }) => {
      const [a, b] = await riders(t);
      const profiles = (tx: Pick<Db['app'], 'select'>) =>
        tx
          .select({ id: users.id, handle: users.handle, display_name: users.display_name, stance: users.stance })
          .from(users)
          .where(inArray(users.id, [a, b]));
      expect(await asRider(t.app, a, profiles)).toHaveLength(2);
      expect(await asAnonymous(t.app, profiles)).toHaveLength(2);
      const [emailOfA] = await t.db.select({ email: users.email }).from(users).where(eq(users.id, a));
      expect(unwrap(await currentRiderEmail(t.app, { rider: a }))).toBe(emailOfA!.email);
      expect(await refusal(asRider(t.app, a, (tx) => tx.select({ email: users.email }).from(users).where(eq(users.id, a))))).toMatchObject({
        code: '42501',
        rule: 'permission_denied',
      });
    },
  );

  withSessions('a rider signs up only as themself, and edits only their own profile', async ({ t }) => {
    const [b] = await riders(t);
    const newRider = crypto.randomUUID();
    const signUp = (as: string, id: string) => asRider(t.app, as, (tx) => tx.insert(userWrites).values({ ...buildUser(), id }));
    await signUp(newRider, newRider);
    expect(await t.db.select({ id: users.id }).from(users).where(eq(users.id, newRider))).toEqual([{ id: newRider }]);
    const someoneElse = crypto.randomUUID();
    expect(await refusal(signUp(newRider, someoneElse))).toMatchObject({ code: '42501', rule: 'not_your_account', kind: 'forbidden' });
    expect(await t.db.select({ id: users.id }).from(users).where(eq(users.id, someoneElse))).toEqual([]);
    const rename = (id: string) =>
      asRider(t.app, newRider, (tx) =>
        tx.update(users).set({ display_name: 'Renamed' }).where(eq(users.id, id)).returning({ id: users.id }),
      );
    expect(await rename(newRider)).toEqual([{ id: newRider }]);
    expect(await rename(b)).toEqual([]);
    expect((await t.db.select({ display_name: users.display_name }).from(users).where(eq(users.id, b)))[0]!.display_name).not.toBe(
      'Renamed',
    );
  });
});

describe('spots and achievements', () => {
  withSessions('a rider creates spots as themself and edits only their own live spots', async ({ t }) => {
    const [a, b] = await riders(t);
    const create = (createdBy: string | null) =>
      asRider(t.app, a, (tx) =>
        tx
          .insert(spotWrites)
          .values(buildSpot({ created_by: createdBy }))
          .returning({ id: sql<string>`id` }),
      );
    const [mine] = await create(a);
    for (const createdBy of [b, null]) {
      expect(await refusal(create(createdBy))).toMatchObject({ code: '42501', rule: 'not_your_spot', kind: 'forbidden' });
    }
    const theirs = (await createSpot(t.db, { created_by: b })).id;
    const rename = (id: string) =>
      asRider(t.app, a, (tx) => tx.update(spots).set({ name: 'Renamed' }).where(eq(spots.id, id)).returning({ id: spots.id }));
    expect(await rename(mine!.id)).toEqual([{ id: mine!.id }]);
    expect(await rename(theirs)).toEqual([]);
    await t.db
      .update(spots)
      .set({ archived_at: sql`now()` })
      .where(eq(spots.id, mine!.id));
    expect(await rename(mine!.id)).toEqual([]);
  });

  withSessions('archiveSpot(): the creator archives their spot and every check-in at it; anyone else is refused', async ({ t }) => {
    const [a, b] = await riders(t);
    const mine = (await createSpot(t.db, { created_by: a })).id;
    const theirs = (await createSpot(t.db, { created_by: b })).id;
    await createCheckin(t.db, b, mine);
    const result = unwrap(await archiveSpot(t.app, { rider: a }, mine));
    expect(result).toMatchObject({ spot_id: mine, checkins_archived: 1 });
    expect(
      await t.db
        .select({ archived: sql<boolean>`${checkins.archived_at} IS NOT NULL` })
        .from(checkins)
        .where(eq(checkins.spot_id, mine)),
    ).toEqual([{ archived: true }]);
    expect(refused(await archiveSpot(t.app, { rider: a }, theirs))).toMatchObject({
      code: '42501',
      rule: 'spot_not_yours',
      kind: 'forbidden',
      constraint: 'archive_spot_creator_guard',
    });
    expect(await t.db.select({ archived_at: spots.archived_at }).from(spots).where(eq(spots.id, theirs))).toEqual([{ archived_at: null }]);
  });

  withSessions('achievements are read by all and written by no rider', async ({ t }) => {
    const [a] = await riders(t);
    const achievement = await createAchievement(t.db);
    expect(
      await asRider(t.app, a, (tx) => tx.select({ id: achievements.id }).from(achievements).where(eq(achievements.id, achievement.id))),
    ).toEqual([{ id: achievement.id }]);
    expect(
      await asAnonymous(t.app, (tx) => tx.select({ id: achievements.id }).from(achievements).where(eq(achievements.id, achievement.id))),
    ).toEqual([{ id: achievement.id }]);
    for (const write of [
      sql`INSERT INTO achievements (slug, name, description, tier, metric, goal) VALUES ('rider-made', 'Mine', '', 'gold', 'manual', 1)`,
      sql`UPDATE achievements SET goal = 1 WHERE id = ${achievement.id}`,
      sql`DELETE FROM achievements WHERE id = ${achievement.id}`,
    ]) {
      expect(await refusal(asRider(t.app, a, (tx) => tx.execute(write)))).toMatchObject({ code: '42501', rule: 'permission_denied' });
    }
    expect(await t.db.select({ goal: achievements.goal }).from(achievements).where(eq(achievements.id, achievement.id))).toEqual([
      { goal: achievement.goal },
    ]);
  });
});

// 0010-0013: the counters, the inbox and the leaderboards are written only by
// the owner's triggers and functions. A rider reads their own counters and
// notifications and marks their own read; the leaderboards are public.
describe('counters, notifications and leaderboards', () => {
  /** Two riders with a landed check-in each at one spot and one unlock each: a counter, a notice and an entry per rider. */
  const world = async (t: Db) => {
    const [a, b] = await riders(t);
    const staff = (await createUser(t.db)).id;
    const spot = (await createSpot(t.db)).id;
    for (const rider of [a, b]) await createCheckin(t.db, rider, spot);
    const achievement = (await createAchievement(t.db, { goal: 1 })).id;
    for (const rider of [a, b]) unwrap(await recordProgress(t.db, { staff }, rider, { achievement_id: achievement, by: 1 }));
    const noticeOf = async (rider: string) =>
      (await t.db.select({ id: notifications.id }).from(notifications).where(eq(notifications.user_id, rider)))[0]!.id;
    return { a, b, spot, achievement, notices: { a: await noticeOf(a), b: await noticeOf(b) } };
  };
  const permissionDenied = { code: '42501', rule: 'permission_denied', kind: 'forbidden' };

  withSessions('rider_metrics, notifications and notification_inboxes: a rider reads only their own, anonymous none', async ({ t }) => {
    const { a, b, achievement, notices } = await world(t);
    const both = [a, b];
    expect(
      await asRider(t.app, a, (tx) =>
        tx
          .select({ user_id: riderMetrics.user_id, metric: riderMetrics.metric, value: riderMetrics.value })
          .from(riderMetrics)
          .where(inArray(riderMetrics.user_id, both))
          .orderBy(riderMetrics.metric),
      ),
    ).toEqual([
      { user_id: a, metric: 'checkins', value: 1 },
      { user_id: a, metric: 'landed', value: 1 },
      { user_id: a, metric: 'distinct_spots', value: 1 },
    ]);
    expect(
      await asRider(t.app, a, (tx) =>
        tx
          .select({ id: notifications.id, user_id: notifications.user_id, achievement_id: notifications.achievement_id })
          .from(notifications)
          .where(inArray(notifications.user_id, both)),
      ),
    ).toEqual([{ id: notices.a, user_id: a, achievement_id: achievement }]);
    expect(
      await asRider(t.app, a, (tx) => tx.select().from(notificationInboxes).where(inArray(notificationInboxes.user_id, both))),
    ).toEqual([{ user_id: a, unread_count: 1 }]);
    // b's rows are there: the policy filtered them, nothing else did.
    expect(await t.db.select().from(notificationInboxes).where(inArray(notificationInboxes.user_id, both))).toHaveLength(2);
    for (const table of [riderMetrics, notifications, notificationInboxes]) {
      expect(await refusal(asAnonymous(t.app, (tx) => tx.select({ n: sql<number>`count(*)` }).from(table)))).toMatchObject(
        permissionDenied,
      );
    }
  });

  withSessions('a rider marks only their own notifications read, and writes nothing else of them or of the counters', async ({ t }) => {
    const { a, b, spot, notices } = await world(t);
    const markRead = (id: string) =>
      asRider(t.app, a, (tx) =>
        tx
          .update(notifications)
          .set({ read_at: sql`now()` })
          .where(eq(notifications.id, id))
          .returning({ id: notifications.id }),
      );
    expect(await markRead(notices.a)).toEqual([{ id: notices.a }]);
    // b's notice is invisible to a's policy: 0 rows, no error.
    expect(await markRead(notices.b)).toEqual([]);
    const read = async () =>
      Object.fromEntries(
        (
          await t.db
            .select({ id: notifications.id, read: sql<boolean>`${notifications.read_at} IS NOT NULL` })
            .from(notifications)
            .where(inArray(notifications.id, [notices.a, notices.b]))
        ).map((n) => [n.id, n.read]),
      );
    expect(await read()).toEqual({ [notices.a]: true, [notices.b]: false });
    // The inbox triggers counted the read mark: a's badge is 0, b's still 1.
    const inboxes = async () =>
      Object.fromEntries(
        (
          await t.db
            .select()
            .from(notificationInboxes)
            .where(inArray(notificationInboxes.user_id, [a, b]))
        ).map((i) => [i.user_id, i.unread_count]),
      );
    expect(await inboxes()).toEqual({ [a]: 0, [b]: 1 });

    const metricsBefore = await t.db.select().from(riderMetrics).where(eq(riderMetrics.user_id, a)).orderBy(riderMetrics.metric);
    for (const write of [
      // read_at is the one column granted: not kind, not the rider.
      sql`UPDATE notifications SET kind = 'achievement_unlocked' WHERE id = ${notices.a}`,
      sql`UPDATE notifications SET user_id = ${b} WHERE id = ${notices.a}`,
      sql`INSERT INTO notifications (user_id, kind, achievement_id) VALUES (${a}, 'achievement_unlocked', NULL)`,
      sql`DELETE FROM notifications WHERE id = ${notices.a}`,
      sql`UPDATE notification_inboxes SET unread_count = 0 WHERE user_id = ${a}`,
      sql`INSERT INTO notification_inboxes (user_id, unread_count) VALUES (${a}, 0)`,
      sql`DELETE FROM notification_inboxes WHERE user_id = ${a}`,
      sql`UPDATE rider_metrics SET value = 100 WHERE user_id = ${a}`,
      sql`INSERT INTO rider_metrics (user_id, metric, value) VALUES (${a}, 'checkins', 100)`,
      sql`DELETE FROM rider_metrics WHERE user_id = ${a}`,
    ]) {
      expect(await refusal(asRider(t.app, a, (tx) => tx.execute(write)))).toMatchObject(permissionDenied);
    }
    expect(await read()).toEqual({ [notices.a]: true, [notices.b]: false });
    expect(await inboxes()).toEqual({ [a]: 0, [b]: 1 });
    expect(await t.db.select().from(riderMetrics).where(eq(riderMetrics.user_id, a)).orderBy(riderMetrics.metric)).toEqual(metricsBefore);
    expect(
      await t.db
        .select({ n: sql<number>`count(*)::int` })
        .from(checkins)
        .where(eq(checkins.spot_id, spot)),
    ).toEqual([{ n: 2 }]);
  });

  withSessions('leaderboards are public: every rider and anonymous read every entry, no one but the owner writes them', async ({ t }) => {
    const { a, b, spot } = await world(t);
    const everywhere = (tx: Pick<Db['app'], 'select'>) =>
      tx
        .select({ user_id: leaderboardEntries.user_id, landed: leaderboardEntries.landed })
        .from(leaderboardEntries)
        .where(inArray(leaderboardEntries.user_id, [a, b]))
        .orderBy(leaderboardEntries.user_id);
    const atSpot = (tx: Pick<Db['app'], 'select'>) =>
      tx
        .select({ user_id: spotLeaderboardEntries.user_id, landed: spotLeaderboardEntries.landed })
        .from(spotLeaderboardEntries)
        .where(eq(spotLeaderboardEntries.spot_id, spot))
        .orderBy(spotLeaderboardEntries.user_id);
    const expected = [a, b].sort().map((user_id) => ({ user_id, landed: 1 }));
    for (const read of [everywhere, atSpot]) {
      expect(await asAnonymous(t.app, read)).toEqual(expected);
      expect(await asRider(t.app, a, read)).toEqual(expected);
      expect(await asRider(t.app, b, read)).toEqual(expected);
    }
    for (const write of [
      sql`UPDATE leaderboard_entries SET landed = 100 WHERE user_id = ${a}`,
      sql`DELETE FROM leaderboard_entries WHERE user_id = ${b}`,
      sql`INSERT INTO spot_leaderboard_entries (spot_id, user_id, landed) VALUES (${spot}, ${a}, 100)`,
      sql`UPDATE spot_leaderboard_entries SET landed = 100 WHERE spot_id = ${spot}`,
      sql`DELETE FROM spot_leaderboard_entries WHERE spot_id = ${spot}`,
    ]) {
      expect(await refusal(asRider(t.app, a, (tx) => tx.execute(write)))).toMatchObject(permissionDenied);
      expect(await refusal(asAnonymous(t.app, (tx) => tx.execute(write)))).toMatchObject(permissionDenied);
    }
    expect(await everywhere(t.db)).toEqual(expected);
    expect(await atSpot(t.db)).toEqual(expected);
    // The window the leaderboards count over is support's to read, not the API's.
    for (const as of [
      (f: (tx: Db['app']) => Promise<unknown>) => asAnonymous(t.app, f),
      (f: (tx: Db['app']) => Promise<unknown>) => asRider(t.app, a, f),
    ]) {
      expect(await refusal(as((tx) => tx.select().from(leaderboardWindow)))).toMatchObject(permissionDenied);
    }
  });
});

describe('audit trail', () => {
  withSessions("the audit rows of a rider's changes carry the rider as actor, definer flows included", async ({ t }) => {
    const [a] = await riders(t);
    const spot = (await createSpot(t.db, { created_by: a })).id;
    const achievement = (await createAchievement(t.db, { goal: 5 })).id;
    const [checkin] = await asRider(t.app, a, async (tx) => {
      await tx.update(spots).set({ name: 'Audited' }).where(eq(spots.id, spot));
      return tx
        .insert(checkinWrites)
        .values(buildCheckin(a, spot))
        .returning({ id: sql<string>`id` });
    });
    // The definer flows, each its own transaction as the rider.
    unwrap(await recordProgress(t.app, { rider: a }, a, { achievement_id: achievement, by: 1 }));
    unwrap(await archiveSpot(t.app, { rider: a }, spot));
    const trail = await t.db
      .select({
        actor_id: auditLogs.actor_id,
        action: auditLogs.action,
        target_table: auditLogs.target_table,
        target_id: auditLogs.target_id,
      })
      .from(auditLogs)
      .where(inArray(auditLogs.target_id, [spot, checkin!.id, `${a}/${achievement}`]));
    // created by the admin: no actor; then the rider's update and archive, the check-in and the progress.
    expect(
      trail
        .filter((row) => row.actor_id === a)
        .map((row) => `${row.action} ${row.target_table}`)
        .sort(),
    ).toEqual(['insert checkins', 'insert user_achievements', 'update checkins', 'update spots', 'update spots'].sort());
    expect(trail.filter((row) => row.actor_id !== a)).toEqual([
      { actor_id: null, action: 'insert', target_table: 'spots', target_id: spot },
    ]);
  });
});

describe('neon-http: a batch is one transaction, led by the same rider context', () => {
  // neon-http sends each query as its own request: a rider is set only for the
  // statements of one batch (neon(url).transaction([...]) under db.batch()).
  const neonHttp = it.runIf(engine === 'neon-http');
  const app = (t: Db) => t.app as unknown as NeonHttpDatabase<typeof schema>;

  neonHttp('a rider reads only their own sessions, and the rider does not outlive the batch', async ({ t }) => {
    const [a, b] = await riders(t);
    const ofA = (await createSession(t.db, a)).id;
    const ofB = (await createSession(t.db, b)).id;
    const sessionsOf = async (rider: string) => {
      const [, rows] = await app(t).batch([app(t).execute(riderContext(rider)), app(t).select({ id: sessions.id }).from(sessions)]);
      return rows.map((row) => row.id);
    };
    expect(await sessionsOf(a)).toEqual([ofA]);
    expect(await sessionsOf(b)).toEqual([ofB]);
    // Outside a batch the login is bare: no rider, no role, no table.
    const [claims] = rowsOf<{ claims: string | null }>(
      await app(t).execute(sql`SELECT current_setting('request.jwt.claims', true) AS claims`),
    );
    expect(claims!.claims || null).toBeNull();
    expect((await refusal(app(t).select({ id: sessions.id }).from(sessions))).code).toBe('42501');
  });

  neonHttp('a refused write rolls the whole batch back', async ({ t }) => {
    const [a, b] = await riders(t);
    const spot = (await createSpot(t.db)).id;
    const batch = app(t).batch([
      app(t).execute(riderContext(a)),
      app(t).insert(savedSpotWrites).values({ user_id: a, spot_id: spot }),
      app(t).execute(
        sql`INSERT INTO checkins (user_id, spot_id, trick, trick_status, stance) VALUES (${b}, ${spot}, 'kickflip', 'landed', 'regular')`,
      ),
    ]);
    expect(await refusal(batch)).toMatchObject({ code: '42501', rule: 'not_your_checkin', kind: 'forbidden' });
    expect(await t.db.select().from(savedSpots).where(eq(savedSpots.spot_id, spot))).toEqual([]);
    expect(await t.db.select().from(checkins).where(eq(checkins.spot_id, spot))).toEqual([]);
  });
});
