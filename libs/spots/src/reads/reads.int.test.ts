import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { CURSOR_MAX_LENGTH, PAGE_LIMIT_MAX } from '@skatehubba/contracts';
import { users } from '@skatehubba/identity';
import { createUser } from '@skatehubba/identity/factories';
import { unwrap, type Page, type Result } from '@skatehubba/schema-kit';
import { databaseTest, type TestDatabase } from '@skatehubba/testing';
import { checkins } from '../checkins';
import { createCheckin, createSpot, saveSpot } from '../factories';
import { archiveSpot } from '../flows/archive';
import { savedSpots } from '../saved-spots';
import { spots } from '../spots';
import { riderHistory, spotFeed } from './feeds';
import { leaderboard, spotLeaderboard } from './leaderboards';
import { spotsNear } from './near';
import { savedSpotsOf } from './saved';

// Integration: every paged read of the spots lib, as the API's login. Each is
// walked page by page with its own cursor (small pages, so there are several)
// and must give every row it lists exactly once, in its documented order,
// and nothing it must not list; a cursor it did not give out is refused as
// `invalid_cursor`, a page larger than PAGE_LIMIT_MAX as `invalid_input`.
const schema = { users, spots, checkins, savedSpots };
const it = databaseTest(schema);
type T = TestDatabase<typeof schema>;
const MINUTE = 60_000;

function expectRefusal(result: Result<unknown>, rule: string, kind: string) {
  expect(result.ok, result.ok ? `expected ${rule}, got a page` : result.error.message).toBe(false);
  if (result.ok) throw new Error('unreachable');
  expect({ rule: result.error.rule, kind: result.error.kind }).toEqual({ rule, kind });
  return result.error;
}

/**
 * Every item of a list, page by page from the first: each page at most
 * `limit` long, full but for the last, and a next cursor on every page but
 * the last.
 */
async function walk<I>(read: (cursor: string | undefined) => Promise<Result<Page<I>>>, limit: number) {
  const items: I[] = [];
  const cursors: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; ; pages++) {
    expect(pages, 'a list that never ends').toBeLessThan(100);
    const page = unwrap(await read(cursor));
    items.push(...page.items);
    if (page.next_cursor === null) {
      expect(page.items.length).toBeLessThanOrEqual(limit);
      return { items, cursors };
    }
    expect(page.items).toHaveLength(limit);
    cursors.push(page.next_cursor);
    cursor = page.next_cursor;
  }
}

/** The cursor's JSON, edited by `edit`, encoded again: what a client tampering with it sends. */
function tampered(cursor: string, edit: (values: unknown[]) => unknown[]): string {
  const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
  return Buffer.from(JSON.stringify(edit(values)), 'utf8').toString('base64url');
}

/**
 * A spot with check-ins by three riders, newest first: two of them made in
 * the same millisecond, a microsecond apart (the cursor must tell them
 * apart), plus one archived check-in that no list shows.
 */
async function spotWithHistory(t: T) {
  const spot = await createSpot(t.db);
  const riders = [(await createUser(t.db)).id, (await createUser(t.db)).id, (await createUser(t.db)).id] as const;
  const base = Date.now() - 6 * 60 * MINUTE;
  const made = [];
  for (let i = 0; i < 3; i++) {
    for (const rider of riders) made.push(await createCheckin(t.db, rider, spot.id, { created_at: new Date(base + i * 11 * MINUTE) }));
  }
  // Same millisecond, a microsecond apart, in another bucket.
  const sameMs = await t.query<{ id: string }>(sql`
    INSERT INTO checkins (user_id, spot_id, trick, trick_status, stance, created_at)
    VALUES (${riders[0]}::uuid, ${spot.id}::uuid, 'ollie', 'landed', 'regular', to_timestamp(${(base + 40 * MINUTE) / 1000}) + interval '1 microsecond'),
           (${riders[1]}::uuid, ${spot.id}::uuid, 'ollie', 'landed', 'regular', to_timestamp(${(base + 40 * MINUTE) / 1000}) + interval '2 microseconds')
    RETURNING id`);
  const archived = await createCheckin(t.db, riders[2], spot.id, {
    created_at: new Date(base + 50 * MINUTE),
    archived_at: new Date(base + 51 * MINUTE),
  });
  // Newest first, ties by id descending: what the database says, microseconds included.
  const expected = await t.query<{ id: string; user_id: string }>(sql`
    SELECT id, user_id FROM checkins WHERE spot_id = ${spot.id}::uuid AND archived_at IS NULL ORDER BY created_at DESC, id DESC`);
  expect(expected).toHaveLength(made.length + sameMs.length);
  expect(expected.slice(0, 2).map((r) => r.id)).toEqual([sameMs[1]!.id, sameMs[0]!.id]);
  return { spot, riders, expected, archived };
}

describe('spotFeed and riderHistory', () => {
  it('walk a spot’s live check-ins newest first, every one exactly once, archived ones left out, anonymous or as a rider', async ({
    t,
  }) => {
    const { spot, riders, expected, archived } = await spotWithHistory(t);
    const ids = expected.map((r) => r.id);
    for (const caller of ['anonymous', { rider: riders[2] }] as const) {
      for (const limit of [1, 4, PAGE_LIMIT_MAX]) {
        const { items } = await walk((cursor) => spotFeed(t.app, caller, spot.id, { limit, cursor }), limit);
        expect(items.map((c) => c.id)).toEqual(ids);
      }
    }
    // The rider who made it reads their archived check-in nowhere in these lists either.
    const own = await walk((cursor) => riderHistory(t.app, { rider: riders[2] }, riders[2], { limit: 2, cursor }), 2);
    expect(own.items.map((c) => c.id)).not.toContain(archived.id);
  });

  it('walk a rider’s history newest first, only theirs, the same for anonymous and for the rider', async ({ t }) => {
    const { riders, expected } = await spotWithHistory(t);
    const elsewhere = await createCheckin(t.db, riders[0], (await createSpot(t.db)).id, { created_at: new Date(Date.now() - 2 * MINUTE) });
    const theirs = [elsewhere.id, ...expected.filter((r) => r.user_id === riders[0]).map((r) => r.id)];
    for (const caller of ['anonymous', { rider: riders[0] }, { rider: riders[1] }] as const) {
      const { items } = await walk((cursor) => riderHistory(t.app, caller, riders[0], { limit: 2, cursor }), 2);
      expect(items.map((c) => c.id)).toEqual(theirs);
      expect(new Set(items.map((c) => c.user_id))).toEqual(new Set([riders[0]]));
    }
  });

  it('default to a page of 20 and give an empty page (no cursor) for a spot with no check-ins', async ({ t }) => {
    const spot = await createSpot(t.db);
    expect(unwrap(await spotFeed(t.app, 'anonymous', spot.id))).toEqual({ items: [], next_cursor: null });
    expect(unwrap(await riderHistory(t.app, 'anonymous', randomUUID()))).toEqual({ items: [], next_cursor: null });
  });

  it('refuse a tampered cursor, a cursor of another list, and garbage (invalid_cursor)', async ({ t }) => {
    const { spot, riders } = await spotWithHistory(t);
    const cursor = unwrap(await spotFeed(t.app, 'anonymous', spot.id, { limit: 2 })).next_cursor!;
    const history = unwrap(await riderHistory(t.app, 'anonymous', riders[0], { limit: 1 })).next_cursor!;
    for (const bad of [
      tampered(cursor, ([list, , id]) => [list, 'yesterday', id]),
      tampered(cursor, ([list, at]) => [list, at, 'not-a-uuid']),
      tampered(cursor, ([list, at, id]) => [list, at, id, 'extra']),
      tampered(cursor, ([, at, id]) => ['rider-history-v0', at, id]),
      history, // another list's cursor
      cursor.slice(0, -3), // truncated
      'not base64 at all!',
      Buffer.from('{"a":1}').toString('base64url'),
    ]) {
      expectRefusal(await spotFeed(t.app, 'anonymous', spot.id, { cursor: bad }), 'invalid_cursor', 'invalid');
    }
    expectRefusal(await riderHistory(t.app, 'anonymous', riders[0], { cursor }), 'invalid_cursor', 'invalid');
  });

  it.for([
    [{ limit: PAGE_LIMIT_MAX + 1 }, 'limit'],
    [{ limit: 0 }, 'limit'],
    [{ limit: 2.5 }, 'limit'],
    [{ cursor: 'a'.repeat(CURSOR_MAX_LENGTH + 1) }, 'cursor'],
    [{ offset: 20 }, ''],
  ] as const)('refuse the page %j (invalid_input)', async ([input, path], { t }) => {
    const spot = await createSpot(t.db);
    const error = expectRefusal(await spotFeed(t.app, 'anonymous', spot.id, input as never), 'invalid_input', 'invalid');
    expect((error.facts.issues as { path: string }[]).map((i) => i.path)).toEqual([path]);
    expectRefusal(await riderHistory(t.app, 'anonymous', randomUUID(), input as never), 'invalid_input', 'invalid');
  });

  it('refuse a malformed spot or rider id (invalid_input)', async ({ t }) => {
    expectRefusal(await spotFeed(t.app, 'anonymous', 'spot-1'), 'invalid_input', 'invalid');
    expectRefusal(await riderHistory(t.app, 'anonymous', 'rider-1'), 'invalid_input', 'invalid');
  });
});

describe('spotsNear', () => {
  /** Spots at growing distances north of a point of this test's own; one archived, one beyond the radius. */
  async function spotsAround(t: T) {
    const origin = { latitude: -40 + Math.random() * 10, longitude: 100 + Math.random() * 10 };
    const rider = (await createUser(t.db)).id;
    const metresNorth = [10, 250, 250, 900, 1_500, 1_999];
    const near = [];
    for (const m of metresNorth) {
      near.push(await createSpot(t.db, { latitude: origin.latitude + m / 111_195, longitude: origin.longitude, created_by: rider }));
    }
    const gone = await createSpot(t.db, { latitude: origin.latitude + 100 / 111_195, longitude: origin.longitude, created_by: rider });
    unwrap(await archiveSpot(t.app, { rider }, gone.id));
    // North-east, in the bounding box but 2,546 m away: only the distance test leaves it out.
    const far = await createSpot(t.db, {
      latitude: origin.latitude + 1_800 / 111_195,
      longitude: origin.longitude + 1_800 / (111_195 * Math.cos((origin.latitude * Math.PI) / 180)),
    });
    return { origin, near, gone, far };
  }

  it('walks the active spots in the radius nearest first (ties by id), every one exactly once', async ({ t }) => {
    const { origin, near, gone, far } = await spotsAround(t);
    for (const caller of ['anonymous', { rider: randomUUID() }] as const) {
      const { items } = await walk((cursor) => spotsNear(t.app, caller, { ...origin, radius_m: 2_000, limit: 2, cursor }), 2);
      const ids = items.map((s) => s.id);
      expect(new Set(ids)).toEqual(new Set(near.map((s) => s.id)));
      expect(ids).toHaveLength(near.length);
      expect(ids).not.toContain(gone.id);
      expect(ids).not.toContain(far.id);
      const keys = items.map((s) => [s.distance_m, s.id] as const);
      const sorted = [...keys].sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : 1));
      expect(keys).toEqual(sorted);
      for (const s of items) expect(s.distance_m).toBeLessThanOrEqual(2_000);
      expect(items[0]!.distance_m).toBeCloseTo(10, 0);
    }
  });

  it('refuses a radius beyond the maximum, a page beyond the maximum, a bad point (invalid_input) and a tampered cursor (invalid_cursor)', async ({
    t,
  }) => {
    const { origin } = await spotsAround(t);
    expectRefusal(await spotsNear(t.app, 'anonymous', { ...origin, radius_m: 50_001 }), 'invalid_input', 'invalid');
    expectRefusal(await spotsNear(t.app, 'anonymous', { ...origin, limit: PAGE_LIMIT_MAX + 1 }), 'invalid_input', 'invalid');
    expectRefusal(await spotsNear(t.app, 'anonymous', { latitude: 91, longitude: 0 }), 'invalid_input', 'invalid');
    const cursor = unwrap(await spotsNear(t.app, 'anonymous', { ...origin, limit: 1 })).next_cursor!;
    expectRefusal(
      await spotsNear(t.app, 'anonymous', { ...origin, cursor: tampered(cursor, ([list, , id]) => [list, -5, id]) }),
      'invalid_cursor',
      'invalid',
    );
    expectRefusal(await spotFeed(t.app, 'anonymous', randomUUID(), { cursor }), 'invalid_cursor', 'invalid');
  });
});

describe('savedSpotsOf', () => {
  it('walks the rider’s own saves of active spots, most recently saved first; another rider sees only theirs', async ({ t }) => {
    const rider = (await createUser(t.db)).id;
    const other = (await createUser(t.db)).id;
    const saved = [];
    for (let i = 0; i < 5; i++) saved.push(await saveSpot(t.db, rider, (await createSpot(t.db, { created_by: rider })).id));
    const archived = saved[2]!;
    unwrap(await archiveSpot(t.app, { rider }, archived.spot_id));
    const othersSave = await saveSpot(t.db, other, saved[0]!.spot_id);

    const expected = saved
      .filter((s) => s !== archived)
      .sort((a, b) => b.created_at.getTime() - a.created_at.getTime() || (a.spot_id < b.spot_id ? 1 : -1))
      .map((s) => s.spot_id);
    for (const limit of [1, 3]) {
      const { items } = await walk((cursor) => savedSpotsOf(t.app, { rider }, { limit, cursor }), limit);
      expect(items.map((i) => i.spot.id)).toEqual(expected);
    }
    const theirs = await walk((cursor) => savedSpotsOf(t.app, { rider: other }, { limit: 1, cursor }), 1);
    expect(theirs.items).toEqual([{ spot: expect.objectContaining({ id: othersSave.spot_id }), saved_at: othersSave.created_at }]);
    expect(unwrap(await savedSpotsOf(t.app, { rider: randomUUID() }))).toEqual({ items: [], next_cursor: null });
  });

  it('refuses another list’s cursor, a tampered one (invalid_cursor) and a page beyond the maximum (invalid_input)', async ({ t }) => {
    const rider = (await createUser(t.db)).id;
    for (let i = 0; i < 2; i++) await saveSpot(t.db, rider, (await createSpot(t.db)).id);
    const cursor = unwrap(await savedSpotsOf(t.app, { rider }, { limit: 1 })).next_cursor!;
    expectRefusal(
      await savedSpotsOf(t.app, { rider }, { cursor: tampered(cursor, ([list, at]) => [list, at]) }),
      'invalid_cursor',
      'invalid',
    );
    const feedCursor = Buffer.from(JSON.stringify(['spot-feed', '2026-01-01 00:00:00+00', randomUUID()])).toString('base64url');
    expectRefusal(await savedSpotsOf(t.app, { rider }, { cursor: feedCursor }), 'invalid_cursor', 'invalid');
    expectRefusal(await savedSpotsOf(t.app, { rider }, { limit: PAGE_LIMIT_MAX + 1 }), 'invalid_input', 'invalid');
  });
});

describe('leaderboard and spotLeaderboard', () => {
  /** Riders with 1 to 3 landed check-ins at a spot of their own (each in its own bucket), two of them tied, plus a bail. */
  async function rankedSpot(t: T) {
    const spot = await createSpot(t.db);
    const counts = [3, 1, 2, 2, 1];
    const riders: { id: string; landed: number }[] = [];
    const base = Date.now() - 5 * 60 * MINUTE;
    for (const landed of counts) {
      const id = (await createUser(t.db)).id;
      for (let i = 0; i < landed; i++) await createCheckin(t.db, id, spot.id, { created_at: new Date(base + i * 11 * MINUTE) });
      await createCheckin(t.db, id, spot.id, { created_at: new Date(base + 4 * 11 * MINUTE), trick_status: 'bailed' });
      riders.push({ id, landed });
    }
    // A landing corrected to a bail leaves its rider an entry of 0, which no board lists.
    const bailedOnly = (await createUser(t.db)).id;
    const corrected = await createCheckin(t.db, bailedOnly, spot.id);
    await t.db.update(checkins).set({ trick_status: 'bailed' }).where(eq(checkins.id, corrected.id));
    // Most landed first, ties by user id descending.
    const expected = [...riders].sort((a, b) => b.landed - a.landed || (a.id < b.id ? 1 : -1));
    return { spot, riders, expected, bailedOnly };
  }

  it('walk a spot’s ranking most landed first, ties by rider id, every rider exactly once, no rider without a landing', async ({ t }) => {
    const { spot, expected, bailedOnly } = await rankedSpot(t);
    for (const limit of [1, 2, PAGE_LIMIT_MAX]) {
      const { items } = await walk((cursor) => spotLeaderboard(t.app, 'anonymous', spot.id, { limit, cursor }), limit);
      expect(items.map((e) => [e.user_id, e.landed])).toEqual(expected.map((r) => [r.id, r.landed]));
      expect(items.map((e) => e.user_id)).not.toContain(bailedOnly);
    }
    const [top] = unwrap(await spotLeaderboard(t.app, { rider: expected[1]!.id }, spot.id, { limit: 1 })).items;
    expect(top).toMatchObject({ user_id: expected[0]!.id, landed: 3, handle: expect.any(String), display_name: expect.any(String) });
  });

  it('walk the global ranking with every rider exactly once, in order', async ({ t }) => {
    const { riders, bailedOnly } = await rankedSpot(t);
    const { items } = await walk((cursor) => leaderboard(t.app, 'anonymous', { limit: 2, cursor }), 2);
    const ids = items.map((e) => e.user_id);
    expect(ids).not.toContain(bailedOnly);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of riders) expect(items.find((e) => e.user_id === r.id)?.landed).toBe(r.landed);
    const keys = items.map((e) => [e.landed, e.user_id] as const);
    expect(keys).toEqual([...keys].sort((a, b) => b[0] - a[0] || (a[1] < b[1] ? 1 : -1)));
  });

  it('refuse a tampered cursor, one of the other board (invalid_cursor), and a page beyond the maximum (invalid_input)', async ({ t }) => {
    const { spot } = await rankedSpot(t);
    const spotCursor = unwrap(await spotLeaderboard(t.app, 'anonymous', spot.id, { limit: 1 })).next_cursor!;
    const globalCursor = unwrap(await leaderboard(t.app, 'anonymous', { limit: 1 })).next_cursor!;
    expectRefusal(await leaderboard(t.app, 'anonymous', { cursor: spotCursor }), 'invalid_cursor', 'invalid');
    expectRefusal(await spotLeaderboard(t.app, 'anonymous', spot.id, { cursor: globalCursor }), 'invalid_cursor', 'invalid');
    expectRefusal(
      await leaderboard(t.app, 'anonymous', { cursor: tampered(globalCursor, ([list, , id]) => [list, 0, id]) }),
      'invalid_cursor',
      'invalid',
    );
    expectRefusal(await leaderboard(t.app, 'anonymous', { limit: PAGE_LIMIT_MAX + 1 }), 'invalid_input', 'invalid');
    expectRefusal(await spotLeaderboard(t.app, 'anonymous', 'spot-1'), 'invalid_input', 'invalid');
  });
});
