import { describe, expect } from 'vitest';
import { ROLES } from '@skatehubba/schema-kit';
import { databaseTest } from '@skatehubba/testing';
import * as schema from './schema';

// Integration, on every engine: the least-privilege design (migrations 0003-0005)
// read back from the catalog and held to the tables below. Catalog reads need
// no login, so this runs on PGlite too, where the roles exist but every session
// is a superuser: what a role *holds* is proven here on every engine; what it
// can *do* with it is proven by the behaviour tests (access.int.test.ts).
//
// Two readings of every grant: has_table_privilege() and friends answer "may
// this role do it", following role membership (a role that inherits another's
// grants gets them); aclexplode() on the raw ACLs answers "was it granted to
// this role itself". Both must give the same matrix, to these roles only.
const it = databaseTest(schema);

/** The roles of the matrix, in its column order; `PUBLIC` is every role. */
const MATRIX_ROLES = [ROLES.app, ROLES.authenticated, ROLES.anonymous, ROLES.readonly, ROLES.owner, 'PUBLIC'] as const;
type MatrixRole = (typeof MATRIX_ROLES)[number];

/**
 * Who may do what to each table and column. S SELECT, I INSERT, U UPDATE,
 * D DELETE, T TRUNCATE; empty: nothing.
 *
 * A table's own row is what is granted on the whole table: D and T exist only
 * there, and an S, I or U there also reaches every column added later (so a
 * table with a secret column grants per column instead). A column's row is
 * what reaches that column, table-wide or by a column grant.
 *
 * - skatehubba_app holds nothing itself and inherits nothing (NOINHERIT): the
 *   API's login can only act as authenticated or anonymous, per transaction.
 * - No role but the owner may write a server-owned column: `id` where the
 *   database makes it, `created_at`, `updated_at`, `archived_at`
 *   (archive_spot()), `progress`, `unlocked_at` (record_progress()). `users.id`
 *   is the rider's own verified id (users_sign_up_pol holds it to the claim).
 * - No role reads `users.email` (current_rider_email() gives a rider their own)
 *   or `sessions.token_hash` (session_by_token_hash() looks one up).
 * - audit_logs: support reads it, nobody writes it; the audit trigger does, as
 *   the owner. TRUNCATE: the owner only, everywhere.
 * - rider_metrics, notification_inboxes, the leaderboard tables: counters the
 *   owner's triggers keep; riders (and, for the leaderboards, everyone) read
 *   them, nobody writes them. notifications: a rider updates `read_at` only.
 */
const TABLE_MATRIX = `
| object                            | skatehubba_app | authenticated | anonymous | skatehubba_readonly | skatehubba_owner | PUBLIC |
| achievements                      |                | S             | S         | S                   | SIUDT            |        |
| achievements.id                   |                | S             | S         | S                   | SIU              |        |
| achievements.slug                 |                | S             | S         | S                   | SIU              |        |
| achievements.name                 |                | S             | S         | S                   | SIU              |        |
| achievements.description          |                | S             | S         | S                   | SIU              |        |
| achievements.tier                 |                | S             | S         | S                   | SIU              |        |
| achievements.goal                 |                | S             | S         | S                   | SIU              |        |
| achievements.icon_url             |                | S             | S         | S                   | SIU              |        |
| achievements.created_at           |                | S             | S         | S                   | SIU              |        |
| achievements.updated_at           |                | S             | S         | S                   | SIU              |        |
| achievements.metric               |                | S             | S         | S                   | SIU              |        |
| audit_logs                        |                |               |           | S                   | SIUDT            |        |
| audit_logs.id                     |                |               |           | S                   | SIU              |        |
| audit_logs.actor_id               |                |               |           | S                   | SIU              |        |
| audit_logs.action                 |                |               |           | S                   | SIU              |        |
| audit_logs.target_table           |                |               |           | S                   | SIU              |        |
| audit_logs.target_id              |                |               |           | S                   | SIU              |        |
| audit_logs.changes                |                |               |           | S                   | SIU              |        |
| audit_logs.transaction_id         |                |               |           | S                   | SIU              |        |
| audit_logs.created_at             |                |               |           | S                   | SIU              |        |
| audit_logs.subject_id             |                |               |           | S                   | SIU              |        |
| checkins                          |                | SD            | S         | S                   | SIUDT            |        |
| checkins.id                       |                | S             | S         | S                   | SIU              |        |
| checkins.user_id                  |                | SI            | S         | S                   | SIU              |        |
| checkins.spot_id                  |                | SI            | S         | S                   | SIU              |        |
| checkins.trick                    |                | SIU           | S         | S                   | SIU              |        |
| checkins.trick_status             |                | SIU           | S         | S                   | SIU              |        |
| checkins.stance                   |                | SIU           | S         | S                   | SIU              |        |
| checkins.note                     |                | SIU           | S         | S                   | SIU              |        |
| checkins.media_url                |                | SIU           | S         | S                   | SIU              |        |
| checkins.archived_at              |                | S             | S         | S                   | SIU              |        |
| checkins.created_at               |                | S             | S         | S                   | SIU              |        |
| checkins.updated_at               |                | S             | S         | S                   | SIU              |        |
| leaderboard_entries               |                | S             | S         | S                   | SIUDT            |        |
| leaderboard_entries.user_id       |                | S             | S         | S                   | SIU              |        |
| leaderboard_entries.landed        |                | S             | S         | S                   | SIU              |        |
| leaderboard_window                |                |               |           | S                   | SIUDT            |        |
| leaderboard_window.id             |                |               |           | S                   | SIU              |        |
| leaderboard_window.starts_at      |                |               |           | S                   | SIU              |        |
| notification_inboxes              |                | S             |           | S                   | SIUDT            |        |
| notification_inboxes.user_id      |                | S             |           | S                   | SIU              |        |
| notification_inboxes.unread_count |                | S             |           | S                   | SIU              |        |
| notifications                     |                | S             |           | S                   | SIUDT            |        |
| notifications.id                  |                | S             |           | S                   | SIU              |        |
| notifications.user_id             |                | S             |           | S                   | SIU              |        |
| notifications.kind                |                | S             |           | S                   | SIU              |        |
| notifications.achievement_id      |                | S             |           | S                   | SIU              |        |
| notifications.checkin_id          |                | S             |           | S                   | SIU              |        |
| notifications.created_at          |                | S             |           | S                   | SIU              |        |
| notifications.read_at             |                | SU            |           | S                   | SIU              |        |
| rider_erasures                    |                |               |           | S                   | SIUDT            |        |
| rider_erasures.id                 |                |               |           | S                   | SIU              |        |
| rider_erasures.rider_digest       |                |               |           | S                   | SIU              |        |
| rider_erasures.requested_by       |                |               |           | S                   | SIU              |        |
| rider_erasures.created_at         |                |               |           | S                   | SIU              |        |
| rider_erasures.transaction_id     |                |               |           | S                   | SIU              |        |
| rider_metrics                     |                | S             |           | S                   | SIUDT            |        |
| rider_metrics.user_id             |                | S             |           | S                   | SIU              |        |
| rider_metrics.metric              |                | S             |           | S                   | SIU              |        |
| rider_metrics.value               |                | S             |           | S                   | SIU              |        |
| saved_spots                       |                | SD            |           | S                   | SIUDT            |        |
| saved_spots.user_id               |                | SI            |           | S                   | SIU              |        |
| saved_spots.spot_id               |                | SI            |           | S                   | SIU              |        |
| saved_spots.created_at            |                | S             |           | S                   | SIU              |        |
| sessions                          |                |               |           |                     | SIUDT            |        |
| sessions.id                       |                | S             |           | S                   | SIU              |        |
| sessions.user_id                  |                | SI            |           | S                   | SIU              |        |
| sessions.token_hash               |                | I             |           |                     | SIU              |        |
| sessions.created_at               |                | S             |           | S                   | SIU              |        |
| sessions.expires_at               |                | SI            |           | S                   | SIU              |        |
| sessions.revoked_at               |                | SU            |           | S                   | SIU              |        |
| sessions.updated_at               |                | S             |           | S                   | SIU              |        |
| spot_leaderboard_entries          |                | S             | S         | S                   | SIUDT            |        |
| spot_leaderboard_entries.spot_id  |                | S             | S         | S                   | SIU              |        |
| spot_leaderboard_entries.user_id  |                | S             | S         | S                   | SIU              |        |
| spot_leaderboard_entries.landed   |                | S             | S         | S                   | SIU              |        |
| spots                             |                | S             | S         | S                   | SIUDT            |        |
| spots.id                          |                | S             | S         | S                   | SIU              |        |
| spots.name                        |                | SIU           | S         | S                   | SIU              |        |
| spots.description                 |                | SIU           | S         | S                   | SIU              |        |
| spots.latitude                    |                | SIU           | S         | S                   | SIU              |        |
| spots.longitude                   |                | SIU           | S         | S                   | SIU              |        |
| spots.photo_url                   |                | SIU           | S         | S                   | SIU              |        |
| spots.created_by                  |                | SI            | S         | S                   | SIU              |        |
| spots.archived_at                 |                | S             | S         | S                   | SIU              |        |
| spots.created_at                  |                | S             | S         | S                   | SIU              |        |
| spots.updated_at                  |                | S             | S         | S                   | SIU              |        |
| user_achievements                 |                | S             |           | S                   | SIUDT            |        |
| user_achievements.user_id         |                | S             |           | S                   | SIU              |        |
| user_achievements.achievement_id  |                | S             |           | S                   | SIU              |        |
| user_achievements.goal            |                | S             |           | S                   | SIU              |        |
| user_achievements.progress        |                | S             |           | S                   | SIU              |        |
| user_achievements.unlocked_at     |                | S             |           | S                   | SIU              |        |
| user_achievements.created_at      |                | S             |           | S                   | SIU              |        |
| user_achievements.updated_at      |                | S             |           | S                   | SIU              |        |
| users                             |                |               |           |                     | SIUDT            |        |
| users.id                          |                | SI            | S         | S                   | SIU              |        |
| users.handle                      |                | SIU           | S         | S                   | SIU              |        |
| users.email                       |                | IU            |           |                     | SIU              |        |
| users.display_name                |                | SIU           | S         | S                   | SIU              |        |
| users.stance                      |                | SIU           | S         | S                   | SIU              |        |
| users.avatar_url                  |                | SIU           | S         | S                   | SIU              |        |
| users.created_at                  |                | S             | S         | S                   | SIU              |        |
| users.updated_at                  |                | S             | S         | S                   | SIU              |        |
`;

/**
 * Who may call each function (X EXECUTE), and which run as their owner
 * (SECURITY DEFINER). Trigger functions: the owner only (a trigger runs its
 * function without an EXECUTE check). current_rider_id(): every role whose
 * policies call it. The definer flows: the riders they serve.
 */
const FUNCTION_MATRIX = `
| function                                                 | definer | skatehubba_app | authenticated | anonymous | skatehubba_readonly | skatehubba_owner | PUBLIC |
| achievements_unlock(achievement_unlock[])                | yes     |                |               |           |                     | X                |        |
| archive_spot(uuid)                                       | yes     |                | X             |           |                     | X                |        |
| audit_erased_columns()                                   |         |                |               |           |                     | X                |        |
| audit_logs_ensure_default_partition()                    | yes     |                |               |           |                     | X                |        |
| audit_logs_ensure_partition(timestamp without time zone) | yes     |                |               |           |                     | X                |        |
| audit_logs_refuse_change()                               | yes     |                |               |           |                     | X                |        |
| audit_partitions_ahead()                                 |         |                |               |           |                     | X                |        |
| audit_retention_months()                                 |         |                |               |           |                     | X                |        |
| audit_row_change()                                       | yes     |                |               |           |                     | X                |        |
| checkins_count_deleted()                                 | yes     |                |               |           |                     | X                |        |
| checkins_count_inserted()                                | yes     |                |               |           |                     | X                |        |
| checkins_count_updated()                                 | yes     |                |               |           |                     | X                |        |
| checkins_leaderboard_deleted()                           | yes     |                |               |           |                     | X                |        |
| checkins_leaderboard_inserted()                          | yes     |                |               |           |                     | X                |        |
| checkins_leaderboard_updated()                           | yes     |                |               |           |                     | X                |        |
| checkins_require_active_spot()                           | yes     |                |               |           |                     | X                |        |
| current_rider_email()                                    | yes     |                | X             |           |                     | X                |        |
| current_rider_id()                                       |         |                | X             | X         | X                   | X                |        |
| erase_rider(uuid)                                        | yes     |                | X             |           |                     | X                |        |
| export_rider(uuid)                                       | yes     |                | X             |           |                     | X                |        |
| leaderboard_days()                                       |         |                | X             | X         | X                   | X                |        |
| leaderboard_window_start(timestamp with time zone)       |         |                |               |           |                     | X                |        |
| leaderboards_apply(leaderboard_change[])                 | yes     |                |               |           |                     | X                |        |
| maintain_audit_logs()                                    | yes     |                |               |           |                     | X                |        |
| notification_read_retention_days()                       |         |                |               |           |                     | X                |        |
| notifications_count_changed()                            | yes     |                |               |           |                     | X                |        |
| notifications_count_inserted()                           | yes     |                |               |           |                     | X                |        |
| prune_notifications()                                    | yes     |                |               |           |                     | X                |        |
| prune_sessions()                                         | yes     |                |               |           |                     | X                |        |
| recompute_progress(uuid)                                 | yes     |                | X             |           |                     | X                |        |
| record_progress(uuid,uuid,integer)                       | yes     |                | X             |           |                     | X                |        |
| rider_digest(uuid)                                       |         |                |               |           |                     | X                |        |
| rider_metrics_apply(rider_metric_change[])               | yes     |                |               |           |                     | X                |        |
| roll_leaderboards(timestamp with time zone)              | yes     |                |               |           |                     | X                |        |
| session_by_token_hash(text)                              | yes     |                | X             | X         |                     | X                |        |
| session_is_staff()                                       |         |                |               |           |                     | X                |        |
| session_prune_grace_days()                               |         |                |               |           |                     | X                |        |
| set_updated_at()                                         |         |                |               |           |                     | X                |        |
| users_refuse_erased()                                    | yes     |                |               |           |                     | X                |        |
`;

/**
 * Which rows a role reaches, once a privilege lets it touch the table: every
 * policy, its command and its roles (all permissive). A role with a privilege
 * but no policy for the command sees and changes no row (RLS is forced, so
 * this binds the owner, that is the definer functions, too). What each policy's
 * expression admits is the behaviour tests' to prove.
 */
const POLICY_MATRIX = `
| table                    | policy                             | for    | to                                                           |
| achievements             | achievements_read_pol              | SELECT | anonymous authenticated skatehubba_owner skatehubba_readonly |
| audit_logs               | audit_logs_owner_append_pol        | INSERT | skatehubba_owner                                             |
| audit_logs               | audit_logs_owner_read_pol          | SELECT | skatehubba_owner                                             |
| audit_logs               | audit_logs_owner_redact_pol        | UPDATE | skatehubba_owner                                             |
| audit_logs               | audit_logs_readonly_pol            | SELECT | skatehubba_readonly                                          |
| checkins                 | checkins_check_in_own_pol          | INSERT | authenticated                                                |
| checkins                 | checkins_delete_own_pol            | DELETE | authenticated                                                |
| checkins                 | checkins_edit_own_pol              | UPDATE | authenticated                                                |
| checkins                 | checkins_owner_pol                 | ALL    | skatehubba_owner                                             |
| checkins                 | checkins_read_pol                  | SELECT | anonymous authenticated                                      |
| checkins                 | checkins_readonly_pol              | SELECT | skatehubba_readonly                                          |
| leaderboard_entries      | leaderboard_entries_owner_pol      | ALL    | skatehubba_owner                                             |
| leaderboard_entries      | leaderboard_entries_read_pol       | SELECT | anonymous authenticated skatehubba_readonly                  |
| leaderboard_window       | leaderboard_window_owner_pol       | ALL    | skatehubba_owner                                             |
| leaderboard_window       | leaderboard_window_readonly_pol    | SELECT | skatehubba_readonly                                          |
| notification_inboxes     | notification_inboxes_own_read_pol  | SELECT | authenticated                                                |
| notification_inboxes     | notification_inboxes_owner_pol     | ALL    | skatehubba_owner                                             |
| notification_inboxes     | notification_inboxes_readonly_pol  | SELECT | skatehubba_readonly                                          |
| notifications            | notifications_own_mark_pol         | UPDATE | authenticated                                                |
| notifications            | notifications_own_read_pol         | SELECT | authenticated                                                |
| notifications            | notifications_owner_pol            | ALL    | skatehubba_owner                                             |
| notifications            | notifications_readonly_pol         | SELECT | skatehubba_readonly                                          |
| rider_erasures           | rider_erasures_owner_pol           | ALL    | skatehubba_owner                                             |
| rider_erasures           | rider_erasures_readonly_pol        | SELECT | skatehubba_readonly                                          |
| rider_metrics            | rider_metrics_own_read_pol         | SELECT | authenticated                                                |
| rider_metrics            | rider_metrics_owner_pol            | ALL    | skatehubba_owner                                             |
| rider_metrics            | rider_metrics_readonly_pol         | SELECT | skatehubba_readonly                                          |
| saved_spots              | saved_spots_own_pol                | ALL    | authenticated                                                |
| saved_spots              | saved_spots_owner_read_pol         | SELECT | skatehubba_owner                                             |
| saved_spots              | saved_spots_readonly_pol           | SELECT | skatehubba_readonly                                          |
| sessions                 | sessions_own_read_pol              | SELECT | authenticated                                                |
| sessions                 | sessions_own_revoke_pol            | UPDATE | authenticated                                                |
| sessions                 | sessions_own_start_pol             | INSERT | authenticated                                                |
| sessions                 | sessions_owner_prune_pol           | DELETE | skatehubba_owner                                             |
| sessions                 | sessions_owner_read_pol            | SELECT | skatehubba_owner                                             |
| sessions                 | sessions_readonly_pol              | SELECT | skatehubba_readonly                                          |
| spot_leaderboard_entries | spot_leaderboard_entries_owner_pol | ALL    | skatehubba_owner                                             |
| spot_leaderboard_entries | spot_leaderboard_entries_read_pol  | SELECT | anonymous authenticated skatehubba_readonly                  |
| spots                    | spots_create_own_pol               | INSERT | authenticated                                                |
| spots                    | spots_edit_own_pol                 | UPDATE | authenticated                                                |
| spots                    | spots_owner_pol                    | ALL    | skatehubba_owner                                             |
| spots                    | spots_read_pol                     | SELECT | anonymous authenticated skatehubba_readonly                  |
| user_achievements        | user_achievements_own_read_pol     | SELECT | authenticated                                                |
| user_achievements        | user_achievements_owner_pol        | ALL    | skatehubba_owner                                             |
| user_achievements        | user_achievements_readonly_pol     | SELECT | skatehubba_readonly                                          |
| users                    | users_edit_own_pol                 | UPDATE | authenticated                                                |
| users                    | users_owner_erase_pol              | DELETE | skatehubba_owner                                             |
| users                    | users_owner_lock_pol               | UPDATE | skatehubba_owner                                             |
| users                    | users_owner_read_pol               | SELECT | skatehubba_owner                                             |
| users                    | users_read_pol                     | SELECT | anonymous authenticated skatehubba_readonly                  |
| users                    | users_sign_up_pol                  | INSERT | authenticated                                                |
`;

/**
 * Columns a policy filters rows on that lead no index, and why that is fine.
 * Everything else a policy filters on must be the first column of an index,
 * or the policy turns every rider's query into a scan.
 */
const UNINDEXED_POLICY_COLUMNS: Record<string, string> = {
  'checkins.archived_at':
    'checkins_read_pol and checkins_edit_own_pol test it on rows an index already found (by spot, rider or id); nearly every ' +
    'row is live (NULL), so an index leading with it would not narrow anything, and the live-only indexes are partial on it',
  'spots.archived_at':
    'spots_edit_own_pol tests it on the one spot an update names by id; spots_active_location_idx is partial on it for reads',
};

const TABLES = [
  'achievements',
  'audit_logs',
  'checkins',
  'leaderboard_entries',
  'leaderboard_window',
  'notification_inboxes',
  'notifications',
  'rider_erasures',
  'rider_metrics',
  'saved_spots',
  'sessions',
  'spot_leaderboard_entries',
  'spots',
  'user_achievements',
  'users',
];

type Row = Record<string, string>;

/** A markdown table as rows keyed by its header, cells trimmed. */
function parseTable(text: string): Row[] {
  const [header, ...lines] = text
    .trim()
    .split('\n')
    .map((line) =>
      line
        .trim()
        .replace(/^\||\|$/g, '')
        .split('|')
        .map((cell) => cell.trim()),
    );
  return lines.map((cells) => Object.fromEntries(header!.map((name, i) => [name, cells[i] ?? ''])));
}

/** Privilege letters in the matrix's order, from privilege names. */
const LETTERS: Record<string, string> = { SELECT: 'S', INSERT: 'I', UPDATE: 'U', DELETE: 'D', TRUNCATE: 'T' };
const letters = (privileges: Iterable<string>) => {
  const held = new Set(privileges);
  return Object.keys(LETTERS)
    .filter((p) => held.has(p))
    .map((p) => LETTERS[p])
    .join('');
};

/** The name has_*_privilege() takes for a matrix role. */
const sqlRole = (role: MatrixRole) => (role === 'PUBLIC' ? 'public' : role);
const ROLE_VALUES = MATRIX_ROLES.map((role, i) => `('${role}', '${sqlRole(role)}', ${i})`).join(', ');

/** Tables, then their columns in column order: the matrix's rows. */
const RELATIONS = `
  rels AS (SELECT oid, relname, relacl, relowner FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p')),
  objects AS (
    SELECT r.oid AS relid, r.relname, 0::int2 AS attnum, r.relname::text AS object FROM rels r
    UNION ALL
    SELECT r.oid, r.relname, a.attnum, r.relname || '.' || a.attname FROM rels r
      JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped)`;

describe('permission matrix', () => {
  it('lets each role do exactly what the matrix says to every table and column (has_*_privilege, with inheritance)', async ({ t }) => {
    const cells = await t.query<{ object: string; role: MatrixRole; privileges: string[] }>(`
      WITH roles(role, sql_role, ord) AS (VALUES ${ROLE_VALUES}), ${RELATIONS}
      SELECT o.object, roles.role, array_remove(ARRAY[
               CASE WHEN CASE WHEN o.attnum = 0 THEN has_table_privilege(sql_role, o.relid, 'SELECT')
                              ELSE has_column_privilege(sql_role, o.relid, o.attnum, 'SELECT') END THEN 'SELECT' END,
               CASE WHEN CASE WHEN o.attnum = 0 THEN has_table_privilege(sql_role, o.relid, 'INSERT')
                              ELSE has_column_privilege(sql_role, o.relid, o.attnum, 'INSERT') END THEN 'INSERT' END,
               CASE WHEN CASE WHEN o.attnum = 0 THEN has_table_privilege(sql_role, o.relid, 'UPDATE')
                              ELSE has_column_privilege(sql_role, o.relid, o.attnum, 'UPDATE') END THEN 'UPDATE' END,
               CASE WHEN o.attnum = 0 AND has_table_privilege(sql_role, o.relid, 'DELETE') THEN 'DELETE' END,
               CASE WHEN o.attnum = 0 AND has_table_privilege(sql_role, o.relid, 'TRUNCATE') THEN 'TRUNCATE' END
             ], NULL) AS privileges
        FROM objects o CROSS JOIN roles
       ORDER BY o.relname, o.attnum, roles.ord`);
    expect(grid(cells), 'privileges by role, table and column (see TABLE_MATRIX)').toEqual(parseTable(TABLE_MATRIX));
  });

  it('grants that matrix directly, to no other role, with no grant option (raw ACLs, aclexplode)', async ({ t }) => {
    // A table-wide grant reaches every column; DELETE and TRUNCATE are table-wide only.
    const grants = await t.query<{
      object: string;
      attnum: number;
      relname: string;
      grantee: string;
      privilege: string;
      grantable: boolean;
    }>(`
      WITH ${RELATIONS.trim()},
      acl AS (
        SELECT r.oid AS relid, 0::int2 AS attnum, a.* FROM rels r, aclexplode(coalesce(r.relacl, acldefault('r', r.relowner))) a
        UNION ALL
        SELECT att.attrelid, att.attnum, a.* FROM pg_attribute att JOIN rels r ON r.oid = att.attrelid, aclexplode(att.attacl) a
         WHERE att.attnum > 0 AND NOT att.attisdropped)
      SELECT o.object, o.attnum, o.relname,
             CASE WHEN acl.grantee = 0 THEN 'PUBLIC' ELSE acl.grantee::regrole::text END AS grantee,
             acl.privilege_type AS privilege, acl.is_grantable AS grantable
        FROM objects o JOIN acl ON acl.relid = o.relid
         AND (acl.attnum = o.attnum OR (acl.attnum = 0 AND acl.privilege_type IN ('SELECT', 'INSERT', 'UPDATE')))
       ORDER BY o.relname, o.attnum`);
    const byCell = new Map<string, string[]>();
    for (const g of grants) byCell.set(`${g.object}|${g.grantee}`, [...(byCell.get(`${g.object}|${g.grantee}`) ?? []), g.privilege]);
    const objects = [...new Set(grants.map((g) => g.object))];
    const direct = objects.map((object) =>
      Object.fromEntries([['object', object], ...MATRIX_ROLES.map((role) => [role, letters(byCell.get(`${object}|${role}`) ?? [])])]),
    );
    expect(direct, 'privileges granted to each role itself (see TABLE_MATRIX)').toEqual(parseTable(TABLE_MATRIX));

    const strangers = [
      ...new Set(grants.filter((g) => !(MATRIX_ROLES as readonly string[]).includes(g.grantee)).map((g) => `${g.relname}: ${g.grantee}`)),
    ];
    expect(strangers, 'table grants to a role outside the matrix').toEqual([]);
    // REFERENCES, TRIGGER (and MAINTAIN from Postgres 17): the owner's, never a client's.
    const extra = [
      ...new Set(
        grants
          .filter((g) => g.grantee !== ROLES.owner && !(g.privilege in LETTERS))
          .map((g) => `${g.relname}: ${g.privilege} to ${g.grantee}`),
      ),
    ];
    expect(extra, 'table privileges beyond SELECT/INSERT/UPDATE/DELETE/TRUNCATE for a role that is not the owner').toEqual([]);
    const grantable = [...new Set(grants.filter((g) => g.grantable).map((g) => `${g.object}: ${g.privilege} to ${g.grantee}`))];
    expect(grantable, 'grants WITH GRANT OPTION (the grantee could hand them on)').toEqual([]);
  });

  it('lets each role call exactly the functions the matrix says, and runs as the owner exactly the definer flows', async ({ t }) => {
    const effective = await t.query<Row>(`
      WITH roles(role, sql_role, ord) AS (VALUES ${ROLE_VALUES})
      SELECT p.oid::regprocedure::text AS function, CASE WHEN p.prosecdef THEN 'yes' ELSE '' END AS definer,
             jsonb_object_agg(roles.role, CASE WHEN has_function_privilege(sql_role, p.oid, 'EXECUTE') THEN 'X' ELSE '' END) AS cells
        FROM pg_proc p CROSS JOIN roles WHERE p.pronamespace = 'public'::regnamespace
       GROUP BY p.oid ORDER BY p.proname`);
    const rows = effective.map(({ function: fn, definer, cells }) => ({ function: fn, definer, ...(cells as unknown as Row) }));
    expect(rows, 'EXECUTE by role, with inheritance (see FUNCTION_MATRIX)').toEqual(parseTable(FUNCTION_MATRIX));

    // NULL proacl is the default, EXECUTE for PUBLIC: acldefault() spells it out.
    const raw = await t.query<{ function: string; grantee: string; grantable: boolean }>(`
      SELECT p.oid::regprocedure::text AS function, CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END AS grantee,
             a.is_grantable AS grantable
        FROM pg_proc p, aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
       WHERE p.pronamespace = 'public'::regnamespace AND a.privilege_type = 'EXECUTE'`);
    const direct = parseTable(FUNCTION_MATRIX).map((row) => ({
      ...row,
      ...Object.fromEntries(
        MATRIX_ROLES.map((role) => [role, raw.some((g) => g.function === row.function && g.grantee === role) ? 'X' : '']),
      ),
    }));
    expect(direct, 'EXECUTE granted to each role itself (see FUNCTION_MATRIX)').toEqual(parseTable(FUNCTION_MATRIX));
    expect(raw.filter((g) => !(MATRIX_ROLES as readonly string[]).includes(g.grantee) || g.grantable)).toEqual([]);
  });

  it('grants no role but the owner anything on a sequence', async ({ t }) => {
    // audit_logs_id_seq feeds only the audit trigger, which runs as the owner.
    const rows = await t.query<{ grant: string }>(`
      SELECT c.relname || ': ' || a.privilege_type || ' to ' || CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END AS grant
        FROM pg_class c, aclexplode(coalesce(c.relacl, acldefault('S', c.relowner))) a
       WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'S' AND a.grantee <> 'skatehubba_owner'::regrole`);
    expect(rows.map((r) => r.grant)).toEqual([]);
  });

  it('reaches rows only through the policies the matrix lists', async ({ t }) => {
    const rows = await t.query<{ table: string; policy: string; for: string; to: string; permissive: boolean }>(`
      SELECT c.relname AS table, p.polname AS policy,
             CASE p.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE' WHEN 'd' THEN 'DELETE' ELSE 'ALL' END AS for,
             (SELECT string_agg(n, ' ' ORDER BY n) FROM unnest(p.polroles) r, LATERAL (SELECT CASE WHEN r = 0 THEN 'PUBLIC' ELSE r::regrole::text END) x(n)) AS to,
             p.polpermissive AS permissive
        FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
       WHERE c.relnamespace = 'public'::regnamespace ORDER BY 1, 2`);
    expect(
      rows.filter((r) => !r.permissive).map((r) => r.policy),
      'restrictive policies (toDataRuleError names them)',
    ).toEqual([]);
    expect(rows.map(({ permissive: _, ...row }) => row)).toEqual(parseTable(POLICY_MATRIX));
  });
});

describe('audit partitions', () => {
  it('live in schema audit_partitions, which only the owner may use, owned by it and granted to no one', async ({ t }) => {
    // Every read and write goes through public.audit_logs and its policies; a
    // partition named directly would skip them (RLS is set on the parent only).
    const [schemaAcl] = await t.query<{ owner: string; users: string[] }>(`
      SELECT n.nspowner::regrole::text AS owner,
             coalesce((SELECT array_agg(DISTINCT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END)
                         FROM aclexplode(n.nspacl) a), ARRAY[]::text[]) AS users
        FROM pg_namespace n WHERE n.nspname = 'audit_partitions'`);
    expect(schemaAcl).toEqual({ owner: ROLES.owner, users: [ROLES.owner] });
    const partitions = await t.query<{ partition: string; owner: string; grants: number; in_schema: string }>(`
      SELECT c.relname AS partition, c.relowner::regrole::text AS owner, c.relnamespace::regnamespace::text AS in_schema,
             (SELECT count(*) FROM aclexplode(c.relacl) a WHERE a.grantee <> c.relowner)::int AS grants
        FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'public.audit_logs'::regclass ORDER BY 1`);
    // This month and three ahead at least, and the default.
    expect(partitions.length).toBeGreaterThanOrEqual(5);
    expect(partitions.map((p) => p.partition)).toContain('audit_logs_default');
    expect(partitions.filter((p) => p.owner !== ROLES.owner || p.grants > 0 || p.in_schema !== 'audit_partitions')).toEqual([]);
    for (const role of [ROLES.app, ROLES.authenticated, ROLES.anonymous, ROLES.readonly]) {
      const [usage] = await t.query<{ usage: boolean }>(`SELECT has_schema_privilege('${role}', 'audit_partitions', 'USAGE') AS usage`);
      expect(usage, role).toEqual({ usage: false });
    }
  });
});

describe('row-level security', () => {
  it('is enabled and forced on every table', async ({ t }) => {
    // Forced: without it the owner, and so every definer function, would skip the policies.
    const rows = await t.query<{ table: string; enabled: boolean; forced: boolean }>(`
      SELECT relname AS table, relrowsecurity AS enabled, relforcerowsecurity AS forced
        FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p') ORDER BY 1`);
    expect(rows.map((r) => r.table)).toEqual(TABLES);
    expect(rows.filter((r) => !r.enabled || !r.forced)).toEqual([]);
  });

  it('calls current_rider_id() in a policy only as (select current_rider_id()), once per query', async ({ t }) => {
    // A bare call runs once per row; a sub-select is an InitPlan, run once.
    const rows = await t.query<{ policy: string; expression: string }>(`
      SELECT polname AS policy, e.expression FROM pg_policy p,
             LATERAL (VALUES (pg_get_expr(p.polqual, p.polrelid)), (pg_get_expr(p.polwithcheck, p.polrelid))) e(expression)
       WHERE e.expression IS NOT NULL ORDER BY 1`);
    const wrapped = '( SELECT current_rider_id() AS current_rider_id)';
    const riderPolicies = rows.filter((r) => r.expression.includes('current_rider_id()'));
    expect(new Set(riderPolicies.map((r) => r.policy)).size).toBeGreaterThanOrEqual(10);
    const bare = rows.filter((r) => r.expression.replaceAll(wrapped, '').includes('current_rider_id('));
    expect(bare, 'policies calling current_rider_id() bare: write `${currentRider}` (schema-kit)').toEqual([]);
  });

  it('filters only on columns that lead an index, bar the listed exceptions', async ({ t }) => {
    // pg_depend records every column a policy's expressions read. INSERT policies
    // only check the new row, so they filter nothing.
    const rows = await t.query<{ column: string; policies: string[]; leads_index: boolean }>(`
      SELECT c.relname || '.' || a.attname AS column, array_agg(DISTINCT p.polname ORDER BY p.polname) AS policies,
             EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indkey[0] = a.attnum) AS leads_index
        FROM pg_policy p
        JOIN pg_class c ON c.oid = p.polrelid
        JOIN pg_depend d ON d.classid = 'pg_policy'::regclass AND d.objid = p.oid
         AND d.refclassid = 'pg_class'::regclass AND d.refobjid = c.oid AND d.refobjsubid > 0
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.refobjsubid
       WHERE p.polcmd <> 'a'
       GROUP BY c.oid, c.relname, a.attnum, a.attname ORDER BY 1`);
    expect(rows.map((r) => r.column)).toEqual(expect.arrayContaining(['checkins.user_id', 'sessions.user_id', 'users.id']));
    const unindexed = rows.filter((r) => !r.leads_index && !(r.column in UNINDEXED_POLICY_COLUMNS));
    expect(
      unindexed.map((r) => `${r.column} (${r.policies.join(', ')})`),
      'columns policies filter on with no index leading with them: add one, or say why not in UNINDEXED_POLICY_COLUMNS',
    ).toEqual([]);
    const stale = Object.keys(UNINDEXED_POLICY_COLUMNS).filter((column) => !rows.some((r) => r.column === column && !r.leads_index));
    expect(stale, 'UNINDEXED_POLICY_COLUMNS entries no longer needed').toEqual([]);
  });
});

describe('ownership', () => {
  it('gives every object in schema public to skatehubba_owner', async ({ t }) => {
    const rows = await t.query<{ object: string; owner: string }>(`
      SELECT CASE c.relkind WHEN 'r' THEN 'TABLE' WHEN 'p' THEN 'TABLE' WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'
                            WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'i' THEN 'INDEX' WHEN 'I' THEN 'INDEX' ELSE 'relation' END
             || ' ' || c.oid::regclass::text AS object, c.relowner::regrole::text AS owner
        FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace
      UNION ALL
      SELECT CASE p.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE' ELSE 'FUNCTION' END || ' ' || p.oid::regprocedure::text,
             p.proowner::regrole::text
        FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
      UNION ALL
      SELECT 'TYPE ' || ty.oid::regtype::text, ty.typowner::regrole::text
        FROM pg_type ty WHERE ty.typnamespace = 'public'::regnamespace
      ORDER BY 1`);
    expect(rows.length).toBeGreaterThan(40);
    const strays = rows.filter((r) => r.owner !== ROLES.owner).map((r) => `${r.object} (owned by ${r.owner})`);
    expect(
      strays,
      'objects not owned by skatehubba_owner. A migration that creates one must hand it over in a custom migration ' +
        '(`npm run db:custom -- --name=...`): `ALTER TABLE|SEQUENCE|FUNCTION|TYPE <name> OWNER TO skatehubba_owner;` ' +
        '(an index follows its table). Left with the migrating login, the object keeps rights no policy binds: on Neon that ' +
        'login is a member of neon_superuser, which bypasses row-level security',
    ).toEqual([]);
  });

  it('lets skatehubba_app own nothing, in this database or the cluster', async ({ t }) => {
    // pg_shdepend records the owner of every object of every kind: this
    // database's (schemas, tables, functions, types, ...) and shared ones (databases).
    const rows = await t.query<{ object: string }>(`
      SELECT pg_describe_object(classid, objid, objsubid) AS object FROM pg_shdepend
       WHERE deptype = 'o' AND refclassid = 'pg_authid'::regclass AND refobjid = 'skatehubba_app'::regrole
         AND dbid IN (0, (SELECT oid FROM pg_database WHERE datname = current_database()))`);
    expect(rows.map((r) => r.object)).toEqual([]);
  });
});

describe('skatehubba_app', () => {
  it('is NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT, and the owner logs in nowhere', async ({ t }) => {
    // LOGIN is a deployment's choice (the server test run gives app and readonly one), not checked.
    const rows = await t.query<Row>(`
      SELECT rolname AS role,
             concat_ws(' ', CASE WHEN rolsuper THEN 'SUPERUSER' END, CASE WHEN rolbypassrls THEN 'BYPASSRLS' END,
                            CASE WHEN rolcreatedb THEN 'CREATEDB' END, CASE WHEN rolcreaterole THEN 'CREATEROLE' END,
                            CASE WHEN rolreplication THEN 'REPLICATION' END, CASE WHEN NOT rolinherit THEN 'NOINHERIT' END,
                            CASE WHEN rolcanlogin AND rolname = 'skatehubba_owner' THEN 'LOGIN' END) AS attributes
        FROM pg_roles WHERE rolname IN ('skatehubba_app', 'authenticated', 'anonymous', 'skatehubba_readonly', 'skatehubba_owner')
       ORDER BY 1`);
    expect(rows).toEqual([
      { role: 'anonymous', attributes: '' },
      { role: 'authenticated', attributes: '' },
      { role: 'skatehubba_app', attributes: 'NOINHERIT' },
      { role: 'skatehubba_owner', attributes: '' },
      { role: 'skatehubba_readonly', attributes: '' },
    ]);
  });

  it('is a member of authenticated and anonymous only, and holds neither role’s privileges until it SETs ROLE', async ({ t }) => {
    // MEMBER: may SET ROLE to it. USAGE: holds its privileges without SET ROLE
    // (the role's NOINHERIT, and from Postgres 16 each grant's INHERIT option).
    const rows = await t.query<{ member: string; role: string; usage: boolean }>(`
      WITH matrix(name) AS (VALUES ('skatehubba_app'), ('authenticated'), ('anonymous'), ('skatehubba_readonly'), ('skatehubba_owner'))
      SELECT m.name AS member, r.name AS role, pg_has_role(m.name, r.name, 'USAGE') AS usage
        FROM matrix m, matrix r
       WHERE m.name <> r.name AND pg_has_role(m.name, r.name, 'MEMBER') ORDER BY 1, 2`);
    expect(rows, 'memberships among the matrix roles (the owner: none may become it)').toEqual([
      { member: 'skatehubba_app', role: 'anonymous', usage: false },
      { member: 'skatehubba_app', role: 'authenticated', usage: false },
    ]);
  });

  // Its only role default is the one migration 0006 sets. The login may change its own defaults (any role
  // may), which no grant prevents: a default found here that the migrations did not set is a finding.
  it('starts every session as anonymous, searching pg_temp last, and has no other role default', async ({ t }) => {
    const rows = await t.query<{ database: string; config: string[] }>(`
      SELECT coalesce(d.datname, '(all)') AS database, s.setconfig AS config FROM pg_db_role_setting s
        LEFT JOIN pg_database d ON d.oid = s.setdatabase
       WHERE s.setrole = 'skatehubba_app'::regrole`);
    expect(rows).toEqual([{ database: '(all)', config: ['role=anonymous', 'search_path=public, pg_temp'] }]);
  });

  it('can create nothing: no CREATE on schema public or on the database, for it or any role it becomes', async ({ t }) => {
    // TEMPORARY on the database is Postgres's default for PUBLIC and is left: a
    // temporary object lives in the session's own pg_temp schema, which every
    // definer function searches last.
    const rows = await t.query<{ role: string; schema_create: boolean; database_create: boolean }>(`
      SELECT r AS role, has_schema_privilege(r, 'public', 'CREATE') AS schema_create,
             has_database_privilege(r, current_database(), 'CREATE') AS database_create
        FROM unnest(ARRAY['skatehubba_app', 'authenticated', 'anonymous', 'skatehubba_readonly', 'public']) r`);
    expect(rows.filter((r) => r.schema_create || r.database_create)).toEqual([]);
    expect(rows).toHaveLength(5);
  });
});

describe('definer functions', () => {
  it('pin search_path with pg_temp last and grant no EXECUTE to PUBLIC', async ({ t }) => {
    // A definer function runs with its owner's rights: a caller who could put
    // their own schema (or a temporary table) first in its search_path could
    // make it read or call their objects instead.
    const rows = await t.query<{ function: string; search_path: string | null; public_execute: boolean }>(`
      SELECT p.oid::regprocedure::text AS function,
             (SELECT substr(c, length('search_path=') + 1) FROM unnest(p.proconfig) c WHERE c LIKE 'search\\_path=%') AS search_path,
             EXISTS (SELECT 1 FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                      WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE') AS public_execute
        FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace AND p.prosecdef ORDER BY 1`);
    expect(rows.length).toBeGreaterThanOrEqual(6);
    const unpinned = rows.filter((r) => r.search_path === null || r.search_path.split(',').at(-1)!.trim() !== 'pg_temp');
    expect(
      unpinned.map((r) => `${r.function}: ${r.search_path ?? 'not set'}`),
      'definer functions without `SET search_path = pg_catalog, public, pg_temp`',
    ).toEqual([]);
    expect(
      rows.filter((r) => r.public_execute).map((r) => r.function),
      'definer functions PUBLIC may call: REVOKE EXECUTE ... FROM PUBLIC, then GRANT to the roles it serves',
    ).toEqual([]);
  });
});

/** Catalog cells (one row per object and role) as the matrix's rows. */
function grid(cells: { object: string; role: MatrixRole; privileges: string[] }[]): Row[] {
  const rows = new Map<string, Row>();
  for (const { object, role, privileges } of cells) {
    const row = rows.get(object) ?? { object };
    row[role] = letters(privileges);
    rows.set(object, row);
  }
  return [...rows.values()];
}
