import { eq, sql } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { withActor } from '@skatehubba/audit';
import { createAchievement } from '@skatehubba/gamification/factories';
import { recordProgress } from '@skatehubba/gamification';
import { createSession, createUser } from '@skatehubba/identity/factories';
import { createCheckin, createSpot, saveSpot } from '@skatehubba/spots/factories';
import { databaseTest, hasSessions, type TestDatabase } from '@skatehubba/testing';
import * as schema from './schema';

// Integration: account erasure across every team's tables. Each delete rule
// fires at once, the rider's rows go or are detached, nobody else's change,
// and the audit trail of everything stays.
const it = databaseTest(schema);

const counts = (t: TestDatabase<typeof schema>, userId: string) =>
  t.query<Record<string, number>>(sql`
    SELECT (SELECT count(*) FROM users WHERE id = ${userId})::int AS users,
           (SELECT count(*) FROM sessions WHERE user_id = ${userId})::int AS sessions,
           (SELECT count(*) FROM checkins WHERE user_id = ${userId})::int AS checkins,
           (SELECT count(*) FROM saved_spots WHERE user_id = ${userId})::int AS saved_spots,
           (SELECT count(*) FROM user_achievements WHERE user_id = ${userId})::int AS user_achievements,
           (SELECT count(*) FROM spots WHERE created_by = ${userId})::int AS created_spots`);

describe('account erasure', () => {
  // withActor() is an interactive transaction: not on neon-http.
  it.skipIf(!hasSessions())('deletes the rider, cascades what they own, detaches their spots, and keeps the audit trail', async ({ t }) => {
    const rider = await createUser(t.db);
    const bystander = await createUser(t.db);
    const spot = await createSpot(t.db, { created_by: rider.id });
    const achievement = await createAchievement(t.db, { goal: 2 });
    const session = await createSession(t.db, rider.id);
    const checkin = await createCheckin(t.db, rider.id, spot.id);
    await saveSpot(t.db, rider.id, spot.id);
    await recordProgress(t.db, rider.id, achievement.id, 2);
    const bystanderCheckin = await createCheckin(t.db, bystander.id, spot.id);
    await saveSpot(t.db, bystander.id, spot.id);
    expect(await counts(t, rider.id)).toEqual([
      { users: 1, sessions: 1, checkins: 1, saved_spots: 1, user_achievements: 1, created_spots: 1 },
    ]);

    // The erasure request is itself attributed (support staff acting for the rider).
    const staff = (await createUser(t.db)).id;
    // The trail of every row the erasure touches, and of the staff account.
    const trailOf = () =>
      t.query<{ target_table: string; action: string }>(sql`
        SELECT target_table, action FROM audit_logs
         WHERE target_id IN (${rider.id}, ${staff}, ${session.id}, ${checkin.id}, ${spot.id},
                             ${`${rider.id}/${spot.id}`}, ${`${rider.id}/${achievement.id}`})
         ORDER BY id`);
    const trailBefore = await trailOf();
    expect(trailBefore).toHaveLength(7 /* rider, spot, session, check-in, save, progress, staff: one insert each */);
    await withActor(t.db, staff, (tx) => tx.delete(schema.users).where(eq(schema.users.id, rider.id)));

    expect(await counts(t, rider.id)).toEqual([
      { users: 0, sessions: 0, checkins: 0, saved_spots: 0, user_achievements: 0, created_spots: 0 },
    ]);
    const [kept] = await t.db.select().from(schema.spots).where(eq(schema.spots.id, spot.id));
    expect(kept).toMatchObject({ id: spot.id, created_by: null });
    expect(await t.db.select().from(schema.checkins).where(eq(schema.checkins.user_id, bystander.id))).toEqual([bystanderCheckin]);
    expect(await t.db.select().from(schema.achievements).where(eq(schema.achievements.id, achievement.id))).toHaveLength(1);

    // Nothing was removed from the trail; the erasure added one row per deleted or detached row.
    const trailAfter = await trailOf();
    expect(trailAfter.slice(0, trailBefore.length)).toEqual(trailBefore);
    expect(trailAfter).toHaveLength(trailBefore.length + 6 /* user, session, check-in, save, progress, spot update */);
    const erasure = await t.query<{ target_table: string; action: string }>(
      sql`SELECT target_table, action FROM audit_logs WHERE actor_id = ${staff} ORDER BY target_table`,
    );
    expect(erasure).toEqual([
      { target_table: 'checkins', action: 'delete' },
      { target_table: 'saved_spots', action: 'delete' },
      { target_table: 'sessions', action: 'delete' },
      { target_table: 'spots', action: 'update' },
      { target_table: 'user_achievements', action: 'delete' },
      { target_table: 'users', action: 'delete' },
    ]);
    const [riderTrail] = await t.query<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM audit_logs WHERE target_table = 'users' AND target_id = ${rider.id}`,
    );
    expect(riderTrail!.n).toBe(2);
  });
});
