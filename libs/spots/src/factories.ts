import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { uniqueSuffix } from '@skatehubba/identity/factories';
import { checkins, type Checkin, type NewCheckin } from './checkins';
import { savedSpots, type SavedSpot } from './saved-spots';
import { spots, type NewSpot, type Spot } from './spots';

/** Fixture builders; see `@skatehubba/identity/factories` for the contract. */
type Db = PgDatabase<PgQueryResultHKT, Record<string, unknown>>;

/** A signed media URL of the shape every `*_url_ck` accepts. */
export const signedMediaUrl = (path = `media/${uniqueSuffix()}.jpg`) =>
  `https://media.skatehubba.test/${path}?X-Amz-Expires=3600&X-Amz-Signature=${'a1b2c3d4'.repeat(8)}`;

export function buildSpot(overrides: Partial<NewSpot> = {}): NewSpot {
  return { name: `Spot ${uniqueSuffix()}`, latitude: 34.0522, longitude: -118.2437, ...overrides };
}

export async function createSpot(db: Db, overrides: Partial<NewSpot> = {}): Promise<Spot> {
  const [row] = await db.insert(spots).values(buildSpot(overrides)).returning();
  return row!;
}

export function buildCheckin(userId: string, spotId: string, overrides: Partial<NewCheckin> = {}): NewCheckin {
  return {
    user_id: userId,
    spot_id: spotId,
    trick: 'kickflip',
    trick_status: 'landed',
    stance: 'regular',
    ...overrides,
  };
}

export async function createCheckin(db: Db, userId: string, spotId: string, overrides: Partial<NewCheckin> = {}): Promise<Checkin> {
  const [row] = await db
    .insert(checkins)
    .values(buildCheckin(userId, spotId, overrides))
    .returning();
  return row!;
}

export async function saveSpot(db: Db, userId: string, spotId: string): Promise<SavedSpot> {
  const [row] = await db.insert(savedSpots).values({ user_id: userId, spot_id: spotId }).returning();
  return row!;
}
