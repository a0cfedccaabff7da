import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { AchievementMetric, AchievementTier, NotificationKind, Stance, TrickStatus } from '@skatehubba/enums';
import { attempt, parseId, rowsOf, runAs, type Result, type RiderCaller, type StaffCaller } from '@skatehubba/schema-kit';
import { IDENTITY_REFUSALS } from './refusals';

type AnyDb = PgDatabase<PgQueryResultHKT, Record<string, unknown>>;

export interface RiderErasureResult {
  /** The tombstone's id (`rider_erasures.id`); a retry for the same rider returns the first one. */
  erasureId: number;
  /** Audit rows whose rider identity and personal values this call rewrote (0 on a retry). */
  auditRowsRedacted: number;
}

/**
 * Erases a rider, in one transaction (`erase_rider()`, SECURITY DEFINER):
 * a tombstone (`rider_erasures`, a digest of the id, so the id cannot sign up
 * again), the account with everything the foreign keys cascade to (sessions,
 * check-ins, saved spots, progress, counters, notifications; the spots they
 * created stay, detached), and their identity in the audit trail: every row
 * by or about them gets one fresh random pseudonym, stored nowhere, and their
 * personal values become `[erased]` (see `PERSONAL_DATA`). No audit row is
 * deleted; the erasure writes one of its own (who asked, how many rows were
 * redacted).
 *
 * The rider on themself (`{ rider: riderId }`) or staff (`{ staff: staffId }`
 * on the owner's login). A retry for an erased rider returns the first
 * erasure and changes nothing.
 *
 * Refusals, with nothing changed: `erasure_not_yours` (forbidden: another
 * rider, or no rider and not staff), `rider_not_found` (missing_reference: no
 * such rider and no tombstone).
 */
export async function eraseRider(db: AnyDb, caller: RiderCaller | StaffCaller, riderId: string): Promise<Result<RiderErasureResult>> {
  const id = parseId('rider_id', riderId);
  if (!id.ok) return id;
  return attempt(IDENTITY_REFUSALS, async () => {
    const [result] = await runAs(db, caller, (q) => [
      q.execute(sql`SELECT erasure_id, audit_rows_redacted FROM erase_rider(${id.value}::uuid)`),
    ]);
    const row = rowsOf<{ erasure_id: number | string; audit_rows_redacted: number | string }>(result)[0];
    if (!row) throw new Error(`erase_rider(${id.value}) returned no row`);
    // bigint arrives as a string from node-postgres; identity ids stay far below 2^53.
    return { erasureId: Number(row.erasure_id), auditRowsRedacted: Number(row.audit_rows_redacted) };
  });
}

/** A timestamp as JSON carries it: ISO 8601 with an offset. */
export type JsonTimestamp = string;

/** Who made an audited change, as the rider reads it. */
export type RiderExportActor = 'you' | 'staff' | 'system';

/**
 * Everything SkateHubba holds about one rider (`exportRider()`), as JSON a
 * person can read: each section is the rows of one table with the names of
 * what they point at, oldest first. Held to the schema by
 * `libs/db/src/erasure.int.test.ts`: every column of every rider-owned table
 * appears here unless `PERSONAL_DATA` says why not.
 */
export interface RiderExport {
  exported_at: JsonTimestamp;
  /** `users`: the account, email included. */
  profile: {
    id: string;
    handle: string;
    email: string;
    display_name: string;
    stance: Stance;
    avatar_url: string | null;
    created_at: JsonTimestamp;
    updated_at: JsonTimestamp;
  };
  /** `sessions`, without `token_hash` (a secret of the server's, not the rider's). */
  sessions: {
    id: string;
    user_id: string;
    created_at: JsonTimestamp;
    expires_at: JsonTimestamp;
    revoked_at: JsonTimestamp | null;
    updated_at: JsonTimestamp;
  }[];
  /** `saved_spots`, with the spot's name. */
  saved_spots: { user_id: string; spot_id: string; created_at: JsonTimestamp; spot_name: string }[];
  /** `checkins`, archived ones included, with the spot's name. */
  checkins: {
    id: string;
    user_id: string;
    spot_id: string;
    trick: string;
    trick_status: TrickStatus;
    stance: Stance;
    note: string | null;
    media_url: string | null;
    archived_at: JsonTimestamp | null;
    created_at: JsonTimestamp;
    updated_at: JsonTimestamp;
    spot_name: string;
  }[];
  /** `user_achievements`, with the achievement's name and tier. */
  achievements: {
    user_id: string;
    achievement_id: string;
    goal: number;
    progress: number;
    unlocked_at: JsonTimestamp | null;
    created_at: JsonTimestamp;
    updated_at: JsonTimestamp;
    /** The achievement's name. */
    achievement: string;
    tier: AchievementTier;
  }[];
  /** `rider_metrics`: what the database counts toward the rider's achievements. */
  metrics: { user_id: string; metric: Exclude<AchievementMetric, 'manual'>; value: number }[];
  /** `notifications`, read and unread, with the achievement's name. */
  notifications: {
    id: string;
    user_id: string;
    kind: NotificationKind;
    achievement_id: string | null;
    checkin_id: string | null;
    created_at: JsonTimestamp;
    read_at: JsonTimestamp | null;
    /** The achievement's name, when the notice is about one. */
    achievement: string | null;
  }[];
  /** `notification_inboxes`: the unread count, or null before the first notification. */
  inbox: { user_id: string; unread_count: number } | null;
  /** `leaderboard_entries`: the rider's landed live check-ins in the last 30 days, or null if they never had one. */
  leaderboard: { user_id: string; landed: number } | null;
  /** `spot_leaderboard_entries`, per spot, with the spot's name. */
  spot_leaderboards: { spot_id: string; user_id: string; landed: number; spot_name: string }[];
  /** `spots` whose `created_by` is the rider. */
  spots_created: {
    id: string;
    name: string;
    description: string | null;
    latitude: number;
    longitude: number;
    photo_url: string | null;
    created_by: string;
    archived_at: JsonTimestamp | null;
    created_at: JsonTimestamp;
    updated_at: JsonTimestamp;
  }[];
  /**
   * Audit rows by the rider or about them. `changes` only for rows about them
   * (or about no rider); a row they wrote about someone else's data says that
   * it happened, not what the other rider's row held.
   */
  audit_trail: {
    id: number;
    at: JsonTimestamp;
    action: 'insert' | 'update' | 'delete';
    table: string;
    row: string;
    by: RiderExportActor;
    changes: Record<string, unknown> | null;
  }[];
}

/**
 * Everything held about a rider (`export_rider()`, SECURITY DEFINER), for a
 * subject access request. The rider on themself, or staff; reads only.
 *
 * Refusals: `export_not_yours` (forbidden), `rider_not_found` (missing_reference).
 */
export async function exportRider(db: AnyDb, caller: RiderCaller | StaffCaller, riderId: string): Promise<Result<RiderExport>> {
  const id = parseId('rider_id', riderId);
  if (!id.ok) return id;
  return attempt(IDENTITY_REFUSALS, async () => {
    const [result] = await runAs(db, caller, (q) => [q.execute(sql`SELECT export_rider(${id.value}::uuid) AS export`)]);
    const row = rowsOf<{ export: RiderExport | string }>(result)[0];
    if (!row) throw new Error(`export_rider(${id.value}) returned no row`);
    // Every driver here parses jsonb; a string would mean one that does not.
    return typeof row.export === 'string' ? (JSON.parse(row.export) as RiderExport) : row.export;
  });
}
