import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { ACHIEVEMENT_METRICS, ACHIEVEMENT_TIERS } from '@skatehubba/enums';
import { users } from '@skatehubba/identity';
import { createUser } from '@skatehubba/identity/factories';
import {
  databaseTest,
  enumLabel,
  expectVerdictsAgree,
  hasSessions,
  mediaUrl,
  optional,
  PROPERTY_RUNS,
  reference,
  textAround,
} from '@skatehubba/testing';
import { achievements } from './achievements';
import { ACHIEVEMENT_DESCRIPTION_MAX_LENGTH, ACHIEVEMENT_NAME_MAX_LENGTH, ACHIEVEMENT_SLUG_MAX_LENGTH } from './constants';
import { createAchievement } from './factories';
import { userAchievements } from './user-achievements';
import { achievementInsertSchema, userAchievementInsertSchema } from './validation';

// Property: zod and the database agree on 1,000 generated rows per table
// (seeded; each row inserted in a rolled-back transaction, so not on neon-http).
const schema = { users, achievements, userAchievements };
const it = databaseTest(schema);
let riders: string[];
let catalogue: { id: string; goal: number }[];

/** Integers around the edges of int4 and of a positive count, plus non-integers. */
const count = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -5, max: 600 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, 1, -1, 2_147_483_647, 2_147_483_648, -2_147_483_648, 1.5, Number.NaN) },
);

describe.skipIf(!hasSessions())('zod and the database agree', () => {
  it.beforeAll(async ({ t }) => {
    riders = [(await createUser(t.db)).id];
    catalogue = [
      await createAchievement(t.db, { goal: 1 }),
      await createAchievement(t.db, { goal: 10 }),
      await createAchievement(t.db, { goal: 500 }),
    ];
  });

  it(`on ${PROPERTY_RUNS} achievements`, async ({ t }) => {
    const rows = fc.record(
      {
        slug: fc.oneof(fc.stringMatching(/^[a-z0-9]{1,20}(-[a-z0-9]{1,20}){0,3}$/), textAround(ACHIEVEMENT_SLUG_MAX_LENGTH, 3)),
        name: textAround(ACHIEVEMENT_NAME_MAX_LENGTH, 1),
        description: textAround(ACHIEVEMENT_DESCRIPTION_MAX_LENGTH),
        tier: enumLabel(ACHIEVEMENT_TIERS),
        metric: enumLabel(ACHIEVEMENT_METRICS),
        goal: count,
        icon_url: optional(mediaUrl),
      },
      { requiredKeys: ['slug', 'name', 'description', 'tier', 'metric', 'goal'] },
    );
    const report = await expectVerdictsAgree(t, { table: achievements, schema: achievementInsertSchema, rows });
    expect(Math.min(report.accepted, report.refused)).toBeGreaterThan(PROPERTY_RUNS / 10);
  });

  it(`on ${PROPERTY_RUNS} progress rows`, async ({ t }) => {
    const created = new Date('2026-06-01T12:00:00.000Z');
    const rows = fc
      .record({
        user_id: reference(riders),
        achievement: fc.constantFrom(...catalogue),
        progress: count,
        unlocked_at: optional(fc.integer({ min: -86_400_000, max: 86_400_000 }).map((ms) => new Date(created.getTime() + ms))),
      })
      // goal is the achievement's, as the composite FK requires; the unlock rule is what varies.
      .map(({ achievement, ...row }) => ({ ...row, achievement_id: achievement.id, goal: achievement.goal, created_at: created }));
    const report = await expectVerdictsAgree(t, { table: userAchievements, schema: userAchievementInsertSchema, rows });
    expect(Math.min(report.accepted, report.refused)).toBeGreaterThan(PROPERTY_RUNS / 20);
  });
});
