import { foreignKeyRule, policyRules, rule, type RuleTable } from '@skatehubba/schema-kit';
import { DISPLAY_NAME_MAX_LENGTH, SESSION_MAX_LIFETIME_DAYS } from './constants';

/** What each identity constraint means to an API client (see DataRuleError). */
export const IDENTITY_REFUSALS: RuleTable = {
  users_pk: rule('user_id_taken', 'conflict', 'a user with this id already exists'),
  users_handle_ck: rule('invalid_handle', 'invalid', 'handle must be 3-30 characters of a-z, 0-9 and _'),
  users_handle_uq: rule('handle_taken', 'conflict', 'this handle is taken'),
  users_email_ck: rule('invalid_email', 'invalid', 'email must look like name@domain.tld and be at most 254 characters'),
  users_email_uq: rule('email_taken', 'conflict', 'an account with this email already exists'),
  users_display_name_ck: rule('invalid_display_name', 'invalid', `display name must be 1-${DISPLAY_NAME_MAX_LENGTH} characters`),
  users_avatar_url_ck: rule('unsigned_media_url', 'invalid', 'avatar must be a signed https URL'),
  sessions_pk: rule('session_id_taken', 'conflict', 'a session with this id already exists'),
  sessions_user_id_fk: foreignKeyRule(['user_not_found', 'the user of this session does not exist']),
  sessions_token_hash_ck: rule('invalid_token_hash', 'invalid', 'sessions store a SHA-256 hex digest of the token, never the token'),
  sessions_token_hash_uq: rule('session_token_reused', 'conflict', 'this session token is already in use'),
  sessions_expiry_ck: rule(
    'invalid_session_expiry',
    'invalid',
    `a session must expire after it starts and within ${SESSION_MAX_LIFETIME_DAYS} days`,
  ),
  sessions_revoked_at_ck: rule('invalid_session_revocation', 'invalid', 'a session cannot be revoked before it starts'),
  prune_sessions_staff_guard: rule(
    'maintenance_staff_only',
    'forbidden',
    'only staff (a login that is a member of skatehubba_owner, with no rider set) may prune sessions',
  ),
  ...policyRules(
    { rule: 'not_your_account', kind: 'forbidden', message: 'a rider signs up and edits their profile only as themself' },
    'users_read_pol',
    'users_sign_up_pol',
    'users_edit_own_pol',
    'users_owner_read_pol',
    'users_owner_erase_pol',
    'users_owner_lock_pol',
  ),
  // Erasure and export (erase_rider(), export_rider(), the tombstone trigger on users).
  users_erased_guard: rule('account_erased', 'conflict', 'this account was erased; an erased rider id cannot sign up again'),
  erase_rider_rider_guard: rule('erasure_not_yours', 'forbidden', 'a rider may erase only their own account; staff may erase any'),
  erase_rider_found_guard: rule('rider_not_found', 'missing_reference', 'no rider has this id, and none with it was erased'),
  export_rider_rider_guard: rule('export_not_yours', 'forbidden', 'a rider may export only their own data; staff may export any'),
  export_rider_found_guard: rule('rider_not_found', 'missing_reference', 'no rider has this id'),
  rider_erasures_pk: rule('erasure_id_taken', 'conflict', 'erasure ids are generated; never set one'),
  rider_erasures_rider_digest_uq: rule('rider_already_erased', 'conflict', 'this rider was erased already'),
  rider_erasures_rider_digest_ck: rule('invalid_rider_digest', 'invalid', 'a tombstone stores the SHA-256 hex digest of the rider id'),
  rider_erasures_requested_by_ck: rule('invalid_erasure_requester', 'invalid', 'an erasure is requested by the rider or by staff'),
  ...policyRules(
    { rule: 'erasures_database_only', kind: 'forbidden', message: 'tombstones are written only by erase_rider(), as the owner' },
    'rider_erasures_owner_pol',
    'rider_erasures_readonly_pol',
  ),
  ...policyRules(
    { rule: 'not_your_session', kind: 'forbidden', message: 'a rider starts, reads and revokes only their own sessions' },
    'sessions_own_read_pol',
    'sessions_own_start_pol',
    'sessions_own_revoke_pol',
    'sessions_readonly_pol',
    'sessions_owner_read_pol',
    'sessions_owner_prune_pol',
  ),
};
