import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { CHECKIN_DEDUPE_WINDOW_MS } from '@skatehubba/contracts';
import { users } from '@skatehubba/identity';
import { createUser } from '@skatehubba/identity/factories';
import { unwrap, type Result } from '@skatehubba/schema-kit';
import { databaseTest, type TestDatabase } from '@skatehubba/testing';
import { checkins } from '../checkins';
import { createCheckin, createSpot as insertSpot } from '../factories';
import { savedSpots } from '../saved-spots';
import { spots } from '../spots';
import { archiveSpot } from './archive';
import { checkIn, deleteCheckin, updateCheckin, type CheckinUnlock } from './check-in';
import { saveSpot, unsaveSpot } from './saves';
import { createSpot, updateSpot } from './spots';

// Integration: every write function of the spots lib, called as the API's
// login (`t.app`) the way a handler calls it. For each: what success returns
// and what the database then holds (the audit trail naming the rider), each
// refusal it can return by its name and kind with nothing changed, and the
// rider rules (a rider writes only their own rows; server-owned fields are
// refused by the input schema, never silently dropped).
const schema = { users, spots, checkins, savedSpots };
const it = databaseTest(schema);
type T = TestDatabase<typeof schema>;

const landed = { trick: 'kickflip', trick_status: 'landed', stance: 'regular' } as const;
const place = { latitude: 34.0522, longitude: -118.2437 };

/** Asserts a refusal by rule and kind, and returns it for further checks. */
function expectRefusal(result: Result<unknown>, rule: string, kind: string) {
  expect(result.ok, result.ok ? `expected ${rule}, got ${JSON.stringify(result.value)}` : result.error.message).toBe(false);
  if (result.ok) throw new Error('unreachable');
  expect({ rule: result.error.rule, kind: result.error.kind }).toEqual({ rule, kind });
  return result.error;
}

/**
 * Everything a rider's request could have touched, read as the admin: their
 * check-ins, spots and saves (whole rows), their counters, notifications and
 * leaderboard entries, and the audit rows they wrote. Equal before and after
 * a refusal means nothing changed.
 */
async function footprint(t: T, riderId: string) {
  const [row] = await t.query<Record<string, unknown>>(sql`
    SELECT
      (SELECT coalesce(jsonb_agg(to_jsonb(c) ORDER BY c.id), '[]') FROM checkins c WHERE c.user_id = ${riderId}::uuid) AS checkins,
      (SELECT coalesce(jsonb_agg(to_jsonb(s) ORDER BY s.id), '[]') FROM spots s WHERE s.created_by = ${riderId}::uuid) AS spots,
      (SELECT coalesce(jsonb_agg(to_jsonb(v) ORDER BY v.spot_id), '[]') FROM saved_spots v WHERE v.user_id = ${riderId}::uuid) AS saved,
      (SELECT coalesce(jsonb_agg(to_jsonb(m) ORDER BY m.metric), '[]') FROM rider_metrics m WHERE m.user_id = ${riderId}::uuid) AS metrics,
      (SELECT count(*)::int FROM notifications n WHERE n.user_id = ${riderId}::uuid) AS notifications,
      (SELECT coalesce(jsonb_agg(to_jsonb(l)), '[]') FROM leaderboard_entries l WHERE l.user_id = ${riderId}::uuid) AS leaderboard,
      (SELECT count(*)::int FROM audit_logs a WHERE a.actor_id = ${riderId}::uuid) AS audit`);
  return row!;
}

/** A spot row as stored, or undefined. */
async function storedSpot(t: T, id: string) {
  return (await t.db.select().from(spots).where(eq(spots.id, id)))[0];
}
async function storedCheckin(t: T, id: string) {
  return (await t.db.select().from(checkins).where(eq(checkins.id, id)))[0];
}

/** [action, actor] of every audit row about one row, oldest first. */
async function trail(t: T, table: string, id: string) {
  const rows = await t.query<{ action: string; actor_id: string | null }>(
    sql`SELECT action, actor_id FROM audit_logs WHERE target_table = ${table} AND target_id = ${id} ORDER BY id`,
  );
  return rows.map((r) => [r.action, r.actor_id]);
}

/** A rider with a profile and a live spot they created. */
async function riderWithSpot(t: T) {
  const rider = (await createUser(t.db)).id;
  const spot = unwrap(await createSpot(t.app, { rider }, { name: 'Courthouse ledges', ...place }));
  return { rider, spot };
}

describe('createSpot', () => {
  it('adds a spot with the rider as creator, stored as returned and audited as theirs', async ({ t }) => {
    const rider = (await createUser(t.db)).id;
    const result = await createSpot(
      t.app,
      { rider },
      { name: 'Venice Pit', description: 'Bowl by the beach', latitude: 33.985, longitude: -118.472 },
    );
    const spot = unwrap(result);
    expect(spot).toMatchObject({
      name: 'Venice Pit',
      description: 'Bowl by the beach',
      latitude: 33.985,
      longitude: -118.472,
      created_by: rider,
      archived_at: null,
    });
    expect(await storedSpot(t, spot.id)).toEqual(spot);
    expect(await trail(t, 'spots', spot.id)).toEqual([['insert', rider]]);
  });

  it.for(['id', 'created_by', 'created_at', 'updated_at', 'archived_at'])(
    'refuses a body with the server-owned %s (invalid_input naming it), writing nothing',
    async (key, { t }) => {
      const rider = (await createUser(t.db)).id;
      const before = await footprint(t, rider);
      const value = key === 'id' || key === 'created_by' ? randomUUID() : new Date().toISOString();
      const error = expectRefusal(
        await createSpot(t.app, { rider }, { name: 'Sneaky', ...place, [key]: value } as never),
        'invalid_input',
        'invalid',
      );
      expect(error.facts.issues).toEqual([expect.objectContaining({ message: expect.stringContaining(key) })]);
      expect(await footprint(t, rider)).toEqual(before);
    },
  );

  it.for([
    ['name', { name: '' }],
    ['latitude', { latitude: 90.5 }],
    ['longitude', { longitude: -181 }],
    ['photo_url', { photo_url: 'https://cdn.skatehubba.test/unsigned.jpg' }],
  ] as const)('refuses an invalid %s (invalid_input), writing nothing', async ([path, overrides], { t }) => {
    const rider = (await createUser(t.db)).id;
    const before = await footprint(t, rider);
    const error = expectRefusal(await createSpot(t.app, { rider }, { name: 'Spot', ...place, ...overrides }), 'invalid_input', 'invalid');
    expect((error.facts.issues as { path: string }[]).map((i) => i.path)).toEqual([path]);
    expect(await footprint(t, rider)).toEqual(before);
  });

  it('refuses a rider with no profile yet (user_not_found), writing nothing', async ({ t }) => {
    const rider = randomUUID();
    expectRefusal(await createSpot(t.app, { rider }, { name: 'Ghost spot', ...place }), 'user_not_found', 'missing_reference');
    expect(await footprint(t, rider)).toMatchObject({ spots: [], audit: 0 });
  });
});

describe('updateSpot', () => {
  it('edits the rider’s own live spot: returned as stored, updated_at moved by the database, audited as theirs', async ({ t }) => {
    const { rider, spot } = await riderWithSpot(t);
    const updated = unwrap(await updateSpot(t.app, { rider }, spot.id, { name: 'Courthouse ledges (east)', description: null }));
    expect(updated).toMatchObject({
      id: spot.id,
      name: 'Courthouse ledges (east)',
      description: null,
      created_by: rider,
      created_at: spot.created_at,
    });
    expect(updated.updated_at.getTime()).toBeGreaterThan(spot.updated_at.getTime());
    expect(await storedSpot(t, spot.id)).toEqual(updated);
    expect(await trail(t, 'spots', spot.id)).toEqual([
      ['insert', rider],
      ['update', rider],
    ]);
  });

  it('refuses another rider’s spot as spot_not_found, and the spot is unchanged', async ({ t }) => {
    const { rider: owner, spot } = await riderWithSpot(t);
    const other = (await createUser(t.db)).id;
    const [before, otherBefore] = [await footprint(t, owner), await footprint(t, other)];
    expectRefusal(await updateSpot(t.app, { rider: other }, spot.id, { name: 'Mine now' }), 'spot_not_found', 'missing_reference');
    expect(await storedSpot(t, spot.id)).toEqual(spot);
    expect([await footprint(t, owner), await footprint(t, other)]).toEqual([before, otherBefore]);
  });

  it('refuses the rider’s own archived spot, an unknown id and a malformed one, changing nothing', async ({ t }) => {
    const { rider, spot } = await riderWithSpot(t);
    unwrap(await archiveSpot(t.app, { rider }, spot.id));
    const archived = await storedSpot(t, spot.id);
    const before = await footprint(t, rider);
    expectRefusal(await updateSpot(t.app, { rider }, spot.id, { name: 'Back again' }), 'spot_not_found', 'missing_reference');
    expectRefusal(await updateSpot(t.app, { rider }, randomUUID(), { name: 'Nowhere' }), 'spot_not_found', 'missing_reference');
    expectRefusal(await updateSpot(t.app, { rider }, 'spot-1', { name: 'Nowhere' }), 'invalid_input', 'invalid');
    expect(await storedSpot(t, spot.id)).toEqual(archived);
    expect(await footprint(t, rider)).toEqual(before);
  });

  it.for([
    ['id', randomUUID()],
    ['created_by', randomUUID()],
    ['created_at', '2020-01-01T00:00:00Z'],
    ['updated_at', '2020-01-01T00:00:00Z'],
    ['archived_at', '2020-01-01T00:00:00Z'],
  ] as const)('refuses an edit that names the server-owned %s (invalid_input), and the spot is unchanged', async ([key, value], { t }) => {
    const { rider, spot } = await riderWithSpot(t);
    expectRefusal(await updateSpot(t.app, { rider }, spot.id, { name: 'Renamed', [key]: value } as never), 'invalid_input', 'invalid');
    expect(await storedSpot(t, spot.id)).toEqual(spot);
  });

  it('refuses an empty edit (invalid_input)', async ({ t }) => {
    const { rider, spot } = await riderWithSpot(t);
    expectRefusal(await updateSpot(t.app, { rider }, spot.id, {}), 'invalid_input', 'invalid');
    expect(await storedSpot(t, spot.id)).toEqual(spot);
  });
});

describe('archiveSpot', () => {
  it('archives the creator’s spot and its live check-ins at one instant, deleting nothing', async ({ t }) => {
    const { rider, spot } = await riderWithSpot(t);
    const visitor = (await createUser(t.db)).id;
    const mine = unwrap(await checkIn(t.app, { rider }, { spot_id: spot.id, ...landed })).checkin;
    const theirs = unwrap(await checkIn(t.app, { rider: visitor }, { spot_id: spot.id, ...landed })).checkin;
    const result = unwrap(await archiveSpot(t.app, { rider }, spot.id));
    expect(result).toEqual({ spot_id: spot.id, archived_at: expect.any(Date), checkins_archived: 2 });
    expect((await storedSpot(t, spot.id))?.archived_at).toEqual(result.archived_at);
    for (const id of [mine.id, theirs.id]) expect((await storedCheckin(t, id))?.archived_at).toEqual(result.archived_at);
    expect((await trail(t, 'spots', spot.id)).at(-1)).toEqual(['update', rider]);
  });

  it('lets staff archive any rider’s spot', async ({ t }) => {
    const { spot } = await riderWithSpot(t);
    const staff = (await createUser(t.db)).id;
    const result = unwrap(await archiveSpot(t.db, { staff }, spot.id));
    expect((await storedSpot(t, spot.id))?.archived_at).toEqual(result.archived_at);
    expect((await trail(t, 'spots', spot.id)).at(-1)).toEqual(['update', staff]);
  });

  it('refuses another rider’s spot (spot_not_yours), and the spot and its check-ins stay live', async ({ t }) => {
    const { rider: owner, spot } = await riderWithSpot(t);
    const other = (await createUser(t.db)).id;
    unwrap(await checkIn(t.app, { rider: other }, { spot_id: spot.id, ...landed }));
    const [before, otherBefore] = [await footprint(t, owner), await footprint(t, other)];
    expectRefusal(await archiveSpot(t.app, { rider: other }, spot.id), 'spot_not_yours', 'forbidden');
    expect(await storedSpot(t, spot.id)).toEqual(spot);
    expect([await footprint(t, owner), await footprint(t, other)]).toEqual([before, otherBefore]);
  });

  it('refuses a spot with no creator to a rider (spot_not_yours)', async ({ t }) => {
    const rider = (await createUser(t.db)).id;
    const imported = await insertSpot(t.db);
    expectRefusal(await archiveSpot(t.app, { rider }, imported.id), 'spot_not_yours', 'forbidden');
    expect(await storedSpot(t, imported.id)).toEqual(imported);
  });

  it('refuses a spot archived already (spot_already_archived), keeping the first archival', async ({ t }) => {
    const { rider, spot } = await riderWithSpot(t);
    const first = unwrap(await archiveSpot(t.app, { rider }, spot.id));
    const before = await footprint(t, rider);
    expectRefusal(await archiveSpot(t.app, { rider }, spot.id), 'spot_already_archived', 'conflict');
    expect((await storedSpot(t, spot.id))?.archived_at).toEqual(first.archived_at);
    expect(await footprint(t, rider)).toEqual(before);
  });

  it('refuses an unknown spot (spot_not_found) and a malformed id (invalid_input)', async ({ t }) => {
    const rider = (await createUser(t.db)).id;
    expectRefusal(await archiveSpot(t.app, { rider }, randomUUID()), 'spot_not_found', 'missing_reference');
    expectRefusal(await archiveSpot(t.app, { rider }, 'not-a-uuid'), 'invalid_input', 'invalid');
    expect(await footprint(t, rider)).toMatchObject({ audit: 0 });
  });
});

describe('saveSpot and unsaveSpot', () => {
  it('saves a spot once: a second save returns the first, unchanged, and one row is stored', async ({ t }) => {
    const rider = (await createUser(t.db)).id;
    const spot = await insertSpot(t.db);
    const first = unwrap(await saveSpot(t.app, { rider }, { spot_id: spot.id }));
    expect(first).toEqual({ user_id: rider, spot_id: spot.id, created_at: expect.any(Date) });
    const again = unwrap(await saveSpot(t.app, { rider }, { spot_id: spot.id }));
    expect(again).toEqual(first);
    expect(await t.db.select().from(savedSpots).where(eq(savedSpots.user_id, rider))).toEqual([first]);
    expect(await trail(t, 'saved_spots', `${rider}/${spot.id}`)).toEqual([['insert', rider]]);
  });

  it('refuses an unknown spot (spot_not_found), a rider with no profile (user_not_found) and a body naming the rider (invalid_input)', async ({
    t,
  }) => {
    const rider = (await createUser(t.db)).id;
    const other = (await createUser(t.db)).id;
    const spot = await insertSpot(t.db);
    const before = await footprint(t, rider);
    expectRefusal(await saveSpot(t.app, { rider }, { spot_id: randomUUID() }), 'spot_not_found', 'missing_reference');
    expectRefusal(await saveSpot(t.app, { rider }, { spot_id: 'spot-1' }), 'invalid_input', 'invalid');
    // The body cannot save for someone else: user_id is the session's rider, never the body's.
    expectRefusal(await saveSpot(t.app, { rider }, { spot_id: spot.id, user_id: other } as never), 'invalid_input', 'invalid');
    expect(await footprint(t, rider)).toEqual(before);
    expect(await footprint(t, other)).toMatchObject({ saved: [] });
    const ghost = randomUUID();
    expectRefusal(await saveSpot(t.app, { rider: ghost }, { spot_id: spot.id }), 'user_not_found', 'missing_reference');
    expect(await footprint(t, ghost)).toMatchObject({ saved: [], audit: 0 });
  });

  it('unsaves only the rider’s own save: removed says which, another rider’s save stays', async ({ t }) => {
    const rider = (await createUser(t.db)).id;
    const other = (await createUser(t.db)).id;
    const spot = await insertSpot(t.db);
    unwrap(await saveSpot(t.app, { rider }, { spot_id: spot.id }));
    const othersSave = unwrap(await saveSpot(t.app, { rider: other }, { spot_id: spot.id }));
    expect(unwrap(await unsaveSpot(t.app, { rider }, spot.id))).toEqual({ spot_id: spot.id, removed: true });
    expect(unwrap(await unsaveSpot(t.app, { rider }, spot.id))).toEqual({ spot_id: spot.id, removed: false });
    expect(await footprint(t, rider)).toMatchObject({ saved: [] });
    expect(await t.db.select().from(savedSpots).where(eq(savedSpots.user_id, other))).toEqual([othersSave]);
    expectRefusal(await unsaveSpot(t.app, { rider }, 'spot-1'), 'invalid_input', 'invalid');
  });
});

describe('checkIn', () => {
  it('checks the rider in: the row as stored, dated by the database, audited as theirs, counted', async ({ t }) => {
    const { rider, spot } = await riderWithSpot(t);
    const before = Date.now();
    const { checkin } = unwrap(await checkIn(t.app, { rider }, { spot_id: spot.id, ...landed, note: 'first try' }));
    expect(checkin).toMatchObject({ user_id: rider, spot_id: spot.id, ...landed, note: 'first try', media_url: null, archived_at: null });
    // The server's clock, not the client's: within this test's run (a little slack for clock skew to the server).
    expect(Math.abs(checkin.created_at.getTime() - before)).toBeLessThan(60_000);
    expect(await storedCheckin(t, checkin.id)).toEqual(checkin);
    expect(await trail(t, 'checkins', checkin.id)).toEqual([['insert', rider]]);
    expect((await footprint(t, rider)).metrics).toEqual(
      expect.arrayContaining([
        { user_id: rider, metric: 'checkins', value: 1 },
        { user_id: rider, metric: 'landed', value: 1 },
      ]),
    );
  });

  it('refuses a second check-in at the spot in the same window (duplicate_checkin with retryAt), changing nothing', async ({ t }) => {
    const { rider, spot } = await riderWithSpot(t);
    const { checkin } = unwrap(await checkIn(t.app, { rider }, { spot_id: spot.id, ...landed }));
    const before = await footprint(t, rider);
    const error = expectRefusal(
      await checkIn(t.app, { rider }, { spot_id: spot.id, ...landed, trick: 'heelflip' }),
      'duplicate_checkin',
      'conflict',
    );
    // The end of the 10-minute bucket the first check-in is in (buckets start on the 2000-01-01 origin, a multiple of 10 minutes).
    const retryAt = error.facts.retryAt as Date;
    expect(retryAt).toBeInstanceOf(Date);
    expect(retryAt.getTime() % CHECKIN_DEDUPE_WINDOW_MS).toBe(0);
    expect(retryAt.getTime()).toBeGreaterThan(checkin.created_at.getTime());
    expect(retryAt.getTime() - checkin.created_at.getTime()).toBeLessThanOrEqual(CHECKIN_DEDUPE_WINDOW_MS);
    expect(error.message).toContain(retryAt.toISOString());
    expect(await footprint(t, rider)).toEqual(before);
  });

  it('refuses a check-in at an archived spot (spot_archived), changing nothing', async ({ t }) => {
    const { rider, spot } = await riderWithSpot(t);
    unwrap(await archiveSpot(t.app, { rider }, spot.id));
    const visitor = (await createUser(t.db)).id;
    const before = await footprint(t, visitor);
    expectRefusal(await checkIn(t.app, { rider: visitor }, { spot_id: spot.id, ...landed }), 'spot_archived', 'conflict');
    expect(await footprint(t, visitor)).toEqual(before);
  });

  it('refuses an unknown spot (spot_not_found) and a rider with no profile (user_not_found), changing nothing', async ({ t }) => {
    const rider = (await createUser(t.db)).id;
    const before = await footprint(t, rider);
    expectRefusal(await checkIn(t.app, { rider }, { spot_id: randomUUID(), ...landed }), 'spot_not_found', 'missing_reference');
    expect(await footprint(t, rider)).toEqual(before);
    const spot = await insertSpot(t.db);
    const ghost = randomUUID();
    expectRefusal(await checkIn(t.app, { rider: ghost }, { spot_id: spot.id, ...landed }), 'user_not_found', 'missing_reference');
    expect(await footprint(t, ghost)).toMatchObject({ checkins: [], metrics: [], audit: 0 });
  });

  it.for([
    ['id', randomUUID()],
    ['user_id', randomUUID()],
    ['created_at', '2020-01-01T00:00:00Z'],
    ['updated_at', '2020-01-01T00:00:00Z'],
    ['archived_at', '2020-01-01T00:00:00Z'],
  ] as const)('refuses a body with the server-owned %s (invalid_input naming it), writing nothing', async ([key, value], { t }) => {
    const spot = await insertSpot(t.db);
    const rider = (await createUser(t.db)).id;
    const before = await footprint(t, rider);
    const error = expectRefusal(
      await checkIn(t.app, { rider }, { spot_id: spot.id, ...landed, [key]: value } as never),
      'invalid_input',
      'invalid',
    );
    expect(error.facts.issues).toEqual([expect.objectContaining({ message: expect.stringContaining(key) })]);
    expect(await footprint(t, rider)).toEqual(before);
  });
});

describe('updateCheckin', () => {
  async function riderCheckedIn(t: T) {
    const rider = (await createUser(t.db)).id;
    const spot = await insertSpot(t.db);
    const { checkin } = unwrap(await checkIn(t.app, { rider }, { spot_id: spot.id, ...landed }));
    return { rider, spot, checkin };
  }

  it('corrects the rider’s own check-in: stored, audited as theirs, the landed count moved in the same statement', async ({ t }) => {
    const { rider, checkin } = await riderCheckedIn(t);
    const updated = unwrap(await updateCheckin(t.app, { rider }, checkin.id, { trick_status: 'bailed', note: 'slipped out' }));
    expect(updated).toMatchObject({ id: checkin.id, trick_status: 'bailed', note: 'slipped out', created_at: checkin.created_at });
    expect(await storedCheckin(t, checkin.id)).toEqual(updated);
    expect(await trail(t, 'checkins', checkin.id)).toEqual([
      ['insert', rider],
      ['update', rider],
    ]);
    expect((await footprint(t, rider)).metrics).toEqual(
      expect.arrayContaining([
        { user_id: rider, metric: 'checkins', value: 1 },
        { user_id: rider, metric: 'landed', value: 0 },
      ]),
    );
  });

  it('refuses another rider’s check-in (checkin_not_found: not told apart from none), and it is unchanged', async ({ t }) => {
    const { rider: owner, checkin } = await riderCheckedIn(t);
    const other = (await createUser(t.db)).id;
    const [before, otherBefore] = [await footprint(t, owner), await footprint(t, other)];
    expectRefusal(
      await updateCheckin(t.app, { rider: other }, checkin.id, { trick_status: 'bailed' }),
      'checkin_not_found',
      'missing_reference',
    );
    expect(await storedCheckin(t, checkin.id)).toEqual(checkin);
    expect([await footprint(t, owner), await footprint(t, other)]).toEqual([before, otherBefore]);
  });

  it('refuses the rider’s own archived check-in, an unknown id (checkin_not_found) and a malformed one (invalid_input)', async ({ t }) => {
    const rider = (await createUser(t.db)).id;
    const spot = await insertSpot(t.db);
    const archived = await createCheckin(t.db, rider, spot.id, {
      created_at: new Date(Date.now() - 3_600_000),
      archived_at: new Date(Date.now() - 1_800_000),
    });
    const before = await footprint(t, rider);
    expectRefusal(await updateCheckin(t.app, { rider }, archived.id, { trick: 'ollie' }), 'checkin_not_found', 'missing_reference');
    expectRefusal(await updateCheckin(t.app, { rider }, randomUUID(), { trick: 'ollie' }), 'checkin_not_found', 'missing_reference');
    expectRefusal(await updateCheckin(t.app, { rider }, 'checkin-1', { trick: 'ollie' }), 'invalid_input', 'invalid');
    expect(await footprint(t, rider)).toEqual(before);
  });

  it.for([
    ['user_id', randomUUID()],
    ['spot_id', randomUUID()],
    ['created_at', '2020-01-01T00:00:00Z'],
    ['archived_at', '2020-01-01T00:00:00Z'],
  ] as const)('refuses an edit of the check-in’s %s (invalid_input), and it is unchanged', async ([key, value], { t }) => {
    const { rider, checkin } = await riderCheckedIn(t);
    expectRefusal(await updateCheckin(t.app, { rider }, checkin.id, { trick: 'ollie', [key]: value } as never), 'invalid_input', 'invalid');
    expectRefusal(await updateCheckin(t.app, { rider }, checkin.id, {}), 'invalid_input', 'invalid');
    expect(await storedCheckin(t, checkin.id)).toEqual(checkin);
  });
});

describe('deleteCheckin', () => {
  it('deletes the rider’s own check-in: gone, audited as theirs, uncounted', async ({ t }) => {
    const rider = (await createUser(t.db)).id;
    const spot = await insertSpot(t.db);
    const { checkin } = unwrap(await checkIn(t.app, { rider }, { spot_id: spot.id, ...landed }));
    expect(unwrap(await deleteCheckin(t.app, { rider }, checkin.id))).toEqual({ checkin_id: checkin.id });
    expect(await storedCheckin(t, checkin.id)).toBeUndefined();
    expect(await trail(t, 'checkins', checkin.id)).toEqual([
      ['insert', rider],
      ['delete', rider],
    ]);
    expect((await footprint(t, rider)).metrics).toEqual(expect.arrayContaining([{ user_id: rider, metric: 'checkins', value: 0 }]));
  });

  it('refuses another rider’s check-in (checkin_not_found), which stays', async ({ t }) => {
    const owner = (await createUser(t.db)).id;
    const other = (await createUser(t.db)).id;
    const spot = await insertSpot(t.db);
    const { checkin } = unwrap(await checkIn(t.app, { rider: owner }, { spot_id: spot.id, ...landed }));
    const [before, otherBefore] = [await footprint(t, owner), await footprint(t, other)];
    expectRefusal(await deleteCheckin(t.app, { rider: other }, checkin.id), 'checkin_not_found', 'missing_reference');
    expectRefusal(await deleteCheckin(t.app, { rider: other }, randomUUID()), 'checkin_not_found', 'missing_reference');
    expectRefusal(await deleteCheckin(t.app, { rider: other }, 'checkin-1'), 'invalid_input', 'invalid');
    expect(await storedCheckin(t, checkin.id)).toEqual(checkin);
    expect([await footprint(t, owner), await footprint(t, other)]).toEqual([before, otherBefore]);
  });
});

// Last in the file: an achievement is catalogue-wide, so it would count toward
// every later check-in of this file's database.
describe('checkIn and achievements', () => {
  it('returns the unlock its check-in reaches, with the notification and the unlock written in the same transaction', async ({ t }) => {
    const [achievement] = await t.query<{ id: string; slug: string; name: string }>(sql`
      INSERT INTO achievements (slug, name, description, tier, metric, goal)
      VALUES (${`land-two-${randomUUID().slice(0, 8)}`}, 'Land two', 'Land two tricks anywhere.', 'bronze', 'landed', 2)
      RETURNING id, slug, name`);
    const rider = (await createUser(t.db)).id;
    const [a, b] = [await insertSpot(t.db), await insertSpot(t.db)];
    const ours = (unlocked: CheckinUnlock[]) => unlocked.filter((u) => u.achievement_id === achievement!.id);

    const first = unwrap(await checkIn(t.app, { rider }, { spot_id: a.id, ...landed }));
    expect(ours(first.unlocked)).toEqual([]);
    const second = unwrap(await checkIn(t.app, { rider }, { spot_id: b.id, ...landed }));
    const [unlock] = ours(second.unlocked);
    expect(unlock).toEqual({
      achievement_id: achievement!.id,
      slug: achievement!.slug,
      name: 'Land two',
      tier: 'bronze',
      notification_id: expect.any(String),
    });

    const [notice] = await t.query<{
      id: string;
      user_id: string;
      kind: string;
      checkin_id: string;
      same_tx: boolean;
      unlocked_at_is_checkin: boolean;
    }>(sql`
      SELECT n.id, n.user_id, n.kind, n.checkin_id,
             n.created_at = c.created_at AS same_tx,
             ua.unlocked_at = c.created_at AS unlocked_at_is_checkin
        FROM notifications n
        JOIN checkins c ON c.id = n.checkin_id
        JOIN user_achievements ua ON ua.user_id = n.user_id AND ua.achievement_id = n.achievement_id
       WHERE n.id = ${unlock!.notification_id}::uuid`);
    expect(notice).toEqual({
      id: unlock!.notification_id,
      user_id: rider,
      kind: 'achievement_unlocked',
      checkin_id: second.checkin.id,
      // now() is the transaction's instant: equal timestamps mean one transaction.
      same_tx: true,
      unlocked_at_is_checkin: true,
    });

    // A refused duplicate neither advances progress nor notifies again.
    const before = await footprint(t, rider);
    expectRefusal(await checkIn(t.app, { rider }, { spot_id: b.id, ...landed }), 'duplicate_checkin', 'conflict');
    expect(await footprint(t, rider)).toEqual(before);
  });
});
