import { describe, expect, expectTypeOf, it } from 'vitest';
import type {
  AchievementProgressWire,
  AchievementWire,
  ArchivedSpotWire,
  CheckInResultWire,
  CheckinWire,
  InboxItemWire,
  LeaderboardEntryWire,
  LiveSessionWire,
  MarkReadWire,
  NearbySpotWire,
  NotificationInboxWire,
  NotificationWire,
  PageWire,
  RiderMetricWire,
  SavedSpotItemWire,
  StartedSessionWire,
  OwnProfileWire,
  PublicRiderWire,
  RiderAchievementWire,
  SavedSpotWire,
  SessionWire,
  SpotWire,
  Wire,
} from '@skatehubba/contracts';
import type { achievements, achievementsOf, riderMetrics, userAchievements } from '@skatehubba/gamification';
import type { sessionByToken, sessions, startSession, users } from '@skatehubba/identity';
import type { markNotificationsRead, notificationInboxes, notifications, notificationsOf } from '@skatehubba/notifications';
import type { Result } from '@skatehubba/schema-kit';
import type { archiveSpot, checkIn, checkins, leaderboard, savedSpotsOf, savedSpots, spots, spotsNear } from '@skatehubba/spots';
import { DataRuleError } from './errors';

// The SDK's wire types are written out field by field in @skatehubba/contracts
// (the SDK has no drizzle to derive them from). Each line here holds one equal
// to the JSON form of its table's row, minus what never leaves the server, so
// a column added to a table file fails typecheck until its wire type has it.
// A new table's wire type is one more line.

/** The JSON form of a table's row without the columns the API never returns. */
type RowWire<T extends { $inferSelect: object }, Secret extends keyof T['$inferSelect'] = never> = Wire<Omit<T['$inferSelect'], Secret>>;

/** The JSON form of what a lib function returns on success. */
type ResultWire<F extends (...args: never[]) => Promise<Result<unknown>>> = Wire<Extract<Awaited<ReturnType<F>>, { ok: true }>['value']>;

describe('wire types are the JSON form of their rows', () => {
  it('one line per table', () => {
    expectTypeOf<PublicRiderWire>().toEqualTypeOf<RowWire<typeof users, 'email'>>(); // no rider reads another's email
    expectTypeOf<OwnProfileWire>().toEqualTypeOf<RowWire<typeof users>>();
    expectTypeOf<SessionWire>().toEqualTypeOf<RowWire<typeof sessions, 'token_hash'>>(); // a secret
    expectTypeOf<SpotWire>().toEqualTypeOf<RowWire<typeof spots>>();
    expectTypeOf<SavedSpotWire>().toEqualTypeOf<RowWire<typeof savedSpots>>();
    expectTypeOf<CheckinWire>().toEqualTypeOf<RowWire<typeof checkins>>();
    expectTypeOf<AchievementWire>().toEqualTypeOf<RowWire<typeof achievements>>();
    expectTypeOf<RiderAchievementWire>().toEqualTypeOf<RowWire<typeof userAchievements>>();
    expectTypeOf<RiderMetricWire>().toEqualTypeOf<RowWire<typeof riderMetrics>>();
    expectTypeOf<NotificationWire>().toEqualTypeOf<RowWire<typeof notifications>>();
    expectTypeOf<NotificationInboxWire>().toEqualTypeOf<RowWire<typeof notificationInboxes>>();
    // audit_logs: staff-only (skatehubba_readonly); no API route returns it, so no wire type.
  });

  it('one line per function result the API returns', () => {
    expectTypeOf<CheckInResultWire>().toEqualTypeOf<ResultWire<typeof checkIn>>();
    expectTypeOf<StartedSessionWire>().toEqualTypeOf<ResultWire<typeof startSession>>();
    expectTypeOf<LiveSessionWire | null>().toEqualTypeOf<ResultWire<typeof sessionByToken>>();
    expectTypeOf<ArchivedSpotWire>().toEqualTypeOf<ResultWire<typeof archiveSpot>>();
    expectTypeOf<MarkReadWire>().toEqualTypeOf<ResultWire<typeof markNotificationsRead>>();
    expectTypeOf<PageWire<AchievementProgressWire>>().toEqualTypeOf<ResultWire<typeof achievementsOf>>();
    expectTypeOf<PageWire<InboxItemWire>>().toEqualTypeOf<ResultWire<typeof notificationsOf>>();
    expectTypeOf<PageWire<SavedSpotItemWire>>().toEqualTypeOf<ResultWire<typeof savedSpotsOf>>();
    expectTypeOf<PageWire<NearbySpotWire>>().toEqualTypeOf<ResultWire<typeof spotsNear>>();
    expectTypeOf<PageWire<LeaderboardEntryWire>>().toEqualTypeOf<ResultWire<typeof leaderboard>>();
  });

  it('match what JSON.stringify makes of a row: timestamps become ISO strings, nulls stay', () => {
    const row: (typeof checkins)['$inferSelect'] = {
      id: '00000000-0000-4000-8000-000000000001',
      user_id: '00000000-0000-4000-8000-000000000002',
      spot_id: '00000000-0000-4000-8000-000000000003',
      trick: 'kickflip',
      trick_status: 'landed',
      stance: 'regular',
      note: null,
      media_url: null,
      archived_at: null,
      created_at: new Date('2026-06-01T12:00:00.123Z'),
      updated_at: new Date('2026-06-01T12:00:00.123Z'),
    };
    const wire: CheckinWire = JSON.parse(JSON.stringify(row));
    expect(wire).toEqual({ ...row, created_at: '2026-06-01T12:00:00.123Z', updated_at: '2026-06-01T12:00:00.123Z' });
  });
});

describe('a refusal on the wire', () => {
  it('is rule, kind, message and facts, without the constraint or the SQLSTATE', () => {
    const retryAt = new Date('2026-06-01T12:10:00.000Z');
    const error = new DataRuleError(
      { rule: 'duplicate_checkin', kind: 'conflict', message: 'already checked in', facts: { retryAt } },
      { code: '23505', message: 'duplicate key', constraint: 'checkins_user_spot_window_uq' },
    );
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      rule: 'duplicate_checkin',
      kind: 'conflict',
      message: 'already checked in',
      facts: { retryAt: '2026-06-01T12:10:00.000Z' },
    });
  });
});
