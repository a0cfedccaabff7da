import { foreignKeyRule, policyRules, rule, type PgErrorFields, type RuleTable } from '@skatehubba/schema-kit';
import {
  CHECKIN_DEDUPE_WINDOW,
  CHECKIN_DEDUPE_WINDOW_MS,
  CHECKIN_NOTE_MAX_LENGTH,
  SPOT_DESCRIPTION_MAX_LENGTH,
  SPOT_NAME_MAX_LENGTH,
  TRICK_NAME_MAX_LENGTH,
} from './constants';

/**
 * When a refused duplicate check-in may be retried: the end of its bucket.
 * Postgres puts the bucket start in the detail:
 * `Key (user_id, spot_id, date_bin(...))=(<uuid>, <uuid>, 2026-03-14 12:00:00+00) already exists.`
 */
export function duplicateCheckinRetryAt(fields: PgErrorFields): Date | null {
  const match = /\)=\([0-9a-f-]{36}, [0-9a-f-]{36}, ([^)]+)\) already exists/.exec(fields.detail ?? '');
  if (!match) return null;
  // Postgres prints "2026-03-14 12:00:00+00" (DateStyle ISO); make it parseable everywhere.
  const iso = match[1]!.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00');
  const start = new Date(iso);
  return Number.isNaN(start.getTime()) ? null : new Date(start.getTime() + CHECKIN_DEDUPE_WINDOW_MS);
}

/** What each spots constraint means to an API client (see DataRuleError). */
export const SPOTS_REFUSALS: RuleTable = {
  spots_pk: rule('spot_id_taken', 'conflict', 'a spot with this id already exists'),
  spots_created_by_fk: foreignKeyRule(['user_not_found', 'the creator of this spot does not exist']),
  spots_name_ck: rule('invalid_spot_name', 'invalid', `spot name must be 1-${SPOT_NAME_MAX_LENGTH} characters`),
  spots_description_ck: rule(
    'invalid_spot_description',
    'invalid',
    `spot description must be at most ${SPOT_DESCRIPTION_MAX_LENGTH} characters`,
  ),
  spots_latitude_ck: rule('latitude_out_of_range', 'invalid', 'latitude must be a number from -90 to 90'),
  spots_longitude_ck: rule('longitude_out_of_range', 'invalid', 'longitude must be a number from -180 to 180'),
  spots_archived_at_ck: rule('invalid_archive_time', 'invalid', 'a spot cannot be archived before it was created'),
  spots_photo_url_ck: rule('unsigned_media_url', 'invalid', 'photo must be a signed https URL'),
  saved_spots_pk: rule('spot_already_saved', 'conflict', 'this spot is already saved'),
  saved_spots_user_id_fk: foreignKeyRule(['user_not_found', 'the rider does not exist']),
  saved_spots_spot_id_fk: foreignKeyRule(['spot_not_found', 'the spot does not exist']),
  checkins_pk: rule('checkin_id_taken', 'conflict', 'a check-in with this id already exists'),
  checkins_user_id_fk: foreignKeyRule(['user_not_found', 'the rider does not exist']),
  checkins_spot_id_fk: foreignKeyRule(
    ['spot_not_found', 'the spot does not exist'],
    ['spot_has_checkins', 'a spot with check-ins cannot be deleted; archive it instead'],
  ),
  checkins_trick_ck: rule('invalid_trick', 'invalid', `trick must be 1-${TRICK_NAME_MAX_LENGTH} characters`),
  checkins_note_ck: rule('invalid_checkin_note', 'invalid', `note must be at most ${CHECKIN_NOTE_MAX_LENGTH} characters`),
  checkins_archived_at_ck: rule('invalid_archive_time', 'invalid', 'a check-in cannot be archived before it was created'),
  checkins_media_url_ck: rule('unsigned_media_url', 'invalid', 'media must be a signed https URL'),
  checkins_user_spot_window_uq: (fields) => {
    const retryAt = duplicateCheckinRetryAt(fields);
    return {
      rule: 'duplicate_checkin',
      kind: 'conflict',
      message: retryAt
        ? `already checked in at this spot in this ${CHECKIN_DEDUPE_WINDOW} window; check in again from ${retryAt.toISOString()}`
        : `already checked in at this spot in this ${CHECKIN_DEDUPE_WINDOW} window`,
      facts: { retryAt },
    };
  },
  checkins_spot_active_trg: rule('spot_archived', 'conflict', 'this spot is archived; check in at an active spot'),
  leaderboard_window_pk: rule('leaderboard_window_exists', 'conflict', 'the leaderboard window is one row'),
  leaderboard_window_single_ck: rule('leaderboard_window_single', 'invalid', 'the leaderboard window is one row (id true)'),
  leaderboard_entries_pk: rule('leaderboard_entry_exists', 'conflict', 'this rider has a leaderboard entry already'),
  leaderboard_entries_user_id_fk: foreignKeyRule(['user_not_found', 'the rider does not exist']),
  leaderboard_entries_landed_ck: rule('negative_leaderboard_count', 'invalid', 'a leaderboard count cannot go below zero'),
  spot_leaderboard_entries_pk: rule('leaderboard_entry_exists', 'conflict', 'this rider has an entry at this spot already'),
  spot_leaderboard_entries_spot_id_fk: foreignKeyRule(['spot_not_found', 'the spot does not exist']),
  spot_leaderboard_entries_user_id_fk: foreignKeyRule(['user_not_found', 'the rider does not exist']),
  spot_leaderboard_entries_landed_ck: rule('negative_leaderboard_count', 'invalid', 'a leaderboard count cannot go below zero'),
  roll_leaderboards_staff_guard: rule('maintenance_staff_only', 'forbidden', 'only staff run maintenance'),
  ...policyRules(
    { rule: 'leaderboards_read_only', kind: 'forbidden', message: 'leaderboards are kept by the database; no role writes them' },
    'leaderboard_window_readonly_pol',
    'leaderboard_window_owner_pol',
    'leaderboard_entries_read_pol',
    'leaderboard_entries_owner_pol',
    'spot_leaderboard_entries_read_pol',
    'spot_leaderboard_entries_owner_pol',
  ),
  archive_spot_found_guard: rule('spot_not_found', 'missing_reference', 'the spot does not exist'),
  archive_spot_creator_guard: rule('spot_not_yours', 'forbidden', 'only the rider who created a spot (or staff) may archive it'),
  archive_spot_active_guard: rule('spot_already_archived', 'conflict', 'the spot is already archived'),
  ...policyRules(
    { rule: 'not_your_spot', kind: 'forbidden', message: 'a rider creates spots as themself and edits only their own live spots' },
    'spots_read_pol',
    'spots_create_own_pol',
    'spots_edit_own_pol',
    'spots_owner_pol',
  ),
  ...policyRules(
    { rule: 'not_your_saved_spot', kind: 'forbidden', message: 'a rider saves and unsaves spots only for themself' },
    'saved_spots_own_pol',
    'saved_spots_readonly_pol',
    'saved_spots_owner_read_pol',
  ),
  ...policyRules(
    {
      rule: 'not_your_checkin',
      kind: 'forbidden',
      message: 'a rider checks in only as themself and edits or deletes only their own live check-ins',
    },
    'checkins_read_pol',
    'checkins_readonly_pol',
    'checkins_check_in_own_pol',
    'checkins_edit_own_pol',
    'checkins_delete_own_pol',
    'checkins_owner_pol',
  ),
};
