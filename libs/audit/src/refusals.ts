import { policyRules, rule, type RuleTable } from '@skatehubba/schema-kit';

/** What each audit constraint means to a client (see DataRuleError). */
export const AUDIT_REFUSALS: RuleTable = {
  audit_logs_pk: rule('audit_id_taken', 'conflict', 'audit ids are generated; never set one'),
  audit_logs_action_ck: rule('invalid_audit_action', 'invalid', 'audit action must be insert, update or delete'),
  audit_logs_append_only_trg: rule('audit_append_only', 'in_use', 'the audit trail is append-only; record a correction as a new change'),
  maintain_audit_logs_staff_guard: rule(
    'maintenance_staff_only',
    'forbidden',
    'only staff (a login that is a member of skatehubba_owner, with no rider set) may run audit maintenance',
  ),
  ...policyRules(
    { rule: 'audit_database_only', kind: 'forbidden', message: 'the audit trail is written only by the database, as the owner' },
    'audit_logs_readonly_pol',
    'audit_logs_owner_append_pol',
    'audit_logs_owner_read_pol',
    'audit_logs_owner_redact_pol',
  ),
};
