import { and, eq, sql } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { users } from '@skatehubba/identity';
import { createUser } from '@skatehubba/identity/factories';
import { unwrap } from '@skatehubba/schema-kit';
import { databaseTest, expectRefused, hasSessions, type TestDatabase } from '@skatehubba/testing';
import { achievements } from './achievements';
import { buildAchievement, createAchievement } from './factories';
import { recordProgress } from './flows/progress';
import { achievementsOf } from './queries';
import { userAchievements } from './user-achievements';
import { achievementInsertSchema, userAchievementInsertSchema } from './validation';

// Integration: the gamification team's rules on a real engine, and
// recordProgress() under concurrency where the engine has more than one connection.
// Fixtures come from the admin login; recordProgress() runs as the API runs it,
// on the app login as the rider, through record_progress()'s guard.
const schema = { users, achievements, userAchievements };
const it = databaseTest(schema);

const MISSING = '00000000-0000-4000-8000-000000000000';

/** recordProgress() as the API calls it: on the app login, the rider on themself. */
const record = (t: TestDatabase<typeof schema>, riderId: string, achievementId: string, by = 1) =>
  recordProgress(t.app, { rider: riderId }, riderId, { achievement_id: achievementId, by });
/** As `record`, for a call that must succeed. */
const recorded = async (t: TestDatabase<typeof schema>, riderId: string, achievementId: string, by = 1) =>
  unwrap(await record(t, riderId, achievementId, by));

describe('achievements', () => {
  it.for([
    ['slug', { slug: 'ab' }, 'achievements_slug_ck'],
    ['slug', { slug: 'Land-Tricks' }, 'achievements_slug_ck'],
    ['slug', { slug: 'land--tricks' }, 'achievements_slug_ck'],
    ['slug', { slug: 'a'.repeat(61) }, 'achievements_slug_ck'],
    ['name', { name: '' }, 'achievements_name_ck'],
    ['description', { description: 'd'.repeat(501) }, 'achievements_description_ck'],
    ['goal', { goal: 0 }, 'achievements_goal_ck'],
    ['icon_url', { icon_url: 'https://media.skatehubba.test/badge.png' }, 'achievements_icon_url_ck'],
  ] as const)('refuses a bad %s (%s), and zod agrees', async ([_, overrides, constraint], { t }) => {
    const row = buildAchievement(overrides);
    expect(achievementInsertSchema.safeParse(row).success).toBe(false);
    await expectRefused(t.db.insert(achievements).values(row), constraint);
  });

  it('accepts the edges: 3- and 60-character slugs, goal 1, empty description', async ({ t }) => {
    for (const overrides of [{ slug: 'abc' }, { slug: 'a'.repeat(60) }, { goal: 1, description: '' }]) {
      const row = buildAchievement(overrides);
      expect(achievementInsertSchema.safeParse(row).success).toBe(true);
      const [{ id }] = (await t.db.insert(achievements).values(row).returning({ id: achievements.id })) as [{ id: string }];
      expect(await t.db.select().from(achievements).where(eq(achievements.id, id))).toEqual([expect.objectContaining(row)]);
    }
  });

  it('refuses a second achievement with the same slug (achievements_slug_uq)', async ({ t }) => {
    const first = await createAchievement(t.db);
    await expectRefused(createAchievement(t.db, { slug: first.slug }), 'achievements_slug_uq');
  });
});

describe('user_achievements rules', () => {
  it('refuses negative progress (user_achievements_progress_ck)', async ({ t }) => {
    const rider = await createUser(t.db);
    const a = await createAchievement(t.db, { goal: 5 });
    const row = { user_id: rider.id, achievement_id: a.id, goal: 5, progress: -1 };
    expect(userAchievementInsertSchema.safeParse(row).success).toBe(false);
    await expectRefused(t.db.insert(userAchievements).values(row), 'user_achievements_progress_ck');
  });

  it.for([
    ['progress below goal, unlocked', 4, true],
    ['progress at goal, not unlocked', 5, false],
    ['progress above goal, not unlocked', 9, false],
  ] as const)('refuses %s (user_achievements_unlock_ck), and zod agrees', async ([_, progress, unlocked], { t }) => {
    const rider = await createUser(t.db);
    const a = await createAchievement(t.db, { goal: 5 });
    const row = { user_id: rider.id, achievement_id: a.id, goal: 5, progress, unlocked_at: unlocked ? new Date() : null };
    expect(userAchievementInsertSchema.safeParse(row).success).toBe(false);
    await expectRefused(t.db.insert(userAchievements).values(row), 'user_achievements_unlock_ck');
  });

  it('accepts progress at the goal with unlocked_at, and 0 without', async ({ t }) => {
    const rider = await createUser(t.db);
    const [a, b] = [await createAchievement(t.db, { goal: 5 }), await createAchievement(t.db, { goal: 5 })];
    for (const row of [
      { user_id: rider.id, achievement_id: a.id, goal: 5, progress: 5, unlocked_at: new Date(Date.now() + 1000) },
      { user_id: rider.id, achievement_id: b.id, goal: 5, progress: 0, unlocked_at: null },
    ]) {
      expect(userAchievementInsertSchema.safeParse(row).success).toBe(true);
      await t.db.insert(userAchievements).values(row);
      const stored = await t.db
        .select()
        .from(userAchievements)
        .where(and(eq(userAchievements.user_id, row.user_id), eq(userAchievements.achievement_id, row.achievement_id)));
      expect(stored).toEqual([expect.objectContaining(row)]);
    }
  });

  it('refuses a copied goal that differs from the achievement (user_achievements_achievement_fk)', async ({ t }) => {
    const rider = await createUser(t.db);
    const a = await createAchievement(t.db, { goal: 5 });
    await expectRefused(
      t.db.insert(userAchievements).values({ user_id: rider.id, achievement_id: a.id, goal: 4, progress: 0 }),
      'user_achievements_achievement_fk',
    );
  });

  it('keeps one row per rider and achievement (user_achievements_pk)', async ({ t }) => {
    const rider = await createUser(t.db);
    const a = await createAchievement(t.db, { goal: 5 });
    const row = { user_id: rider.id, achievement_id: a.id, goal: 5, progress: 0 };
    await t.db.insert(userAchievements).values(row);
    await expectRefused(t.db.insert(userAchievements).values(row), 'user_achievements_pk');
  });

  it('refuses deleting an achievement riders have progress on (RESTRICT) and keeps both rows', async ({ t }) => {
    const rider = await createUser(t.db);
    const a = await createAchievement(t.db);
    await recorded(t, rider.id, a.id);
    await expectRefused(t.db.delete(achievements).where(eq(achievements.id, a.id)), 'user_achievements_achievement_fk');
    expect(await t.db.select().from(achievements).where(eq(achievements.id, a.id))).toHaveLength(1);
    expect(await t.db.select().from(userAchievements).where(eq(userAchievements.achievement_id, a.id))).toHaveLength(1);
  });

  it('cascades a goal change to every rider, and refuses one that would contradict an unlock', async ({ t }) => {
    const [r1, r2] = [await createUser(t.db), await createUser(t.db)];
    const a = await createAchievement(t.db, { goal: 10 });
    await recorded(t, r1.id, a.id, 4);
    await recorded(t, r2.id, a.id, 2);

    // 10 -> 8: nobody reaches it, so the goal moves on both rows.
    await t.db.update(achievements).set({ goal: 8 }).where(eq(achievements.id, a.id));
    const goals = await t.db
      .select({ goal: userAchievements.goal })
      .from(userAchievements)
      .where(eq(userAchievements.achievement_id, a.id));
    expect(goals).toEqual([{ goal: 8 }, { goal: 8 }]);

    // 8 -> 3: r1 (progress 4) would have reached it without an unlock: refused, nothing moves.
    await expectRefused(t.db.update(achievements).set({ goal: 3 }).where(eq(achievements.id, a.id)), 'user_achievements_unlock_ck');
    const [still] = await t.db.select({ goal: achievements.goal }).from(achievements).where(eq(achievements.id, a.id));
    expect(still!.goal).toBe(8);
  });

  it('erasing a rider removes their progress and keeps the achievement', async ({ t }) => {
    const rider = await createUser(t.db);
    const a = await createAchievement(t.db);
    await recorded(t, rider.id, a.id);
    await t.db.delete(users).where(eq(users.id, rider.id));
    expect(await t.db.select().from(userAchievements).where(eq(userAchievements.user_id, rider.id))).toEqual([]);
    expect(await t.db.select().from(achievements).where(eq(achievements.id, a.id))).toHaveLength(1);
  });
});

describe('recordProgress()', () => {
  it('creates the row, adds up, and unlocks once when the goal is reached', async ({ t }) => {
    const rider = await createUser(t.db);
    const a = await createAchievement(t.db, { goal: 3 });
    const first = await recorded(t, rider.id, a.id);
    expect(first).toMatchObject({ progress: 1, unlocked_at: null, just_unlocked: false });
    expect(await recorded(t, rider.id, a.id)).toMatchObject({ progress: 2, just_unlocked: false });
    const third = await recorded(t, rider.id, a.id);
    expect(third).toMatchObject({ progress: 3, just_unlocked: true });
    expect(third.unlocked_at).toBeInstanceOf(Date);
    const fourth = await recorded(t, rider.id, a.id, 5);
    expect(fourth).toMatchObject({ progress: 8, just_unlocked: false, unlocked_at: third.unlocked_at });
  });

  it('unlocks on the first call when one step reaches the goal', async ({ t }) => {
    const rider = await createUser(t.db);
    const a = await createAchievement(t.db, { goal: 3 });
    expect(await recorded(t, rider.id, a.id, 3)).toMatchObject({ progress: 3, just_unlocked: true });
  });

  it('refuses a missing achievement and a bad step by name, and changes nothing', async ({ t }) => {
    const rider = await createUser(t.db);
    const a = await createAchievement(t.db);
    expect(await record(t, rider.id, MISSING)).toMatchObject({
      ok: false,
      error: { name: 'DataRuleError', rule: 'achievement_not_found', kind: 'missing_reference' },
    });
    for (const by of [0, -1, 1.5, Number.NaN]) {
      expect(await record(t, rider.id, a.id, by)).toMatchObject({ ok: false, error: { rule: 'invalid_input', kind: 'invalid' } });
    }
    expect(await t.db.select().from(userAchievements).where(eq(userAchievements.user_id, rider.id))).toEqual([]);
  });

  it.skipIf(!hasSessions())("refuses a rider's progress for another rider (progress_not_yours) and changes nothing", async ({ t }) => {
    const [rider, other] = [await createUser(t.db), await createUser(t.db)];
    const a = await createAchievement(t.db, { goal: 1 });
    expect(await recordProgress(t.app, { rider: rider.id }, other.id, { achievement_id: a.id })).toMatchObject({
      ok: false,
      error: {
        name: 'DataRuleError',
        rule: 'progress_not_yours',
        kind: 'forbidden',
        sqlstate: '42501',
        constraint: 'record_progress_rider_guard',
      },
    });
    expect(await t.db.select().from(userAchievements).where(eq(userAchievements.user_id, other.id))).toEqual([]);
  });

  it("lets staff (the owner login, no rider) record anyone's progress", async ({ t }) => {
    const rider = await createUser(t.db);
    const a = await createAchievement(t.db, { goal: 2 });
    const staff = await createUser(t.db);
    expect(unwrap(await recordProgress(t.db, { staff: staff.id }, rider.id, { achievement_id: a.id }))).toMatchObject({
      progress: 1,
      just_unlocked: false,
    });
  });

  it('refuses progress for a missing rider (user_achievements_user_id_fk)', async ({ t }) => {
    const a = await createAchievement(t.db);
    expect(await record(t, MISSING, a.id)).toMatchObject({ ok: false, error: { constraint: 'user_achievements_user_id_fk' } });
  });

  // 16 callers x 25 steps. On PGlite (one connection) the calls interleave on
  // one session; on Postgres they run on 16 pooled connections at once.
  it('counts exactly and unlocks exactly once under 16 concurrent callers', async ({ t }) => {
    const rider = await createUser(t.db);
    const goal = 200;
    const a = await createAchievement(t.db, { goal });
    const callers = 16;
    const steps = 25;
    const results = await Promise.all(
      Array.from({ length: callers }, async () => {
        const mine = [];
        for (let i = 0; i < steps; i++) mine.push(await recorded(t, rider.id, a.id));
        return mine;
      }),
    );
    const all = results.flat();
    const unlocks = all.filter((r) => r.just_unlocked);
    expect(unlocks).toHaveLength(1);
    expect(unlocks[0]!.progress).toBe(goal);
    // Every call saw a distinct count: no increment was lost or doubled.
    expect(new Set(all.map((r) => r.progress)).size).toBe(callers * steps);
    const [row] = await t.db
      .select()
      .from(userAchievements)
      .where(and(eq(userAchievements.user_id, rider.id), eq(userAchievements.achievement_id, a.id)));
    expect(row).toMatchObject({ progress: callers * steps, unlocked_at: unlocks[0]!.unlocked_at });
    const [audited] = await t.query<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM audit_logs WHERE target_table = 'user_achievements' AND target_id = ${`${rider.id}/${a.id}`}`,
    );
    expect(audited!.n).toBe(callers * steps);
  });
});

describe('achievementsOf()', () => {
  it("lists the catalogue with the rider's own progress, in catalogue order", async ({ t }) => {
    const rider = await createUser(t.db);
    const gold = await createAchievement(t.db, { tier: 'gold', goal: 2 });
    const bronze = await createAchievement(t.db, { tier: 'bronze', goal: 5 });
    const legendary = await createAchievement(t.db, { tier: 'legendary', goal: 100 });
    await recorded(t, rider.id, bronze.id, 3);
    await recorded(t, rider.id, gold.id, 2);
    await recorded(t, rider.id, legendary.id, 1);
    const mine = [gold.id, bronze.id, legendary.id];
    const list = unwrap(await achievementsOf(t.app, { rider: rider.id }, { limit: 100 })).items.filter((a) =>
      mine.includes(a.achievement_id),
    );
    // Catalogue order: tier (bronze first), then slug.
    expect(list.map((a) => [a.slug, a.tier, a.progress, a.goal, a.unlocked_at !== null])).toEqual([
      [bronze.slug, 'bronze', 3, 5, false],
      [gold.slug, 'gold', 2, 2, true],
      [legendary.slug, 'legendary', 1, 100, false],
    ]);
    // Another rider sees the same catalogue with none of this rider's progress.
    const theirs = unwrap(await achievementsOf(t.app, { rider: (await createUser(t.db)).id }, { limit: 100 })).items;
    expect(theirs.filter((a) => mine.includes(a.achievement_id)).map((a) => [a.progress, a.unlocked_at])).toEqual([
      [0, null],
      [0, null],
      [0, null],
    ]);
  });
});
