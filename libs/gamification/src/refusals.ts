import { foreignKeyRule, policyRules, rule, type RuleTable } from '@skatehubba/schema-kit';
import { ACHIEVEMENT_DESCRIPTION_MAX_LENGTH, ACHIEVEMENT_NAME_MAX_LENGTH, ACHIEVEMENT_SLUG_MAX_LENGTH } from './constants';

/** What each gamification constraint means to an API client (see DataRuleError). */
export const GAMIFICATION_REFUSALS: RuleTable = {
  achievements_pk: rule('achievement_id_taken', 'conflict', 'an achievement with this id already exists'),
  achievements_slug_ck: rule('invalid_achievement_slug', 'invalid', `slug must be kebab-case, 3-${ACHIEVEMENT_SLUG_MAX_LENGTH} characters`),
  achievements_slug_uq: rule('achievement_slug_taken', 'conflict', 'an achievement with this slug already exists'),
  achievements_name_ck: rule('invalid_achievement_name', 'invalid', `name must be 1-${ACHIEVEMENT_NAME_MAX_LENGTH} characters`),
  achievements_description_ck: rule(
    'invalid_achievement_description',
    'invalid',
    `description must be at most ${ACHIEVEMENT_DESCRIPTION_MAX_LENGTH} characters`,
  ),
  achievements_goal_ck: rule('invalid_achievement_goal', 'invalid', 'goal must be a positive integer'),
  achievements_icon_url_ck: rule('unsigned_media_url', 'invalid', 'icon must be a signed https URL'),
  // Only ever the target of user_achievements_achievement_fk; id alone is already unique.
  achievements_id_goal_uq: rule('achievement_id_taken', 'conflict', 'an achievement with this id already exists'),
  user_achievements_pk: rule('progress_exists', 'conflict', 'this rider already has progress on this achievement; use recordProgress()'),
  user_achievements_user_id_fk: foreignKeyRule(['user_not_found', 'the rider does not exist']),
  user_achievements_achievement_fk: foreignKeyRule(
    ['achievement_not_found', 'the achievement does not exist, or its goal differs from the one given'],
    ['achievement_in_use', 'riders have progress on this achievement; it cannot be deleted'],
  ),
  user_achievements_progress_ck: rule('negative_progress', 'invalid', 'progress cannot be negative'),
  user_achievements_unlock_ck: rule(
    'unlock_mismatch',
    'invalid',
    'unlocked_at must be set exactly when progress reaches the goal (a goal change that contradicts a rider is refused)',
  ),
  user_achievements_unlocked_at_ck: rule('invalid_unlock_time', 'invalid', 'an achievement cannot be unlocked before progress started'),
  record_progress_rider_guard: rule('progress_not_yours', 'forbidden', 'a rider records progress only for themself'),
  record_progress_step_guard: rule('invalid_progress_step', 'invalid', 'progress step must be a positive integer'),
  record_progress_manual_guard: rule(
    'progress_is_counted',
    'invalid',
    'this achievement counts check-ins: its progress moves when the rider checks in, not by recorded steps',
  ),
  recompute_progress_rider_guard: rule('progress_not_yours', 'forbidden', 'a rider recomputes only their own progress'),
  recompute_progress_found_guard: rule('rider_not_found', 'missing_reference', 'no rider has this id'),
  rider_metrics_pk: rule('metric_exists', 'conflict', 'this rider already has this counter'),
  rider_metrics_user_id_fk: foreignKeyRule(['user_not_found', 'the rider does not exist']),
  rider_metrics_value_ck: rule('negative_metric', 'invalid', 'a counter cannot go below zero'),
  rider_metrics_metric_ck: rule('manual_metric_counted', 'invalid', 'manual achievements are not counted from check-ins'),
  ...policyRules(
    { rule: 'metrics_not_yours', kind: 'forbidden', message: 'a rider reads only their own counters; only the database writes them' },
    'rider_metrics_own_read_pol',
    'rider_metrics_readonly_pol',
    'rider_metrics_owner_pol',
  ),
  ...policyRules(
    { rule: 'achievements_staff_only', kind: 'forbidden', message: 'the achievement catalogue is written by staff only' },
    'achievements_read_pol',
  ),
  ...policyRules(
    {
      rule: 'progress_not_yours',
      kind: 'forbidden',
      message: 'a rider reads only their own progress, and progress moves only through recordProgress()',
    },
    'user_achievements_own_read_pol',
    'user_achievements_readonly_pol',
    'user_achievements_owner_pol',
  ),
};
