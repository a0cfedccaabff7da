import type { AchievementMetric, AchievementTier, NotificationKind, Stance, TrickStatus } from '@skatehubba/enums';

/**
 * What the API returns, as JSON: the wire form of each row. Written out field
 * by field so the SDK needs nothing but this package to read them; a type test
 * in `@skatehubba/db` (`wire.test-d.ts`) holds each one equal to
 * `Wire<Omit<Row, secrets>>` of its drizzle row, so a column added to a table
 * fails typecheck until its wire type says it.
 */

/** A timestamp on the wire: `Date.prototype.toJSON()`, ISO 8601 in UTC (`2026-06-01T12:00:00.000Z`). */
export type IsoTimestamp = string;

/**
 * The JSON form of a value, recursively: every `Date` becomes an ISO string
 * (what `JSON.stringify` writes), arrays and objects keep their shape,
 * optional and nullable fields stay so.
 */
export type Wire<T> = T extends Date
  ? IsoTimestamp
  : T extends readonly (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

/** A rider as anyone sees them: `users` without `email` (no rider reads another's). */
export interface PublicRiderWire {
  id: string;
  handle: string;
  display_name: string;
  stance: Stance;
  avatar_url: string | null;
  created_at: IsoTimestamp;
  updated_at: IsoTimestamp;
}

/** The rider's own profile: the public columns and their email. */
export interface OwnProfileWire extends PublicRiderWire {
  email: string;
}

/** A session: `sessions` without `token_hash` (a secret: no role but the owner reads it). */
export interface SessionWire {
  id: string;
  user_id: string;
  created_at: IsoTimestamp;
  expires_at: IsoTimestamp;
  revoked_at: IsoTimestamp | null;
  updated_at: IsoTimestamp;
}

/** What starting a session returns: the session and its token, shown this once (the database keeps only its hash). */
export interface StartedSessionWire {
  session: SessionWire;
  token: string;
}

export interface SpotWire {
  id: string;
  name: string;
  description: string | null;
  latitude: number;
  longitude: number;
  photo_url: string | null;
  /** null once the creator's account is erased: spots outlive their creator. */
  created_by: string | null;
  archived_at: IsoTimestamp | null;
  created_at: IsoTimestamp;
  updated_at: IsoTimestamp;
}

export interface SavedSpotWire {
  user_id: string;
  spot_id: string;
  created_at: IsoTimestamp;
}

export interface CheckinWire {
  id: string;
  user_id: string;
  spot_id: string;
  trick: string;
  trick_status: TrickStatus;
  stance: Stance;
  note: string | null;
  media_url: string | null;
  archived_at: IsoTimestamp | null;
  created_at: IsoTimestamp;
  updated_at: IsoTimestamp;
}

export interface AchievementWire {
  id: string;
  slug: string;
  name: string;
  description: string;
  tier: AchievementTier;
  /** What counts toward it: a metric the database counts from check-ins, or `manual` (recorded progress). */
  metric: AchievementMetric;
  goal: number;
  icon_url: string | null;
  created_at: IsoTimestamp;
  updated_at: IsoTimestamp;
}

/** A rider's progress on one achievement (`user_achievements`). */
export interface RiderAchievementWire {
  user_id: string;
  achievement_id: string;
  goal: number;
  progress: number;
  /** Set by the check-in that reached the goal; never moves after. */
  unlocked_at: IsoTimestamp | null;
  created_at: IsoTimestamp;
  updated_at: IsoTimestamp;
}

/** What the database counts toward a rider's achievements (`rider_metrics`): the live count of one metric. */
export interface RiderMetricWire {
  user_id: string;
  /** Never `manual` (rider_metrics_metric_ck): manual progress is recorded, not counted. */
  metric: AchievementMetric;
  value: number;
}

/** A notification row (`notifications`). */
export interface NotificationWire {
  id: string;
  user_id: string;
  kind: NotificationKind;
  achievement_id: string | null;
  /** The check-in that caused it; null if there was none (recorded progress) or it was deleted since. */
  checkin_id: string | null;
  created_at: IsoTimestamp;
  read_at: IsoTimestamp | null;
}

/** A rider's unread count (`notification_inboxes`). */
export interface NotificationInboxWire {
  user_id: string;
  unread_count: number;
}

/** An achievement a check-in unlocked, with the notice that announces it. */
export interface CheckinUnlockWire {
  achievement_id: string;
  slug: string;
  name: string;
  tier: AchievementTier;
  notification_id: string;
}

/** What `checkIn` returns: the check-in, and what it unlocked (usually nothing). */
export interface CheckInResultWire {
  checkin: CheckinWire;
  unlocked: CheckinUnlockWire[];
}

/** One achievement of the catalogue with the rider's progress on it (`achievementsOf`). */
export interface AchievementProgressWire {
  achievement_id: string;
  slug: string;
  name: string;
  description: string;
  tier: AchievementTier;
  metric: AchievementMetric;
  goal: number;
  /** The live count for a counted metric (may pass the goal, or fall below it after an unlock); recorded progress for a manual one. */
  progress: number;
  unlocked_at: IsoTimestamp | null;
}

/** One item of the inbox (`notificationsOf`). */
export interface InboxItemWire {
  id: string;
  kind: NotificationKind;
  created_at: IsoTimestamp;
  read_at: IsoTimestamp | null;
  checkin_id: string | null;
  achievement: { id: string; slug: string; name: string; tier: AchievementTier } | null;
}

/** What marking notifications read returns. */
export interface MarkReadWire {
  marked: number;
  unread_count: number;
}

/** One of the rider's saved spots (`savedSpotsOf`). */
export interface SavedSpotItemWire {
  spot: SpotWire;
  saved_at: IsoTimestamp;
}

/** A spot near a point (`spotsNear`), with its great-circle distance in metres. */
export interface NearbySpotWire {
  id: string;
  name: string;
  latitude: number;
  longitude: number;
  distance_m: number;
}

/** One rider on a leaderboard: landed live check-ins in the last 30 UTC days. */
export interface LeaderboardEntryWire {
  user_id: string;
  handle: string;
  display_name: string;
  landed: number;
}

/** What archiving a spot returns. */
export interface ArchivedSpotWire {
  spot_id: string;
  archived_at: IsoTimestamp;
  checkins_archived: number;
}

/** Whose live session a token is (`sessionByToken`), for the auth middleware. */
export interface LiveSessionWire {
  session_id: string;
  user_id: string;
  expires_at: IsoTimestamp;
}

/** One page of a list. `next_cursor` goes back as `pageInput.cursor`; null on the last page. */
export interface PageWire<T> {
  items: T[];
  next_cursor: string | null;
}

// `audit_logs` has no wire type on purpose: the trail is staff-only
// (skatehubba_readonly), and no API route a rider or the SDK calls returns it.
