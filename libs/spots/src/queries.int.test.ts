import { eq, sql } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { users } from '@skatehubba/identity';
import { createUser } from '@skatehubba/identity/factories';
import { unwrap, type Caller, type Page } from '@skatehubba/schema-kit';
import { databaseTest, hasSessions } from '@skatehubba/testing';
import { checkins, type Checkin } from './checkins';
import { createCheckin, createSpot, saveSpot } from './factories';
import { riderHistory, spotFeed } from './reads/feeds';
import { boundingBox, greatCircleMeters } from './reads/geometry';
import { leaderboard, spotLeaderboard } from './reads/leaderboards';
import { spotsNear } from './reads/near';
import { savedSpotsOf } from './reads/saved';
import { savedSpots } from './saved-spots';
import { spots } from './spots';

// Integration: the hot read paths return exactly what their definitions say,
// checked against a computation over all rows in JS. Fixtures are written by
// the admin login (they set created_at, which no app role may); every read
// runs as the API runs it, on the app login as anonymous or as the rider, so
// the policies are part of what is checked.
const schema = { users, spots, checkins, savedSpots };
const it = databaseTest(schema);

const anonymous: Caller = 'anonymous';

/** Every page of a list, following `next_cursor` until the last page. */
async function allPages<T>(fetch: (cursor?: string) => Promise<Page<T>>) {
  const pages: T[][] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await fetch(cursor);
    pages.push(page.items);
    if (!page.next_cursor) return pages;
    cursor = page.next_cursor;
  }
}

describe('spotFeed() and riderHistory()', () => {
  it('page through every live check-in exactly once, newest first, ties broken by id', async ({ t }) => {
    const spot = await createSpot(t.db);
    const riders = await Promise.all(Array.from({ length: 7 }, () => createUser(t.db)));
    // Many check-ins share a created_at (same statement: same now()), the case a cursor must survive.
    const values = riders.flatMap((rider, r) =>
      Array.from({ length: 5 }, (_, i) => ({
        user_id: rider.id,
        spot_id: spot.id,
        trick: 'ollie',
        trick_status: 'landed' as const,
        stance: 'regular' as const,
        created_at: new Date(Date.UTC(2026, 2, 1) + i * 3_600_000 + (r % 2) * 1),
      })),
    );
    await t.db.insert(checkins).values(values);
    await t.db.insert(checkins).values(
      riders.map((rider) => ({
        user_id: rider.id,
        spot_id: spot.id,
        trick: 'heelflip',
        trick_status: 'bailed' as const,
        stance: 'goofy' as const,
      })),
    );
    // An archived check-in is left out.
    const [archived] = await t.db
      .insert(checkins)
      .values({
        user_id: riders[0]!.id,
        spot_id: spot.id,
        trick: 'old',
        trick_status: 'landed',
        stance: 'regular',
        created_at: new Date(Date.UTC(2025, 0, 1)),
      })
      .returning();
    await t.query(sql`UPDATE checkins SET archived_at = now() WHERE id = ${archived!.id}`);

    const pages = await allPages<Checkin>(async (cursor) => unwrap(await spotFeed(t.app, anonymous, spot.id, { limit: 4, cursor })));
    const seen = pages.flat();
    const expected = await t.query<{ id: string }>(
      sql`SELECT id FROM checkins WHERE spot_id = ${spot.id} AND archived_at IS NULL ORDER BY created_at DESC, id DESC`,
    );
    expect(seen.map((c) => c.id)).toEqual(expected.map((r) => r.id));
    expect(seen).toHaveLength(7 * 6);
    expect(pages.slice(0, -1).every((p) => p.length === 4)).toBe(true);

    const history = (
      await allPages<Checkin>(async (cursor) =>
        unwrap(await riderHistory(t.app, { rider: riders[0]!.id }, riders[0]!.id, { limit: 2, cursor })),
      )
    ).flat();
    expect(history.map((c) => c.id)).toEqual(
      (
        await t.query<{ id: string }>(
          sql`SELECT id FROM checkins WHERE user_id = ${riders[0]!.id} AND archived_at IS NULL ORDER BY created_at DESC, id DESC`,
        )
      ).map((r) => r.id),
    );
    expect(history.some((c) => c.id === archived!.id)).toBe(false);
  });

  it('refuses a page size outside 1-100 and a cursor it did not issue', async ({ t }) => {
    const spotId = '00000000-0000-4000-8000-000000000000';
    for (const limit of [0, 101]) {
      expect(await spotFeed(t.app, anonymous, spotId, { limit })).toMatchObject({ ok: false, error: { rule: 'invalid_input' } });
    }
    expect(await spotFeed(t.app, anonymous, spotId, { limit: 1 })).toEqual({ ok: true, value: { items: [], next_cursor: null } });
    // riderHistory's cursor does not page spotFeed, even with the same shape.
    const spot = await createSpot(t.db);
    const rider = await createUser(t.db);
    await createCheckin(t.db, rider.id, spot.id);
    await createCheckin(t.db, rider.id, (await createSpot(t.db)).id);
    const { next_cursor } = unwrap(await riderHistory(t.app, anonymous, rider.id, { limit: 1 }));
    expect(next_cursor).not.toBeNull();
    expect(await spotFeed(t.app, anonymous, spot.id, { limit: 1, cursor: next_cursor! })).toMatchObject({
      ok: false,
      error: { rule: 'invalid_cursor' },
    });
  });
});

describe('spotsNear()', () => {
  // A field of spots around three places: a city, the antimeridian, and near the pole.
  const centres = [
    { latitude: 41.3874, longitude: 2.1686 }, // Barcelona
    { latitude: -16.5, longitude: 179.99 }, // Fiji, on the antimeridian
    { latitude: 89.9, longitude: 0 },
  ];
  let field: { id: string; latitude: number; longitude: number; archived: boolean }[];

  it.beforeAll(async ({ t }) => {
    let seed = 7;
    const random = () => (seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647;
    const rows = centres.flatMap((c, ci) =>
      Array.from({ length: 150 }, (_, i) => {
        let longitude = c.longitude + (random() - 0.5) * 0.6;
        if (longitude > 180) longitude -= 360;
        return { name: `Near ${ci}-${i}`, latitude: Math.min(90, c.latitude + (random() - 0.5) * 0.3), longitude };
      }),
    );
    const inserted = await t.db.insert(spots).values(rows).returning();
    // Every tenth spot is archived: it must never come back.
    const archivedIds = inserted.filter((_, i) => i % 10 === 0).map((s) => s.id);
    for (const id of archivedIds)
      await t.db
        .update(spots)
        .set({ archived_at: sql`now()` })
        .where(eq(spots.id, id));
    field = inserted.map((s) => ({ id: s.id, latitude: s.latitude, longitude: s.longitude, archived: archivedIds.includes(s.id) }));
  });

  it.for([
    ['a city', centres[0]!, 5_000],
    ['the antimeridian', { latitude: -16.5, longitude: -179.995 }, 8_000],
    ['near the pole', { latitude: 89.95, longitude: 120 }, 20_000],
    ['a tiny radius', centres[0]!, 150],
  ] as const)('matches a brute-force great-circle search around %s', async ([_, point, radiusM], { t }) => {
    // Pages of 40: the keyset on (distance, id) must give every spot once, in order.
    const found = (
      await allPages(async (cursor) => unwrap(await spotsNear(t.app, anonymous, { ...point, radius_m: radiusM, limit: 40, cursor })))
    ).flat();
    const expected = field
      .filter((s) => !s.archived)
      .map((s) => ({ id: s.id, distanceM: greatCircleMeters(point.latitude, point.longitude, s.latitude, s.longitude) }))
      .filter((s) => s.distanceM <= radiusM)
      .sort((a, b) => a.distanceM - b.distanceM || a.id.localeCompare(b.id));
    // Other test files' spots are elsewhere; only this field is near these points.
    expect(found.map((s) => s.id)).toEqual(expected.map((s) => s.id));
    expect(found.map((s) => s.distance_m)).toEqual(expected.map((s) => expect.closeTo(s.distanceM, 6)));
    if (radiusM > 1_000) expect(found.length).toBeGreaterThan(0);
  });

  it('keeps every point of the circle inside the bounding box it scans', () => {
    for (const { latitude, longitude } of [...centres, { latitude: 0, longitude: 179.9 }, { latitude: -60, longitude: -179.9 }]) {
      const box = boundingBox(latitude, longitude, 10_000);
      for (let bearing = 0; bearing < 360; bearing += 5) {
        // The point 10 km away on this bearing (spherical destination formula).
        const d = 10_000 / 6_371_008.8;
        const [φ1, λ1, θ] = [(latitude * Math.PI) / 180, (longitude * Math.PI) / 180, (bearing * Math.PI) / 180];
        const φ2 = Math.asin(Math.sin(φ1) * Math.cos(d) + Math.cos(φ1) * Math.sin(d) * Math.cos(θ));
        const λ2 = λ1 + Math.atan2(Math.sin(θ) * Math.sin(d) * Math.cos(φ1), Math.cos(d) - Math.sin(φ1) * Math.sin(φ2));
        const lat2 = (φ2 * 180) / Math.PI;
        const lng2 = (((λ2 * 180) / Math.PI + 540) % 360) - 180;
        expect(lat2).toBeGreaterThanOrEqual(box.latMin - 1e-9);
        expect(lat2).toBeLessThanOrEqual(box.latMax + 1e-9);
        expect(box.lngRanges.some(([lo, hi]) => lng2 >= lo - 1e-9 && lng2 <= hi + 1e-9)).toBe(true);
      }
    }
  });

  it('refuses a point or radius out of range', async ({ t }) => {
    for (const input of [
      { latitude: 91, longitude: 0, radius_m: 10 },
      { latitude: 0, longitude: 0, radius_m: 0 },
      { latitude: 0, longitude: 0, radius_m: 50_001 },
    ]) {
      expect(await spotsNear(t.app, anonymous, input)).toMatchObject({ ok: false, error: { rule: 'invalid_input', kind: 'invalid' } });
    }
  });
});

describe('savedSpotsOf()', () => {
  it("lists a rider's active saved spots, most recent first", async ({ t }) => {
    const rider = await createUser(t.db);
    const [a, b, c] = [await createSpot(t.db), await createSpot(t.db), await createSpot(t.db)];
    await saveSpot(t.db, rider.id, a.id);
    await saveSpot(t.db, rider.id, b.id);
    await saveSpot(t.db, rider.id, c.id);
    await t.db
      .update(spots)
      .set({ archived_at: sql`now()` })
      .where(eq(spots.id, b.id));
    const saved = (await allPages(async (cursor) => unwrap(await savedSpotsOf(t.app, { rider: rider.id }, { limit: 1, cursor })))).flat();
    // Another rider sees only their own list (empty): saved_spots_own_pol.
    const other = await createUser(t.db);
    if (hasSessions()) expect(unwrap(await savedSpotsOf(t.app, { rider: other.id })).items).toEqual([]);
    expect(saved.map((s) => s.spot.id)).toEqual([c.id, a.id]);
    expect(saved[0]!.saved_at).toBeInstanceOf(Date);
  });
});

describe('leaderboards', () => {
  it('count landed live check-ins in the window, per spot and across spots', async ({ t }) => {
    // The window is the last 30 UTC days, today included (roll_leaderboards() keeps it there).
    const asOf = new Date();
    const [s1, s2] = [await createSpot(t.db), await createSpot(t.db)];
    const [r1, r2, r3] = [await createUser(t.db), await createUser(t.db), await createUser(t.db)];
    const day = (n: number) => new Date(asOf.getTime() - n * 86_400_000);
    // r1: 3 landed at s1 in the window, 1 outside it; r2: 2 landed at s1, 2 at s2, 1 bailed; r3: 1 landed but archived.
    for (const [rider, spot, n, status] of [
      [r1, s1, 1, 'landed'],
      [r1, s1, 2, 'landed'],
      [r1, s1, 3, 'landed'],
      [r1, s1, 31, 'landed'],
      [r2, s1, 4, 'landed'],
      [r2, s1, 5, 'landed'],
      [r2, s2, 6, 'landed'],
      [r2, s2, 7, 'landed'],
      [r2, s2, 8, 'bailed'],
      [r3, s2, 2, 'landed'],
    ] as const) {
      await createCheckin(t.db, rider.id, spot.id, { created_at: day(n), trick_status: status });
    }
    await t.query(sql`UPDATE checkins SET archived_at = now() WHERE user_id = ${r3.id}`);

    const entry = (user: { id: string; handle: string; display_name: string }, landed: number) => ({
      user_id: user.id,
      handle: user.handle,
      display_name: user.display_name,
      landed,
    });
    expect(unwrap(await spotLeaderboard(t.app, anonymous, s1.id)).items).toEqual([entry(r1, 3), entry(r2, 2)]);
    const all = (await allPages(async (cursor) => unwrap(await leaderboard(t.app, anonymous, { limit: 7, cursor })))).flat();
    expect(all.filter((e) => [r1.id, r2.id, r3.id].includes(e.user_id))).toEqual([entry(r2, 4), entry(r1, 3)]);
    // Ranked: most landed first, ties by user id, both descending.
    const ranked = [...all].sort((a, b) => b.landed - a.landed || b.user_id.localeCompare(a.user_id));
    expect(all.map((e) => e.user_id)).toEqual(ranked.map((e) => e.user_id));
  });
});
