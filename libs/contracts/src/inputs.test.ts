import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import {
  CHECKIN_NOTE_MAX_LENGTH,
  CURSOR_MAX_LENGTH,
  DISPLAY_NAME_MAX_LENGTH,
  MARK_READ_MAX_IDS,
  NEAR_MAX_RADIUS_M,
  PAGE_LIMIT_DEFAULT,
  PAGE_LIMIT_MAX,
  PROGRESS_STEP_MAX,
  SESSION_MAX_LIFETIME_DAYS,
  SPOT_DESCRIPTION_MAX_LENGTH,
  SPOT_NAME_MAX_LENGTH,
  TRICK_NAME_MAX_LENGTH,
  checkInInput,
  createSpotInput,
  leaderboardInput,
  markNotificationsReadInput,
  pageInput,
  recordProgressInput,
  saveSpotInput,
  signUpInput,
  spotsNearInput,
  startSessionInput,
  updateCheckinInput,
  updateProfileInput,
  updateSpotInput,
  type CheckInInput,
  type CheckInValues,
  type PageValues,
  type UpdateProfileInput,
} from './index';

// Each input schema: a valid example passes, every server-owned key is refused
// by name, and each limit's edge passes while one step past it fails. Where a
// database CHECK test exists, the examples are the ones it uses
// (identity.int.test.ts, spots.int.test.ts, gamification.int.test.ts), so the
// schema and the CHECK are judged on the same values.

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const signed = `https://cdn.skatehubba.test/a.jpg?Expires=1767225600&Signature=${'f'.repeat(32)}`;
const amz = `https://media.skatehubba.test/media/x.jpg?X-Amz-Expires=3600&X-Amz-Signature=${'a1b2c3d4'.repeat(8)}`;

function accepts(schema: z.ZodType, value: unknown) {
  const result = schema.safeParse(value);
  expect(result.error?.issues ?? [], JSON.stringify(value)).toEqual([]);
  return result.data;
}
function refuses(schema: z.ZodType, value: unknown) {
  const result = schema.safeParse(value);
  expect(result.success, `accepted ${JSON.stringify(value)?.slice(0, 120)}`).toBe(false);
  return result.error!.issues;
}
/** Every server-owned key alone on a valid example is refused, naming the key. */
function refusesEachKey(schema: z.ZodType, valid: object, keys: string[]) {
  for (const key of keys) {
    expect(refuses(schema, { ...valid, [key]: key.endsWith('_at') ? '2020-01-01T00:00:00.000Z' : uuid(9) })).toEqual([
      expect.objectContaining({ code: 'unrecognized_keys', keys: [key] }),
    ]);
  }
}

/** Server-owned on every table: the database's ids, clocks and counters, and the rider (from the session). */
const ALWAYS_SERVER_OWNED = ['id', 'user_id', 'created_by', 'created_at', 'updated_at', 'archived_at'];

describe('signUpInput (users)', () => {
  const valid = { handle: 'rider_01', email: 'rider@example.test', display_name: 'Rider' };

  it('accepts a profile, with and without the optional fields', () => {
    expect(accepts(signUpInput, valid)).toEqual(valid);
    accepts(signUpInput, { ...valid, stance: 'goofy', avatar_url: signed });
  });

  it('refuses every server-owned key by name', () => {
    refusesEachKey(signUpInput, valid, [...ALWAYS_SERVER_OWNED, 'email_verified']);
  });

  it.for([
    ['abc', true],
    ['a'.repeat(30), true],
    ['rider_01', true],
    ['ab', false],
    ['a'.repeat(31), false],
    ['Rider', false],
    ['ri der', false],
    ['rider-01', false],
  ] as const)('handle %j: %s (users_handle_ck)', ([handle, ok]) => {
    expect(signUpInput.safeParse({ ...valid, handle }).success).toBe(ok);
  });

  it.for([
    [`${'a'.repeat(241)}@example.test`, true], // 254 characters: the RFC 5321 cap
    [`${'a'.repeat(242)}@example.test`, false], // 255
    ['rider@localhost', false],
    ['rider@@example.test', false],
    ['rider @example.test', false],
    ['riderexample.test', false],
  ] as const)('email %#: %s (users_email_ck)', ([email, ok]) => {
    expect(signUpInput.safeParse({ ...valid, email }).success).toBe(ok);
  });

  it.for([
    ['x', true],
    ['🛹'.repeat(DISPLAY_NAME_MAX_LENGTH), true], // 50 characters (100 UTF-16 units): counted as the database counts
    ['', false],
    ['x'.repeat(DISPLAY_NAME_MAX_LENGTH + 1), false],
    ['nul\u0000', false], // Postgres refuses U+0000 (22021)
    ['lone \uD800', false], // the drivers would store U+FFFD instead
  ] as const)('display name %#: %s (users_display_name_ck)', ([display_name, ok]) => {
    expect(signUpInput.safeParse({ ...valid, display_name }).success).toBe(ok);
  });

  it.for([
    [signed, true],
    ['https://cdn.skatehubba.test/a.jpg', false],
    ['http://cdn.skatehubba.test/a.jpg?Expires=1767225600&Signature=' + 'f'.repeat(32), false],
    ['https://cdn.skatehubba.test/a.jpg?Signature=' + 'f'.repeat(32), false],
    ['https://cdn.skatehubba.test/a.jpg?Expires=1767225600&Signature=short', false],
  ] as const)('avatar URL %#: %s (users_avatar_url_ck)', ([avatar_url, ok]) => {
    expect(signUpInput.safeParse({ ...valid, avatar_url }).success).toBe(ok);
  });

  it('refuses an unknown stance and a missing required field', () => {
    refuses(signUpInput, { ...valid, stance: 'switch' });
    for (const key of Object.keys(valid)) {
      const { [key as keyof typeof valid]: _dropped, ...rest } = valid;
      expect(refuses(signUpInput, rest)[0]!.path).toEqual([key]);
    }
  });
});

describe('updateProfileInput (users)', () => {
  it('accepts any one field, and null for the avatar (removes it)', () => {
    accepts(updateProfileInput, { display_name: 'Rider Two' });
    accepts(updateProfileInput, { stance: 'regular' });
    expect(accepts(updateProfileInput, { avatar_url: null })).toEqual({ avatar_url: null });
  });

  it('refuses an empty edit, and null where the column is NOT NULL', () => {
    expect(refuses(updateProfileInput, {})[0]!.message).toMatch(/at least one field/);
    refuses(updateProfileInput, { handle: null });
    refuses(updateProfileInput, { display_name: null });
  });

  it('refuses every server-owned key by name', () => {
    refusesEachKey(updateProfileInput, { display_name: 'x' }, ALWAYS_SERVER_OWNED);
  });

  it('holds each field to the sign-up limits', () => {
    accepts(updateProfileInput, { handle: 'a'.repeat(30) });
    refuses(updateProfileInput, { handle: 'a'.repeat(31) });
    accepts(updateProfileInput, { display_name: 'x'.repeat(DISPLAY_NAME_MAX_LENGTH) });
    refuses(updateProfileInput, { display_name: 'x'.repeat(DISPLAY_NAME_MAX_LENGTH + 1) });
    refuses(updateProfileInput, { avatar_url: 'https://cdn.skatehubba.test/a.jpg' });
  });

  it('types every field optional', () => {
    expectTypeOf<UpdateProfileInput>().toEqualTypeOf<{
      handle?: string | undefined;
      email?: string | undefined;
      display_name?: string | undefined;
      stance?: 'regular' | 'goofy' | undefined;
      avatar_url?: string | null | undefined;
    }>();
  });
});

describe('startSessionInput (sessions)', () => {
  it('defaults to 30 days and accepts 1 and the maximum', () => {
    expect(accepts(startSessionInput, {})).toEqual({ lifetime_days: 30 });
    accepts(startSessionInput, { lifetime_days: 1 });
    accepts(startSessionInput, { lifetime_days: SESSION_MAX_LIFETIME_DAYS }); // exactly 90 days (sessions_expiry_ck)
  });

  it.for([0, -1, SESSION_MAX_LIFETIME_DAYS + 1, 1.5, '30'])('refuses lifetime_days %j', (lifetime_days) => {
    refuses(startSessionInput, { lifetime_days });
  });

  it('refuses every server-owned key by name: the server makes the token, its hash and the expiry', () => {
    refusesEachKey(startSessionInput, {}, [...ALWAYS_SERVER_OWNED, 'token_hash', 'token', 'expires_at', 'revoked_at']);
  });
});

describe('createSpotInput (spots)', () => {
  const valid = { name: 'Venice Pit', latitude: 34.0522, longitude: -118.2437 };

  it('accepts a spot, with and without the optional fields', () => {
    expect(accepts(createSpotInput, valid)).toEqual(valid);
    accepts(createSpotInput, { ...valid, description: '', photo_url: amz });
  });

  it('refuses every server-owned key by name', () => {
    refusesEachKey(createSpotInput, valid, ALWAYS_SERVER_OWNED);
  });

  it.for([
    [90, 180],
    [-90, -180],
    [0, 0],
    [89.999999, -179.999999],
  ])('accepts latitude %s, longitude %s (the exact bounds included)', ([latitude, longitude]) => {
    accepts(createSpotInput, { ...valid, latitude, longitude });
  });

  it.for([
    [90.0000001, 0],
    [-90.0000001, 0],
    [NaN, 0],
    [Infinity, 0],
    [-Infinity, 0],
    [0, 180.0000001],
    [0, -180.0000001],
    [0, NaN],
    [0, Infinity],
    [0, -Infinity],
  ])('refuses latitude %s, longitude %s (spots_latitude_ck, spots_longitude_ck)', ([latitude, longitude]) => {
    refuses(createSpotInput, { ...valid, latitude, longitude });
  });

  it.for([
    ['name', { name: '' }],
    ['name', { name: 'n'.repeat(SPOT_NAME_MAX_LENGTH + 1) }],
    ['description', { description: 'd'.repeat(SPOT_DESCRIPTION_MAX_LENGTH + 1) }],
    ['photo_url', { photo_url: 'https://media.skatehubba.test/ledge.jpg' }],
    ['photo_url', { photo_url: amz.replace('https://', 'http://') }],
    ['photo_url', { photo_url: amz.replace('X-Amz-Expires=3600&', '') }],
    ['photo_url', { photo_url: `${amz} ` }],
  ] as const)('refuses a bad %s (spots_*_ck)', ([key, overrides]) => {
    expect(refuses(createSpotInput, { ...valid, ...overrides })[0]!.path).toEqual([key]);
  });

  it('accepts the longest name and description', () => {
    accepts(createSpotInput, { ...valid, name: 'n'.repeat(SPOT_NAME_MAX_LENGTH), description: 'd'.repeat(SPOT_DESCRIPTION_MAX_LENGTH) });
  });
});

describe('updateSpotInput (spots)', () => {
  it('accepts any one field, and null for the description and the photo', () => {
    accepts(updateSpotInput, { name: 'Venice Pit (east)' });
    accepts(updateSpotInput, { latitude: 90 });
    expect(accepts(updateSpotInput, { description: null, photo_url: null })).toEqual({ description: null, photo_url: null });
  });

  it('refuses an empty edit, a NOT NULL field set to null, and values past each limit', () => {
    refuses(updateSpotInput, {});
    refuses(updateSpotInput, { name: null });
    refuses(updateSpotInput, { latitude: null });
    refuses(updateSpotInput, { latitude: 90.0000001 });
    refuses(updateSpotInput, { longitude: -180.0000001 });
    refuses(updateSpotInput, { name: 'n'.repeat(SPOT_NAME_MAX_LENGTH + 1) });
  });

  it('refuses every server-owned key by name', () => {
    refusesEachKey(updateSpotInput, { name: 'x' }, ALWAYS_SERVER_OWNED);
  });
});

describe('saveSpotInput (saved_spots)', () => {
  it('accepts a spot id and refuses anything that is not a UUID', () => {
    accepts(saveSpotInput, { spot_id: uuid(1) });
    refuses(saveSpotInput, { spot_id: 'venice-pit' });
    refuses(saveSpotInput, {});
  });

  it('refuses every server-owned key by name', () => {
    refusesEachKey(saveSpotInput, { spot_id: uuid(1) }, ['user_id', 'created_at']);
  });
});

describe('checkInInput (checkins)', () => {
  const valid = { spot_id: uuid(2), trick: 'kickflip', trick_status: 'landed', stance: 'regular' } as const;

  it('accepts a check-in, with and without the optional fields', () => {
    expect(accepts(checkInInput, valid)).toEqual(valid);
    accepts(checkInInput, { ...valid, note: '', media_url: amz });
  });

  it.for([
    ['GCS V4', 'https://storage.skatehubba.test/b/o.mp4?X-Goog-Expires=900&X-Goog-Signature=0123456789abcdef0123'],
    ['CDN', 'https://cdn.skatehubba.test/clip.mp4?Expires=1767225600&Key-Pair-Id=K1&Signature=abcdefghijklmnop~'],
  ] as const)('accepts a %s signed media URL', ([_, media_url]) => {
    accepts(checkInInput, { ...valid, media_url });
  });

  it('refuses a backdated check-in, naming created_at: the duplicate rule buckets on the database clock', () => {
    expect(refuses(checkInInput, { ...valid, created_at: '2020-01-01T00:00:00.000Z' })).toEqual([
      expect.objectContaining({ code: 'unrecognized_keys', keys: ['created_at'] }),
    ]);
  });

  it('refuses every server-owned key by name', () => {
    refusesEachKey(checkInInput, valid, ALWAYS_SERVER_OWNED);
  });

  it.for([
    ['trick', { trick: '' }],
    ['trick', { trick: 't'.repeat(TRICK_NAME_MAX_LENGTH + 1) }],
    ['note', { note: 'n'.repeat(CHECKIN_NOTE_MAX_LENGTH + 1) }],
    ['media_url', { media_url: 'https://media.skatehubba.test/clip.mp4' }],
    ['trick_status', { trick_status: 'nailed' }],
    ['stance', { stance: 'switch' }],
    ['spot_id', { spot_id: 'not-a-uuid' }],
  ] as const)('refuses a bad %s (checkins_*_ck, the enums)', ([key, overrides]) => {
    expect(refuses(checkInInput, { ...valid, ...overrides })[0]!.path).toEqual([key]);
  });

  it('accepts the longest trick and note', () => {
    accepts(checkInInput, { ...valid, trick: 't'.repeat(TRICK_NAME_MAX_LENGTH), note: 'n'.repeat(CHECKIN_NOTE_MAX_LENGTH) });
  });

  it('types what the SDK sends and what the server gets', () => {
    expectTypeOf<CheckInInput['trick_status']>().toEqualTypeOf<'landed' | 'bailed' | 'retry'>();
    expectTypeOf<CheckInValues>().toHaveProperty('note').toEqualTypeOf<string | undefined>();
  });
});

describe('updateCheckinInput (checkins)', () => {
  it('accepts any one field, and null for the note and the clip', () => {
    accepts(updateCheckinInput, { trick_status: 'bailed' });
    accepts(updateCheckinInput, { note: null, media_url: null });
  });

  it('refuses an empty edit, a NOT NULL field set to null, and values past each limit', () => {
    refuses(updateCheckinInput, {});
    refuses(updateCheckinInput, { trick: null });
    refuses(updateCheckinInput, { stance: null });
    refuses(updateCheckinInput, { trick: 't'.repeat(TRICK_NAME_MAX_LENGTH + 1) });
    accepts(updateCheckinInput, { note: 'n'.repeat(CHECKIN_NOTE_MAX_LENGTH) });
    refuses(updateCheckinInput, { note: 'n'.repeat(CHECKIN_NOTE_MAX_LENGTH + 1) });
  });

  it('refuses the rider, the spot and every server-owned key by name', () => {
    refusesEachKey(updateCheckinInput, { trick: 'ollie' }, [...ALWAYS_SERVER_OWNED, 'spot_id']);
  });
});

describe('recordProgressInput (user_achievements, through record_progress())', () => {
  it('defaults the step to 1 and accepts the largest Postgres integer', () => {
    expect(accepts(recordProgressInput, { achievement_id: uuid(3) })).toEqual({ achievement_id: uuid(3), by: 1 });
    accepts(recordProgressInput, { achievement_id: uuid(3), by: PROGRESS_STEP_MAX });
  });

  it.for([0, -1, 1.5, PROGRESS_STEP_MAX + 1])('refuses a step of %s', (by) => {
    refuses(recordProgressInput, { achievement_id: uuid(3), by });
  });

  it("refuses every server-owned key by name: progress and unlocks are the database's", () => {
    refusesEachKey(recordProgressInput, { achievement_id: uuid(3) }, [
      'user_id',
      'progress',
      'goal',
      'unlocked_at',
      'created_at',
      'updated_at',
    ]);
  });
});

describe('markNotificationsReadInput (notifications)', () => {
  it('accepts 1 to 100 ids', () => {
    accepts(markNotificationsReadInput, { ids: [uuid(1)] });
    accepts(markNotificationsReadInput, { ids: Array.from({ length: MARK_READ_MAX_IDS }, (_, i) => uuid(i)) });
  });

  it('refuses none, one past the maximum, and an id that is not a UUID', () => {
    refuses(markNotificationsReadInput, { ids: [] });
    refuses(markNotificationsReadInput, { ids: Array.from({ length: MARK_READ_MAX_IDS + 1 }, (_, i) => uuid(i)) });
    refuses(markNotificationsReadInput, { ids: ['x'] });
  });

  it('refuses every server-owned key by name', () => {
    refusesEachKey(markNotificationsReadInput, { ids: [uuid(1)] }, ['user_id', 'read_at']);
  });
});

describe('pageInput and the lists built on it', () => {
  it('defaults the page size and leaves the cursor out', () => {
    expect(accepts(pageInput, {})).toEqual({ limit: PAGE_LIMIT_DEFAULT });
    expectTypeOf<PageValues>().toEqualTypeOf<{ limit: number; cursor?: string | undefined }>();
  });

  it('accepts the limit edges and the longest cursor; refuses one past each', () => {
    accepts(pageInput, { limit: 1 });
    accepts(pageInput, { limit: PAGE_LIMIT_MAX });
    refuses(pageInput, { limit: 0 });
    refuses(pageInput, { limit: PAGE_LIMIT_MAX + 1 });
    refuses(pageInput, { limit: 2.5 });
    accepts(pageInput, { cursor: 'c'.repeat(CURSOR_MAX_LENGTH) });
    refuses(pageInput, { cursor: 'c'.repeat(CURSOR_MAX_LENGTH + 1) });
    refuses(pageInput, { cursor: '' });
    refuses(pageInput, { offset: 100 });
  });

  it('spotsNearInput: a point in range, a radius of 1 m to 50 km, 2 km by default', () => {
    expect(accepts(spotsNearInput, { latitude: 34.05, longitude: -118.24 })).toEqual({
      latitude: 34.05,
      longitude: -118.24,
      radius_m: 2_000,
      limit: PAGE_LIMIT_DEFAULT,
    });
    accepts(spotsNearInput, { latitude: -90, longitude: 180, radius_m: 1 });
    accepts(spotsNearInput, { latitude: 0, longitude: 0, radius_m: NEAR_MAX_RADIUS_M });
    refuses(spotsNearInput, { latitude: 0, longitude: 0, radius_m: 0.5 });
    refuses(spotsNearInput, { latitude: 0, longitude: 0, radius_m: NEAR_MAX_RADIUS_M + 1 });
    refuses(spotsNearInput, { latitude: 90.0000001, longitude: 0 });
    refuses(spotsNearInput, { latitude: 0, longitude: 0, limit: PAGE_LIMIT_MAX + 1 });
    refuses(spotsNearInput, { latitude: 0, longitude: 0, units: 'km' });
  });

  it("leaderboardInput: a page; the 30-day window is the server's, not the client's", () => {
    expect(accepts(leaderboardInput, {})).toEqual({ limit: PAGE_LIMIT_DEFAULT });
    refuses(leaderboardInput, { days: 7 });
    refuses(leaderboardInput, { spot: uuid(1) });
  });
});
