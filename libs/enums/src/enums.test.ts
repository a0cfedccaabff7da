import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  ACHIEVEMENT_METRICS,
  ACHIEVEMENT_TIERS,
  NOTIFICATION_KINDS,
  STANCES,
  TRICK_STATUSES,
  achievementMetricSchema,
  achievementTierSchema,
  notificationKindSchema,
  stanceSchema,
  trickStatusSchema,
  type AchievementMetric,
  type AchievementTier,
  type NotificationKind,
  type Stance,
  type TrickStatus,
} from './index';
import { achievementMetricEnum, achievementTierEnum, notificationKindEnum, stanceEnum, trickStatusEnum } from './pg';

// The database side (pg_enum label order after migrating) is checked by the
// aggregator's catalog test; here: the tuples, the types, the zod enums, the
// pgEnum objects, and that the SDK entry bundles without a database driver.
describe('enum values', () => {
  it('are the agreed vocabularies, in the agreed order', () => {
    expect(TRICK_STATUSES).toEqual(['landed', 'bailed', 'retry']);
    expect(STANCES).toEqual(['regular', 'goofy']);
    expect(ACHIEVEMENT_TIERS).toEqual(['bronze', 'silver', 'gold', 'legendary']);
    expect(ACHIEVEMENT_METRICS).toEqual(['checkins', 'landed', 'distinct_spots', 'manual']);
    expect(NOTIFICATION_KINDS).toEqual(['achievement_unlocked']);
  });

  it('build the Postgres enums from the same tuples', () => {
    expect(trickStatusEnum.enumName).toBe('trick_status');
    expect(trickStatusEnum.enumValues).toEqual(TRICK_STATUSES);
    expect(stanceEnum.enumName).toBe('stance');
    expect(stanceEnum.enumValues).toEqual(STANCES);
    expect(achievementTierEnum.enumName).toBe('achievement_tier');
    expect(achievementTierEnum.enumValues).toEqual(ACHIEVEMENT_TIERS);
    expect(achievementMetricEnum.enumName).toBe('achievement_metric');
    expect(achievementMetricEnum.enumValues).toEqual(ACHIEVEMENT_METRICS);
    expect(notificationKindEnum.enumName).toBe('notification_kind');
    expect(notificationKindEnum.enumValues).toEqual(NOTIFICATION_KINDS);
  });

  it('give zod enums that accept every label and refuse anything else', () => {
    for (const [schema, values] of [
      [trickStatusSchema, TRICK_STATUSES],
      [stanceSchema, STANCES],
      [achievementTierSchema, ACHIEVEMENT_TIERS],
      [achievementMetricSchema, ACHIEVEMENT_METRICS],
      [notificationKindSchema, NOTIFICATION_KINDS],
    ] as const) {
      for (const value of values) expect(schema.parse(value)).toBe(value);
      expect(schema.options).toEqual([...values]);
      for (const bad of ['', 'LANDED', 'Goofy', 'platinum', ' landed', null, 1]) expect(schema.safeParse(bad).success).toBe(false);
    }
  });

  it('give union types, not string', () => {
    expectTypeOf<TrickStatus>().toEqualTypeOf<'landed' | 'bailed' | 'retry'>();
    expectTypeOf<Stance>().toEqualTypeOf<'regular' | 'goofy'>();
    expectTypeOf<AchievementTier>().toEqualTypeOf<'bronze' | 'silver' | 'gold' | 'legendary'>();
    expectTypeOf<AchievementMetric>().toEqualTypeOf<'checkins' | 'landed' | 'distinct_spots' | 'manual'>();
    expectTypeOf<NotificationKind>().toEqualTypeOf<'achievement_unlocked'>();
  });
});

describe('the SDK entry (@skatehubba/enums)', () => {
  it('bundles with zod and no database driver or ORM', async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL('./index.ts', import.meta.url))],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'neutral',
      format: 'esm',
      mainFields: ['module', 'main'],
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((path) => path.includes('node_modules/zod/'))).toBe(true);
    const forbidden = inputs.filter((path) =>
      /node_modules\/(drizzle-orm|pg|pg-[a-z-]+|@electric-sql|@neondatabase|postgres)\//.test(path),
    );
    expect(forbidden).toEqual([]);
    expect(result.outputFiles[0]!.text).toContain('"legendary"');
  });

  it('would catch a driver import (the same bundle of ./pg pulls drizzle in)', async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL('./pg.ts', import.meta.url))],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'esm',
      logLevel: 'silent',
    });
    expect(Object.keys(result.metafile.inputs).some((path) => path.includes('node_modules/drizzle-orm/'))).toBe(true);
  });
});
