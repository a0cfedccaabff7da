import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { uniqueSuffix } from '@skatehubba/identity/factories';
import { achievements, type Achievement, type NewAchievement } from './achievements';

/** Fixture builders; see `@skatehubba/identity/factories` for the contract. */
type Db = PgDatabase<PgQueryResultHKT, Record<string, unknown>>;

export function buildAchievement(overrides: Partial<NewAchievement> = {}): NewAchievement {
  const n = uniqueSuffix();
  return {
    slug: `land-tricks-${n}`,
    name: `Land tricks ${n}`,
    description: 'Land tricks at any spot.',
    tier: 'bronze',
    // Tests record progress on it; a counted achievement says so explicitly.
    metric: 'manual',
    goal: 10,
    ...overrides,
  };
}

export async function createAchievement(db: Db, overrides: Partial<NewAchievement> = {}): Promise<Achievement> {
  const [row] = await db.insert(achievements).values(buildAchievement(overrides)).returning();
  return row!;
}
