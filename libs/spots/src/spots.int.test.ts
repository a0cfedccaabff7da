import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { users } from '@skatehubba/identity';
import { createUser } from '@skatehubba/identity/factories';
import { asAppRider, asDatabaseRefusal, databaseTest, expectRefused, hasSessions, type TestDatabase } from '@skatehubba/testing';
import { unwrap } from '@skatehubba/schema-kit';
import { checkins } from './checkins';
import { CHECKIN_DEDUPE_WINDOW_MS } from './constants';
import { archiveSpot } from './flows/archive';
import { buildCheckin, buildSpot, createCheckin, createSpot, saveSpot, signedMediaUrl } from './factories';
import { savedSpots } from './saved-spots';
import { spots } from './spots';
import { checkinInsertSchema, spotInsertSchema } from './validation';
import { checkinWrites } from './writes';

// Integration: the spots team's rules (coordinates, media URLs, the duplicate
// check-in window, active spots only, delete rules, archival) on a real engine.
const schema = { users, spots, checkins, savedSpots };
const it = databaseTest(schema);

/** A bucket start of the 10-minute window (date_bin origin 2000-01-01 UTC), well in the past. */
const BUCKET = new Date('2026-03-14T12:00:00.000Z');
const at = (offsetMs: number) => new Date(BUCKET.getTime() + offsetMs);

describe('spot coordinates', () => {
  // Raw SQL for NaN and Infinity: they are float8 values the API could send as text.
  const insertRaw = (t: TestDatabase<typeof schema>, lat: string, lng: string) =>
    t.query<{ id: string }>(
      `INSERT INTO spots (name, latitude, longitude) VALUES ('Coordinate probe', '${lat}'::float8, '${lng}'::float8) RETURNING id`,
    );

  it.for([
    ['90', '180'],
    ['-90', '-180'],
    ['0', '0'],
    ['89.999999', '-179.999999'],
  ] as const)('accepts latitude %s, longitude %s (the exact bounds included)', async ([lat, lng], { t }) => {
    const [{ id }] = (await insertRaw(t, lat, lng)) as [{ id: string }];
    const stored = await t.db.select({ latitude: spots.latitude, longitude: spots.longitude }).from(spots).where(eq(spots.id, id));
    expect(stored).toEqual([{ latitude: Number(lat), longitude: Number(lng) }]);
    expect(spotInsertSchema.safeParse(buildSpot({ latitude: Number(lat), longitude: Number(lng) })).success).toBe(true);
  });

  it.for([
    ['90.0000001', '0', 'spots_latitude_ck'],
    ['-90.0000001', '0', 'spots_latitude_ck'],
    ['NaN', '0', 'spots_latitude_ck'],
    ['Infinity', '0', 'spots_latitude_ck'],
    ['-Infinity', '0', 'spots_latitude_ck'],
    ['0', '180.0000001', 'spots_longitude_ck'],
    ['0', '-180.0000001', 'spots_longitude_ck'],
    ['0', 'NaN', 'spots_longitude_ck'],
    ['0', 'Infinity', 'spots_longitude_ck'],
    ['0', '-Infinity', 'spots_longitude_ck'],
  ] as const)('refuses latitude %s, longitude %s (%s), and zod agrees', async ([lat, lng, constraint], { t }) => {
    await expectRefused(insertRaw(t, lat, lng), constraint);
    expect(spotInsertSchema.safeParse(buildSpot({ latitude: Number(lat), longitude: Number(lng) })).success).toBe(false);
  });
});

describe('spot text and media', () => {
  it.for([
    ['name', { name: '' }, 'spots_name_ck'],
    ['name', { name: 'n'.repeat(121) }, 'spots_name_ck'],
    ['description', { description: 'd'.repeat(2001) }, 'spots_description_ck'],
    ['photo_url', { photo_url: 'https://media.skatehubba.test/ledge.jpg' }, 'spots_photo_url_ck'],
    ['photo_url', { photo_url: signedMediaUrl().replace('https://', 'http://') }, 'spots_photo_url_ck'],
    ['photo_url', { photo_url: signedMediaUrl().replace('X-Amz-Expires=3600&', '') }, 'spots_photo_url_ck'],
    ['photo_url', { photo_url: `${signedMediaUrl()} ` }, 'spots_photo_url_ck'],
  ] as const)('refuses a bad %s (%s), and zod agrees', async ([_, overrides, constraint], { t }) => {
    const row = buildSpot(overrides);
    expect(spotInsertSchema.safeParse(row).success).toBe(false);
    await expectRefused(t.db.insert(spots).values(row), constraint);
  });

  it('accepts the longest name and description and a signed photo URL', async ({ t }) => {
    const row = buildSpot({ name: 'n'.repeat(120), description: 'd'.repeat(2000), photo_url: signedMediaUrl() });
    expect(spotInsertSchema.safeParse(row).success).toBe(true);
    const [{ id }] = (await t.db.insert(spots).values(row).returning({ id: spots.id })) as [{ id: string }];
    expect(await t.db.select().from(spots).where(eq(spots.id, id))).toEqual([expect.objectContaining(row)]);
  });

  it.for([
    ['GCS V4', 'https://storage.skatehubba.test/b/o.mp4?X-Goog-Expires=900&X-Goog-Signature=0123456789abcdef0123'],
    ['CDN', 'https://cdn.skatehubba.test/clip.mp4?Expires=1767225600&Key-Pair-Id=K1&Signature=abcdefghijklmnop~'],
  ] as const)('accepts a %s signed media URL on a check-in', async ([_, media_url], { t }) => {
    const rider = await createUser(t.db);
    const spot = await createSpot(t.db);
    expect(checkinInsertSchema.safeParse(buildCheckin(rider.id, spot.id, { media_url })).success).toBe(true);
    await expect(createCheckin(t.db, rider.id, spot.id, { media_url })).resolves.toMatchObject({ media_url });
  });

  it.for([
    ['trick', { trick: '' }, 'checkins_trick_ck'],
    ['trick', { trick: 't'.repeat(81) }, 'checkins_trick_ck'],
    ['note', { note: 'n'.repeat(501) }, 'checkins_note_ck'],
    ['media_url', { media_url: 'https://media.skatehubba.test/clip.mp4' }, 'checkins_media_url_ck'],
  ] as const)('refuses a check-in with a bad %s (%s), and zod agrees', async ([_, overrides, constraint], { t }) => {
    const rider = await createUser(t.db);
    const spot = await createSpot(t.db);
    const row = buildCheckin(rider.id, spot.id, overrides);
    expect(checkinInsertSchema.safeParse(row).success).toBe(false);
    await expectRefused(t.db.insert(checkins).values(row), constraint);
  });

  it('refuses an unknown trick status at the enum, before any row is written', async ({ t }) => {
    const rider = await createUser(t.db);
    const spot = await createSpot(t.db);
    const error = await t
      .query(
        sql`INSERT INTO checkins (user_id, spot_id, trick, trick_status, stance) VALUES (${rider.id}, ${spot.id}, 'ollie', 'nailed', 'regular')`,
      )
      .catch((e: unknown) => e);
    // 22P02 invalid_text_representation: the enum type itself refuses the label.
    expect(asDatabaseRefusal(error)).toMatchObject({ code: '22P02', message: expect.stringMatching(/enum trick_status/) });
    expect(await t.db.select().from(checkins).where(eq(checkins.user_id, rider.id))).toEqual([]);
  });
});

describe('duplicate check-in window (checkins_user_spot_window_uq)', () => {
  async function riderAndSpot(t: TestDatabase<typeof schema>) {
    return { rider: await createUser(t.db), spot: await createSpot(t.db) };
  }

  it('refuses a second check-in in the same 10-minute bucket, first to last instant', async ({ t }) => {
    const { rider, spot } = await riderAndSpot(t);
    await createCheckin(t.db, rider.id, spot.id, { created_at: at(0) });
    await expectRefused(createCheckin(t.db, rider.id, spot.id, { created_at: at(1) }), 'checkins_user_spot_window_uq');
    await expectRefused(
      createCheckin(t.db, rider.id, spot.id, { created_at: at(CHECKIN_DEDUPE_WINDOW_MS - 1), trick: 'heelflip' }),
      'checkins_user_spot_window_uq',
    );
  });

  it('lets the next bucket in, even 2 ms later across the edge (the documented bucket-edge behaviour)', async ({ t }) => {
    const { rider, spot } = await riderAndSpot(t);
    const first = await createCheckin(t.db, rider.id, spot.id, { created_at: at(CHECKIN_DEDUPE_WINDOW_MS - 1) });
    const next = await createCheckin(t.db, rider.id, spot.id, { created_at: at(CHECKIN_DEDUPE_WINDOW_MS + 1) });
    const rows = await t.db.select().from(checkins).where(eq(checkins.user_id, rider.id)).orderBy(checkins.created_at);
    expect(rows).toEqual([first, next]);
    expect(rows.map((c) => c.created_at)).toEqual([at(CHECKIN_DEDUPE_WINDOW_MS - 1), at(CHECKIN_DEDUPE_WINDOW_MS + 1)]);
  });

  it.skipIf(!hasSessions())('buckets by UTC instant whatever the session time zone', async ({ t }) => {
    const { rider, spot } = await riderAndSpot(t);
    const conn = await t.connect();
    try {
      await conn.query("SET TIME ZONE 'Asia/Kathmandu'"); // UTC+05:45: local 10-minute marks are not UTC ones
      await conn.query(
        "INSERT INTO checkins (user_id, spot_id, trick, trick_status, stance, created_at) VALUES ($1, $2, 'ollie', 'landed', 'regular', $3)",
        [rider.id, spot.id, at(0).toISOString()],
      );
      await expectRefused(
        conn.query(
          "INSERT INTO checkins (user_id, spot_id, trick, trick_status, stance, created_at) VALUES ($1, $2, 'ollie', 'landed', 'regular', $3)",
          [rider.id, spot.id, at(9 * 60_000).toISOString()],
        ),
        'checkins_user_spot_window_uq',
      );
    } finally {
      await conn.query('RESET TIME ZONE');
      await conn.close();
    }
  });

  it('lets the same rider check in at another spot, and another rider at the same spot, in the same bucket', async ({ t }) => {
    const { rider, spot } = await riderAndSpot(t);
    const otherSpot = await createSpot(t.db);
    const otherRider = await createUser(t.db);
    const mine = await createCheckin(t.db, rider.id, spot.id, { created_at: at(0) });
    const elsewhere = await createCheckin(t.db, rider.id, otherSpot.id, { created_at: at(0) });
    const others = await createCheckin(t.db, otherRider.id, spot.id, { created_at: at(0) });
    const rows = await t.db
      .select()
      .from(checkins)
      .where(inArray(checkins.user_id, [rider.id, otherRider.id]));
    expect(rows).toHaveLength(3);
    expect(rows).toEqual(expect.arrayContaining([mine, elsewhere, others]));
  });

  it('leaves archived check-ins out: an archived row does not block a live one', async ({ t }) => {
    const { rider, spot } = await riderAndSpot(t);
    const first = await createCheckin(t.db, rider.id, spot.id, { created_at: at(0) });
    await t.query(sql`UPDATE checkins SET archived_at = now() WHERE id = ${first.id}`);
    const live = await createCheckin(t.db, rider.id, spot.id, { created_at: at(60_000) });
    const rows = await t.db.select().from(checkins).where(eq(checkins.user_id, rider.id)).orderBy(checkins.created_at);
    expect(rows).toEqual([{ ...first, archived_at: expect.any(Date), updated_at: expect.any(Date) }, live]);
    expect(live).toMatchObject({ created_at: at(60_000), archived_at: null });
  });

  it('keeps the first check-in intact when the duplicate is refused', async ({ t }) => {
    const { rider, spot } = await riderAndSpot(t);
    const first = await createCheckin(t.db, rider.id, spot.id, { created_at: at(0), note: 'first try' });
    await expectRefused(createCheckin(t.db, rider.id, spot.id, { created_at: at(5_000) }), 'checkins_user_spot_window_uq');
    const rows = await t.db.select().from(checkins).where(eq(checkins.user_id, rider.id));
    expect(rows).toEqual([first]);
  });
});

describe('foreign keys and delete rules', () => {
  it('refuses a check-in for a missing rider or spot', async ({ t }) => {
    const rider = await createUser(t.db);
    const spot = await createSpot(t.db);
    const missing = '00000000-0000-4000-8000-000000000000';
    await expectRefused(createCheckin(t.db, missing, spot.id), 'checkins_user_id_fk');
    await expectRefused(createCheckin(t.db, rider.id, missing), 'checkins_spot_id_fk');
  });

  it('refuses to delete a spot with check-ins (checkins_spot_id_fk RESTRICT) and keeps it whole', async ({ t }) => {
    const rider = await createUser(t.db);
    const spot = await createSpot(t.db);
    await createCheckin(t.db, rider.id, spot.id);
    await expectRefused(t.db.delete(spots).where(eq(spots.id, spot.id)), 'checkins_spot_id_fk');
    expect(await t.db.select().from(spots).where(eq(spots.id, spot.id))).toEqual([spot]);
  });

  it('deletes a spot without check-ins, and its bookmarks with it (saved_spots_spot_id_fk CASCADE)', async ({ t }) => {
    const rider = await createUser(t.db);
    const spot = await createSpot(t.db);
    await saveSpot(t.db, rider.id, spot.id);
    await t.db.delete(spots).where(eq(spots.id, spot.id));
    expect(await t.db.select().from(savedSpots).where(eq(savedSpots.spot_id, spot.id))).toEqual([]);
  });

  it('erasing a rider removes their check-ins and bookmarks and keeps the spots they created', async ({ t }) => {
    const rider = await createUser(t.db);
    const other = await createUser(t.db);
    const created = await createSpot(t.db, { created_by: rider.id });
    await createCheckin(t.db, rider.id, created.id);
    const othersCheckin = await createCheckin(t.db, other.id, created.id);
    await saveSpot(t.db, rider.id, created.id);

    await t.db.delete(users).where(eq(users.id, rider.id));

    const [spot] = await t.db.select().from(spots).where(eq(spots.id, created.id));
    expect(spot).toMatchObject({ id: created.id, created_by: null });
    expect(await t.db.select().from(checkins).where(eq(checkins.spot_id, created.id))).toEqual([othersCheckin]);
    expect(await t.db.select().from(savedSpots).where(eq(savedSpots.user_id, rider.id))).toEqual([]);
  });
});

describe('saved spots', () => {
  it('keeps one row per rider and spot (saved_spots_pk)', async ({ t }) => {
    const rider = await createUser(t.db);
    const spot = await createSpot(t.db);
    await saveSpot(t.db, rider.id, spot.id);
    await expectRefused(saveSpot(t.db, rider.id, spot.id), 'saved_spots_pk');
    await expectRefused(saveSpot(t.db, rider.id, '00000000-0000-4000-8000-000000000000'), 'saved_spots_spot_id_fk');
  });
});

// archiveSpot() is one interactive transaction: not on neon-http. It runs as
// the API runs it: on the app login as the spot's creator (asAppRider).
describe.skipIf(!hasSessions())('archiveSpot()', () => {
  it('archives the spot and every live check-in at the same instant and deletes nothing', async ({ t }) => {
    const riders = [await createUser(t.db), await createUser(t.db), await createUser(t.db)];
    const creator = riders[2]!;
    const spot = await createSpot(t.db, { created_by: creator.id });
    const other = await createSpot(t.db);
    for (const [i, rider] of riders.entries()) {
      await createCheckin(t.db, rider.id, spot.id, { created_at: at(-i * CHECKIN_DEDUPE_WINDOW_MS) });
      await createCheckin(t.db, rider.id, spot.id, { created_at: at(-(i + 10) * CHECKIN_DEDUPE_WINDOW_MS) });
    }
    const untouched = await createCheckin(t.db, riders[0]!.id, other.id);
    const before = await t.db.select({ id: checkins.id }).from(checkins).where(eq(checkins.spot_id, spot.id));

    // The creator archives every rider's check-ins: archive_spot() runs as the owner.
    const result = unwrap(await archiveSpot(t.app, { rider: creator.id }, spot.id));

    expect(result.checkins_archived).toBe(6);
    const after = await t.db.select().from(checkins).where(eq(checkins.spot_id, spot.id));
    expect(after.map((c) => c.id).sort()).toEqual(before.map((c) => c.id).sort());
    const [archived] = await t.db.select().from(spots).where(eq(spots.id, spot.id));
    expect(archived!.archived_at).toEqual(result.archived_at);
    expect(new Set(after.map((c) => c.archived_at?.toISOString()))).toEqual(new Set([result.archived_at.toISOString()]));
    // One transaction: the spot's and the check-ins' audit rows share a transaction id.
    const [txids] = await t.query<{ n: number }>(
      sql`SELECT count(DISTINCT transaction_id)::int AS n FROM audit_logs WHERE action = 'update' AND (target_id = ${spot.id} OR target_id IN (SELECT id::text FROM checkins WHERE spot_id = ${spot.id}))`,
    );
    expect(txids!.n).toBe(1);
    // Active queries leave it out; the other spot's check-in is untouched.
    const active = await t.db
      .select({ id: spots.id })
      .from(spots)
      .where(and(eq(spots.id, spot.id), isNull(spots.archived_at)));
    expect(active).toEqual([]);
    expect(await t.db.select().from(checkins).where(eq(checkins.id, untouched.id))).toEqual([untouched]);
  });

  it('refuses new check-ins at an archived spot (checkins_spot_active_trg)', async ({ t }) => {
    const rider = await createUser(t.db);
    const spot = await createSpot(t.db, { created_by: rider.id });
    unwrap(await archiveSpot(t.app, { rider: rider.id }, spot.id));
    await expectRefused(
      asAppRider(t, rider.id, (db) => db.insert(checkinWrites).values(buildCheckin(rider.id, spot.id))),
      'checkins_spot_active_trg',
    );
    // Moving a live check-in onto the archived spot is refused the same way.
    const elsewhere = await createCheckin(t.db, rider.id, (await createSpot(t.db)).id);
    await expectRefused(t.query(sql`UPDATE checkins SET spot_id = ${spot.id} WHERE id = ${elsewhere.id}`), 'checkins_spot_active_trg');
  });

  it('refuses a missing or already archived spot by name and changes nothing', async ({ t }) => {
    const rider = await createUser(t.db);
    const missing = '00000000-0000-4000-8000-000000000000';
    const none = await archiveSpot(t.app, { rider: rider.id }, missing);
    expect(none).toMatchObject({ ok: false, error: { name: 'DataRuleError', rule: 'spot_not_found', kind: 'missing_reference' } });

    const spot = await createSpot(t.db, { created_by: rider.id });
    const first = unwrap(await archiveSpot(t.app, { rider: rider.id }, spot.id));
    const auditRows = await t.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_logs WHERE target_id = ${spot.id}`);
    const second = await archiveSpot(t.app, { rider: rider.id }, spot.id);
    expect(second).toMatchObject({ ok: false, error: { rule: 'spot_already_archived', kind: 'conflict' } });
    const [row] = await t.db.select().from(spots).where(eq(spots.id, spot.id));
    expect(row!.archived_at).toEqual(first.archived_at);
    expect(await t.query(sql`SELECT count(*)::int AS n FROM audit_logs WHERE target_id = ${spot.id}`)).toEqual(auditRows);
  });

  it('archives a spot with no check-ins', async ({ t }) => {
    const rider = await createUser(t.db);
    const spot = await createSpot(t.db, { created_by: rider.id });
    expect(await archiveSpot(t.app, { rider: rider.id }, spot.id)).toMatchObject({
      ok: true,
      value: { spot_id: spot.id, checkins_archived: 0 },
    });
  });

  it("refuses a rider archiving another rider's spot (spot_not_yours) and changes nothing", async ({ t }) => {
    const [creator, other] = [await createUser(t.db), await createUser(t.db)];
    const spot = await createSpot(t.db, { created_by: creator.id });
    const checkin = await createCheckin(t.db, creator.id, spot.id);
    expect(await archiveSpot(t.app, { rider: other.id }, spot.id)).toMatchObject({
      ok: false,
      error: {
        name: 'DataRuleError',
        rule: 'spot_not_yours',
        kind: 'forbidden',
        sqlstate: '42501',
        constraint: 'archive_spot_creator_guard',
      },
    });
    expect(await t.db.select().from(spots).where(eq(spots.id, spot.id))).toEqual([spot]);
    expect(await t.db.select().from(checkins).where(eq(checkins.id, checkin.id))).toEqual([checkin]);
  });

  it('lets staff (the owner login, no rider) archive any spot, named in the trail', async ({ t }) => {
    const staff = await createUser(t.db);
    const spot = await createSpot(t.db, { created_by: (await createUser(t.db)).id });
    expect(await archiveSpot(t.db, { staff: staff.id }, spot.id)).toMatchObject({
      ok: true,
      value: { spot_id: spot.id, checkins_archived: 0 },
    });
    const [audit] = await t.query<{ actor_id: string }>(
      sql`SELECT actor_id FROM audit_logs WHERE target_id = ${spot.id} AND action = 'update' ORDER BY id DESC LIMIT 1`,
    );
    expect(audit!.actor_id).toBe(staff.id);
  });
});

describe('updated_at trigger', () => {
  it('moves on raw SQL updates of spots and check-ins', async ({ t }) => {
    const rider = await createUser(t.db);
    const spot = await createSpot(t.db);
    const checkin = await createCheckin(t.db, rider.id, spot.id);
    await t.query(sql`UPDATE spots SET name = 'Renamed ledge' WHERE id = ${spot.id}`);
    await t.query(sql`UPDATE checkins SET note = 'switch' WHERE id = ${checkin.id}`);
    const rows = await t.query<{ moved: boolean }>(
      sql`SELECT updated_at > created_at AS moved FROM spots WHERE id = ${spot.id} UNION ALL SELECT updated_at > created_at FROM checkins WHERE id = ${checkin.id}`,
    );
    expect(rows).toEqual([{ moved: true }, { moved: true }]);
  });
});

describe('archived_at', () => {
  it('refuses an archive instant before creation (spots_archived_at_ck, checkins_archived_at_ck) and accepts one at creation', async ({
    t,
  }) => {
    const spot = await createSpot(t.db);
    const checkin = await createCheckin(t.db, (await createUser(t.db)).id, spot.id);
    const early = sql`created_at - interval '1 microsecond'`;
    await expectRefused(t.query(sql`UPDATE spots SET archived_at = ${early} WHERE id = ${spot.id}`), 'spots_archived_at_ck');
    await expectRefused(t.query(sql`UPDATE checkins SET archived_at = ${early} WHERE id = ${checkin.id}`), 'checkins_archived_at_ck');
    await t.query(sql`UPDATE checkins SET archived_at = created_at WHERE id = ${checkin.id}`);
    await t.query(sql`UPDATE spots SET archived_at = created_at WHERE id = ${spot.id}`);
    const [row] = await t.db.select().from(spots).where(eq(spots.id, spot.id));
    const [archived] = await t.db.select().from(checkins).where(eq(checkins.id, checkin.id));
    expect([row!.archived_at, archived!.archived_at]).toEqual([row!.created_at, archived!.created_at]);
  });
});
