import type { RiderExport } from './erasure';

/**
 * What becomes of one column of a rider-owned table in the export and in the
 * audit trail.
 *
 * `export`: `'exported'`, or why the rider's export leaves it out.
 *
 * `trail`, what the audit trail (`audit_logs.changes`, written whole per row)
 * keeps of the column's values:
 * - `'redacted'`: never reaches the trail: `audit_row_change()` writes
 *   `[redacted]` at capture (the trigger's second argument). `erase_rider()`
 *   blanks it as well, for rows captured before the redaction existed.
 * - `'erased'`: captured (support reads the history of a profile or a
 *   check-in), replaced by `[erased]` when the rider is erased.
 * - `'pseudonymised'`: the rider's id; the erasure replaces it, in
 *   `actor_id`, `subject_id`, `target_id` and `changes`, with one fresh
 *   random id stored nowhere.
 * - `{ kept }`: stays, with the reason it says nothing about who the rider was
 *   once the id is a pseudonym.
 * - `'not_audited'`: the table has no audit trigger (derived counters and the
 *   inbox: each follows from an audited change), so nothing reaches the trail.
 */
export interface PersonalDataColumn {
  export: 'exported' | { withheld: string };
  trail: 'redacted' | 'erased' | 'pseudonymised' | 'not_audited' | { kept: string };
}

/** A rider-owned table: users itself, or a table with a foreign key to `users.id`. */
export interface PersonalDataTable {
  /** The export section its rows go to. */
  section: Exclude<keyof RiderExport, 'exported_at' | 'audit_trail'>;
  /** The column naming the rider (`users.id`, or the foreign key to it). */
  riderColumn: string;
  columns: Record<string, PersonalDataColumn>;
}

const exported = 'exported' as const;
// Shared reasons for what the trail keeps: the trail exists to say what happened and when.
const WHEN = { kept: 'when it happened is what the trail is for; with the rider pseudonymised it points at no one' };
const ROW_ID = { kept: 'a random id of a row that, after erasure, is gone or belongs to no one' };
const FACT = { kept: 'what happened (a trick, a stance, progress), not who: once the rider is a pseudonym it identifies no one' };
const SPOT = {
  kept: 'a spot is a public place every rider checks in at; it stays after its creator is erased (created_by SET NULL), and so does its history',
};
const REFERENCE = { kept: 'the id of a shared row (a spot, an achievement), not of the rider' };

/**
 * Every column of every rider-owned table, checked against the live catalog
 * by `libs/db/src/erasure.int.test.ts`: a new column fails that test until it
 * is classified here, and the export test until the export carries it or
 * this says why not. The `'erased'` and `'redacted'` columns are exactly what
 * `audit_erased_columns()` lists; the `'redacted'` ones exactly what the
 * audit triggers redact at capture.
 *
 * Left out at capture (`'redacted'`), and why: an email is contact data
 * support must not read and the history never needs; a token hash is a
 * credential; a check-in note is free text that can hold anything. Kept
 * until erasure (`'erased'`): handle, display name and media URLs, which
 * support needs to answer "who changed this profile" or "which clip was
 * reported" while the rider exists.
 */
export const PERSONAL_DATA = {
  users: {
    section: 'profile',
    riderColumn: 'id',
    columns: {
      id: { export: exported, trail: 'pseudonymised' },
      handle: { export: exported, trail: 'erased' },
      email: { export: exported, trail: 'redacted' },
      display_name: { export: exported, trail: 'erased' },
      stance: { export: exported, trail: FACT },
      avatar_url: { export: exported, trail: 'erased' },
      created_at: { export: exported, trail: WHEN },
      updated_at: { export: exported, trail: WHEN },
    },
  },
  sessions: {
    section: 'sessions',
    riderColumn: 'user_id',
    columns: {
      id: { export: exported, trail: ROW_ID },
      user_id: { export: exported, trail: 'pseudonymised' },
      token_hash: {
        export: { withheld: 'a credential of the server: anyone holding it can look the session up; the rider holds the token itself' },
        trail: 'redacted',
      },
      created_at: { export: exported, trail: WHEN },
      expires_at: { export: exported, trail: WHEN },
      revoked_at: { export: exported, trail: WHEN },
      updated_at: { export: exported, trail: WHEN },
    },
  },
  spots: {
    section: 'spots_created',
    riderColumn: 'created_by',
    columns: {
      id: { export: exported, trail: SPOT },
      name: { export: exported, trail: SPOT },
      description: { export: exported, trail: SPOT },
      latitude: { export: exported, trail: SPOT },
      longitude: { export: exported, trail: SPOT },
      photo_url: { export: exported, trail: SPOT },
      created_by: { export: exported, trail: 'pseudonymised' },
      archived_at: { export: exported, trail: WHEN },
      created_at: { export: exported, trail: WHEN },
      updated_at: { export: exported, trail: WHEN },
    },
  },
  saved_spots: {
    section: 'saved_spots',
    riderColumn: 'user_id',
    columns: {
      user_id: { export: exported, trail: 'pseudonymised' },
      spot_id: { export: exported, trail: REFERENCE },
      created_at: { export: exported, trail: WHEN },
    },
  },
  checkins: {
    section: 'checkins',
    riderColumn: 'user_id',
    columns: {
      id: { export: exported, trail: ROW_ID },
      user_id: { export: exported, trail: 'pseudonymised' },
      spot_id: { export: exported, trail: REFERENCE },
      trick: { export: exported, trail: FACT },
      trick_status: { export: exported, trail: FACT },
      stance: { export: exported, trail: FACT },
      note: { export: exported, trail: 'redacted' },
      media_url: { export: exported, trail: 'erased' },
      archived_at: { export: exported, trail: WHEN },
      created_at: { export: exported, trail: WHEN },
      updated_at: { export: exported, trail: WHEN },
    },
  },
  user_achievements: {
    section: 'achievements',
    riderColumn: 'user_id',
    columns: {
      user_id: { export: exported, trail: 'pseudonymised' },
      achievement_id: { export: exported, trail: REFERENCE },
      goal: { export: exported, trail: FACT },
      progress: { export: exported, trail: FACT },
      unlocked_at: { export: exported, trail: WHEN },
      created_at: { export: exported, trail: WHEN },
      updated_at: { export: exported, trail: WHEN },
    },
  },
  // Derived from the audited check-ins and unlocks; see each table's doc comment for why it is not audited.
  rider_metrics: {
    section: 'metrics',
    riderColumn: 'user_id',
    columns: {
      user_id: { export: exported, trail: 'not_audited' },
      metric: { export: exported, trail: 'not_audited' },
      value: { export: exported, trail: 'not_audited' },
    },
  },
  notifications: {
    section: 'notifications',
    riderColumn: 'user_id',
    columns: {
      id: { export: exported, trail: 'not_audited' },
      user_id: { export: exported, trail: 'not_audited' },
      kind: { export: exported, trail: 'not_audited' },
      achievement_id: { export: exported, trail: 'not_audited' },
      checkin_id: { export: exported, trail: 'not_audited' },
      created_at: { export: exported, trail: 'not_audited' },
      read_at: { export: exported, trail: 'not_audited' },
    },
  },
  notification_inboxes: {
    section: 'inbox',
    riderColumn: 'user_id',
    columns: {
      user_id: { export: exported, trail: 'not_audited' },
      unread_count: { export: exported, trail: 'not_audited' },
    },
  },
  leaderboard_entries: {
    section: 'leaderboard',
    riderColumn: 'user_id',
    columns: {
      user_id: { export: exported, trail: 'not_audited' },
      landed: { export: exported, trail: 'not_audited' },
    },
  },
  spot_leaderboard_entries: {
    section: 'spot_leaderboards',
    riderColumn: 'user_id',
    columns: {
      spot_id: { export: exported, trail: 'not_audited' },
      user_id: { export: exported, trail: 'not_audited' },
      landed: { export: exported, trail: 'not_audited' },
    },
  },
} as const satisfies Record<string, PersonalDataTable>;

export type RiderOwnedTable = keyof typeof PERSONAL_DATA;

/** Per table, the columns the erasure blanks in the trail (what `audit_erased_columns()` must list). */
export function trailErasedColumns(): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [table, spec] of Object.entries(PERSONAL_DATA) as [string, PersonalDataTable][]) {
    const columns = Object.entries(spec.columns)
      .filter(([, c]) => c.trail === 'erased' || c.trail === 'redacted')
      .map(([name]) => name)
      .sort();
    if (columns.length) result[table] = columns;
  }
  return result;
}

/** Per table, the columns the audit trigger redacts at capture. */
export function trailRedactedColumns(): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [table, spec] of Object.entries(PERSONAL_DATA) as [string, PersonalDataTable][]) {
    const columns = Object.entries(spec.columns)
      .filter(([, c]) => c.trail === 'redacted')
      .map(([name]) => name)
      .sort();
    if (columns.length) result[table] = columns;
  }
  return result;
}
