import { foreignKeyRule, policyRules, rule, type RuleTable } from '@skatehubba/schema-kit';

/** What each notifications constraint means to an API client (see DataRuleError). */
export const NOTIFICATIONS_REFUSALS: RuleTable = {
  notifications_pk: rule('notification_id_taken', 'conflict', 'a notification with this id already exists'),
  notifications_user_id_fk: foreignKeyRule(['user_not_found', 'the rider does not exist']),
  notifications_achievement_id_fk: foreignKeyRule(['achievement_not_found', 'the achievement does not exist']),
  notifications_checkin_id_fk: foreignKeyRule(['checkin_not_found', 'the check-in does not exist']),
  notifications_payload_ck: rule('invalid_notification', 'invalid', 'an unlock notification names the achievement it announces'),
  notifications_read_at_ck: rule('invalid_read_time', 'invalid', 'a notification cannot be read before it was made'),
  notifications_user_achievement_uq: rule('already_announced', 'conflict', 'this unlock was announced already'),
  notification_inboxes_pk: rule('inbox_exists', 'conflict', 'this rider has an inbox already'),
  notification_inboxes_user_id_fk: foreignKeyRule(['user_not_found', 'the rider does not exist']),
  notification_inboxes_unread_count_ck: rule('negative_unread_count', 'invalid', 'an unread count cannot go below zero'),
  prune_notifications_staff_guard: rule('maintenance_staff_only', 'forbidden', 'only staff run maintenance'),
  ...policyRules(
    { rule: 'not_your_notification', kind: 'forbidden', message: 'a rider reads and marks only their own notifications' },
    'notifications_own_read_pol',
    'notifications_own_mark_pol',
    'notifications_readonly_pol',
    'notifications_owner_pol',
  ),
  ...policyRules(
    { rule: 'not_your_inbox', kind: 'forbidden', message: 'a rider reads only their own inbox' },
    'notification_inboxes_own_read_pol',
    'notification_inboxes_readonly_pol',
    'notification_inboxes_owner_pol',
  ),
};
