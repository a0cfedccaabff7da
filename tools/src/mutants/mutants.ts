import {
  dropConstraint,
  dropIndex,
  dropPolicy,
  dropTrigger,
  redefineConstraint,
  redefineIndex,
  redefineTrigger,
  repinSearchPath,
  rewriteFunction,
  widenPolicy,
} from './sql';

/**
 * The mutation gate's list (`npm run test:mutants`): each mutant breaks one
 * rule of the migrated schema, and the test files that own the rule must
 * fail. `covers` names the catalog objects (constraints, indexes, triggers,
 * policies) the mutant breaks; `mutants.test.ts` fails when the migrated
 * catalog holds an object no mutant covers, so a new rule needs a mutant (and
 * a test that kills it) before it can land.
 */
export interface Mutant {
  /** Unique; `npm run test:mutants -- --only <name>` runs this one. */
  name: string;
  /** Catalog objects this mutant breaks (for the coverage check). */
  covers: string[];
  /** Applied after the migrations, statements as in a migration. */
  sql: string[];
  /** The test files that own the rule, tried in order until one fails. */
  owners: Owner[];
}

export interface Owner {
  /** Test file, from the workspace root. */
  file: string;
  /** Engine to run it on: PGlite unless the rule needs a server (locks, races, plans). */
  engine?: 'pglite' | 'postgres';
}

const own = (...files: string[]): Owner[] => files.map((file) => ({ file }));
const onServer = (file: string): Owner => ({ file, engine: 'postgres' });

const IDENTITY = 'libs/identity/src/identity.int.test.ts';
const IDENTITY_PROPERTY = 'libs/identity/src/identity.property.int.test.ts';
const SPOTS = 'libs/spots/src/spots.int.test.ts';
const SPOTS_PROPERTY = 'libs/spots/src/spots.property.int.test.ts';
const ARCHIVE_RACE = 'libs/spots/src/archive-race.int.test.ts';
const GAMIFICATION = 'libs/gamification/src/gamification.int.test.ts';
const GAMIFICATION_PROPERTY = 'libs/gamification/src/gamification.property.int.test.ts';
const AUDIT = 'libs/audit/src/audit.int.test.ts';
const AUDIT_STATEMENTS = 'libs/audit/src/audit-statements.int.test.ts';
const CATALOG = 'libs/db/src/catalog.int.test.ts';
const INDEX_DEFINITIONS = 'libs/db/src/index-definitions.int.test.ts';
const ERASURE = 'libs/db/src/erasure.int.test.ts';
const UPDATED_AT = 'libs/db/src/updated-at.int.test.ts';
const PLANS = 'apps/seed/src/plans.int.test.ts';
const ACCESS = 'libs/db/src/access.int.test.ts';
const ATTACKS = 'libs/db/src/attacks.int.test.ts';
const PERMISSIONS = 'libs/db/src/permissions.int.test.ts';
const REFUSALS = 'libs/db/src/refusals.int.test.ts';
const CONCURRENCY = 'libs/db/src/concurrency.int.test.ts';

/** A CHECK dropped: the table's behaviour tests, then its zod-vs-database property test. */
const checkDropped = (table: string, name: string, ...owners: string[]): Mutant => ({
  name: `${name} dropped`,
  covers: [name],
  sql: [dropConstraint(table, name)],
  owners: own(...owners),
});

/** A primary key dropped (with the foreign keys that reference it). */
const pkDropped = (table: string, ...owners: string[]): Mutant => ({
  name: `${table}_pk dropped`,
  covers: [`${table}_pk`],
  sql: [dropConstraint(table, `${table}_pk`, true)],
  owners: own(...owners),
});

const indexDropped = (name: string, ...owners: string[]): Mutant => ({
  name: `${name} dropped`,
  covers: [name],
  sql: [dropIndex(name)],
  owners: own(...owners),
});

const triggerDropped = (table: string, name: string, ...owners: string[]): Mutant => ({
  name: `${name} dropped`,
  covers: [name],
  sql: [dropTrigger(table, name)],
  owners: own(...owners),
});

/** Statement triggers with transition tables come one per event (audit 0014, rider_metrics 0011): each dropped on its own. */
const STATEMENT_EVENTS = ['insert', 'update', 'delete'] as const;
const auditTriggersDropped = (table: string): Mutant[] =>
  STATEMENT_EVENTS.map((event) => triggerDropped(table, `${table}_audit_${event}_trg`, AUDIT));

const deleteRule = (table: string, name: string, from: string, to: string, ...owners: string[]): Mutant => ({
  name: `${name} ${from.toLowerCase()} -> ${to.toLowerCase()}`,
  covers: [name],
  sql: [redefineConstraint(table, name, from, to)],
  owners: own(...owners),
});

/**
 * A policy dropped: the role loses the rows it reached (a reader sees none, a
 * write is refused, a definer flow running as the owner finds nothing). The
 * behaviour tests as that role, then `extra` (a lib's flow that depends on
 * it), then the permission matrix, which lists every policy.
 */
const policyDropped = (table: string, name: string, ...extra: string[]): Mutant => ({
  name: `${name} dropped`,
  covers: [name],
  sql: [dropPolicy(table, name)],
  owners: own(ACCESS, ATTACKS, ...extra, PERMISSIONS),
});

/**
 * A policy's expression made `true`: the role reaches every row, its own and
 * every other rider's. Only a test that tries another rider's row as the app
 * role kills it; the catalog cannot (the matrix holds who a policy is for,
 * not what it admits).
 */
const policyWidened = (table: string, name: string, clause: 'USING' | 'WITH CHECK', ...extra: string[]): Mutant => ({
  name: `${name} ${clause} true`,
  covers: [name],
  sql: [widenPolicy(table, name, clause)],
  owners: own(ACCESS, ATTACKS, ...extra),
});

/** A catalog property of the design with no behaviour of its own to show: the permission matrix owns it. */
const catalogRule = (name: string, sql: string): Mutant => ({ name, covers: [], sql: [sql], owners: own(PERMISSIONS) });

/** A grant or revocation that changes what a role may do: the behaviour tests first, then the matrix. */
const privilegeChange = (name: string, sql: string, ...extra: string[]): Mutant => ({
  name,
  covers: [],
  sql: [sql],
  owners: own(ACCESS, ATTACKS, ...extra, PERMISSIONS),
});

const RLS_TABLES = [
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
const DEFINER_FUNCTIONS = [
  'achievements_unlock(achievement_unlock[])',
  'archive_spot(uuid)',
  'audit_logs_ensure_default_partition()',
  'audit_logs_ensure_partition(timestamp without time zone)',
  'audit_logs_refuse_change()',
  'audit_row_change()',
  'checkins_count_deleted()',
  'checkins_count_inserted()',
  'checkins_count_updated()',
  'checkins_leaderboard_deleted()',
  'checkins_leaderboard_inserted()',
  'checkins_leaderboard_updated()',
  'checkins_require_active_spot()',
  'current_rider_email()',
  'erase_rider(uuid)',
  'export_rider(uuid)',
  'leaderboards_apply(leaderboard_change[])',
  'maintain_audit_logs()',
  'notifications_count_changed()',
  'notifications_count_inserted()',
  'prune_notifications()',
  'prune_sessions()',
  'recompute_progress(uuid)',
  'record_progress(uuid, uuid, integer)',
  'rider_metrics_apply(rider_metric_change[])',
  'roll_leaderboards(timestamp with time zone)',
  'session_by_token_hash(text)',
  'users_refuse_erased()',
];

export const MUTANTS: Mutant[] = [
  // users
  pkDropped('users', CATALOG),
  checkDropped('users', 'users_handle_ck', IDENTITY, IDENTITY_PROPERTY),
  checkDropped('users', 'users_email_ck', IDENTITY, IDENTITY_PROPERTY),
  checkDropped('users', 'users_display_name_ck', IDENTITY, IDENTITY_PROPERTY),
  checkDropped('users', 'users_avatar_url_ck', IDENTITY, IDENTITY_PROPERTY),
  indexDropped('users_handle_uq', IDENTITY),
  indexDropped('users_email_uq', IDENTITY),
  {
    name: 'users_email_uq on email, not lower(email)',
    covers: ['users_email_uq'],
    sql: [redefineIndex('users_email_uq', 'lower(email)', 'email')],
    owners: own(IDENTITY),
  },
  triggerDropped('users', 'users_updated_at_trg', IDENTITY),
  ...auditTriggersDropped('users'),

  // sessions
  pkDropped('sessions', CATALOG),
  checkDropped('sessions', 'sessions_token_hash_ck', IDENTITY, IDENTITY_PROPERTY),
  checkDropped('sessions', 'sessions_expiry_ck', IDENTITY, IDENTITY_PROPERTY),
  checkDropped('sessions', 'sessions_revoked_at_ck', IDENTITY, IDENTITY_PROPERTY),
  {
    name: 'sessions_expiry_ck allows 365 days',
    covers: ['sessions_expiry_ck'],
    sql: [redefineConstraint('sessions', 'sessions_expiry_ck', "'90 days'", "'365 days'")],
    owners: own(IDENTITY, IDENTITY_PROPERTY),
  },
  {
    name: 'sessions_user_id_fk dropped',
    covers: ['sessions_user_id_fk'],
    sql: [dropConstraint('sessions', 'sessions_user_id_fk')],
    owners: own(IDENTITY),
  },
  deleteRule('sessions', 'sessions_user_id_fk', 'ON DELETE CASCADE', 'ON DELETE NO ACTION', ERASURE),
  indexDropped('sessions_token_hash_uq', IDENTITY),
  indexDropped('sessions_user_id_idx', CATALOG),
  triggerDropped('sessions', 'sessions_updated_at_trg', UPDATED_AT),
  ...auditTriggersDropped('sessions'),

  // spots
  pkDropped('spots', CATALOG),
  checkDropped('spots', 'spots_name_ck', SPOTS, SPOTS_PROPERTY),
  checkDropped('spots', 'spots_description_ck', SPOTS, SPOTS_PROPERTY),
  checkDropped('spots', 'spots_latitude_ck', SPOTS, SPOTS_PROPERTY),
  checkDropped('spots', 'spots_longitude_ck', SPOTS, SPOTS_PROPERTY),
  checkDropped('spots', 'spots_archived_at_ck', SPOTS, SPOTS_PROPERTY),
  checkDropped('spots', 'spots_photo_url_ck', SPOTS, SPOTS_PROPERTY),
  {
    name: 'spots_latitude_ck bounds exclusive',
    covers: ['spots_latitude_ck'],
    sql: [redefineConstraint('spots', 'spots_latitude_ck', 'latitude >= ', 'latitude > ')],
    owners: own(SPOTS, SPOTS_PROPERTY),
  },
  deleteRule('spots', 'spots_created_by_fk', 'ON DELETE SET NULL', 'ON DELETE CASCADE', SPOTS),
  indexDropped('spots_created_by_idx', CATALOG),
  indexDropped('spots_active_location_idx', CATALOG),
  {
    name: 'spots_active_location_idx without its partial predicate',
    covers: ['spots_active_location_idx'],
    sql: [redefineIndex('spots_active_location_idx', ' WHERE (archived_at IS NULL)', '')],
    owners: own(INDEX_DEFINITIONS),
  },
  triggerDropped('spots', 'spots_updated_at_trg', SPOTS),
  ...auditTriggersDropped('spots'),

  // saved_spots
  pkDropped('saved_spots', SPOTS),
  deleteRule('saved_spots', 'saved_spots_user_id_fk', 'ON DELETE CASCADE', 'ON DELETE NO ACTION', SPOTS),
  deleteRule('saved_spots', 'saved_spots_spot_id_fk', 'ON DELETE CASCADE', 'ON DELETE NO ACTION', SPOTS),
  indexDropped('saved_spots_spot_id_idx', CATALOG),
  ...auditTriggersDropped('saved_spots'),

  // checkins
  pkDropped('checkins', CATALOG),
  checkDropped('checkins', 'checkins_trick_ck', SPOTS, SPOTS_PROPERTY),
  checkDropped('checkins', 'checkins_note_ck', SPOTS, SPOTS_PROPERTY),
  checkDropped('checkins', 'checkins_archived_at_ck', SPOTS, SPOTS_PROPERTY),
  checkDropped('checkins', 'checkins_media_url_ck', SPOTS, SPOTS_PROPERTY),
  {
    name: 'checkins_user_id_fk dropped',
    covers: ['checkins_user_id_fk'],
    sql: [dropConstraint('checkins', 'checkins_user_id_fk')],
    owners: own(SPOTS),
  },
  deleteRule('checkins', 'checkins_user_id_fk', 'ON DELETE CASCADE', 'ON DELETE NO ACTION', SPOTS),
  deleteRule('checkins', 'checkins_spot_id_fk', 'ON DELETE RESTRICT', 'ON DELETE CASCADE', SPOTS),
  indexDropped('checkins_user_spot_window_uq', SPOTS),
  {
    name: 'checkins_user_spot_window_uq without its partial predicate',
    covers: ['checkins_user_spot_window_uq'],
    sql: [redefineIndex('checkins_user_spot_window_uq', ' WHERE (archived_at IS NULL)', '')],
    owners: own(SPOTS),
  },
  {
    name: 'checkins_user_spot_window_uq with a 1-hour bucket',
    covers: ['checkins_user_spot_window_uq'],
    sql: [redefineIndex('checkins_user_spot_window_uq', "'00:10:00'::interval", "'01:00:00'::interval")],
    owners: own(SPOTS),
  },
  indexDropped('checkins_user_id_created_at_idx', CATALOG),
  {
    name: 'checkins_user_id_created_at_idx without the id DESC tiebreak',
    covers: ['checkins_user_id_created_at_idx'],
    sql: [redefineIndex('checkins_user_id_created_at_idx', ', id DESC NULLS LAST', '')],
    owners: own(INDEX_DEFINITIONS),
  },
  indexDropped('checkins_spot_id_created_at_idx', CATALOG),
  {
    name: 'checkins_spot_id_created_at_idx without the id DESC tiebreak',
    covers: ['checkins_spot_id_created_at_idx'],
    sql: [redefineIndex('checkins_spot_id_created_at_idx', ', id DESC NULLS LAST', '')],
    owners: own(INDEX_DEFINITIONS),
  },
  {
    name: 'checkins_spot_id_created_at_idx without the id DESC tiebreak (plan)',
    covers: ['checkins_spot_id_created_at_idx'],
    sql: [redefineIndex('checkins_spot_id_created_at_idx', ', id DESC NULLS LAST', '')],
    owners: [onServer(PLANS)],
  },
  indexDropped('checkins_landed_created_at_idx', CATALOG),
  {
    name: 'checkins_landed_created_at_idx without its partial predicate',
    covers: ['checkins_landed_created_at_idx'],
    sql: [
      redefineIndex('checkins_landed_created_at_idx', " WHERE ((trick_status = 'landed'::trick_status) AND (archived_at IS NULL))", ''),
    ],
    owners: own(INDEX_DEFINITIONS),
  },
  triggerDropped('checkins', 'checkins_updated_at_trg', SPOTS),
  ...auditTriggersDropped('checkins'),
  triggerDropped('checkins', 'checkins_spot_active_trg', SPOTS),
  {
    name: 'checkins_require_active_spot() without FOR SHARE',
    covers: ['checkins_spot_active_trg'],
    sql: [rewriteFunction('checkins_require_active_spot', ' FOR SHARE;', ';')],
    owners: [onServer(ARCHIVE_RACE)],
  },
  {
    name: 'checkins_spot_active_trg on INSERT only',
    covers: ['checkins_spot_active_trg'],
    sql: [redefineTrigger('checkins', 'checkins_spot_active_trg', 'BEFORE INSERT OR UPDATE OF spot_id, archived_at', 'BEFORE INSERT')],
    owners: own(SPOTS),
  },

  // achievements
  pkDropped('achievements', CATALOG),
  {
    name: 'achievements_id_goal_uq dropped',
    covers: ['achievements_id_goal_uq'],
    sql: [dropConstraint('achievements', 'achievements_id_goal_uq', true)],
    owners: own(GAMIFICATION),
  },
  checkDropped('achievements', 'achievements_slug_ck', GAMIFICATION, GAMIFICATION_PROPERTY),
  checkDropped('achievements', 'achievements_name_ck', GAMIFICATION, GAMIFICATION_PROPERTY),
  checkDropped('achievements', 'achievements_description_ck', GAMIFICATION, GAMIFICATION_PROPERTY),
  checkDropped('achievements', 'achievements_goal_ck', GAMIFICATION, GAMIFICATION_PROPERTY),
  checkDropped('achievements', 'achievements_icon_url_ck', GAMIFICATION, GAMIFICATION_PROPERTY),
  indexDropped('achievements_slug_uq', GAMIFICATION),
  triggerDropped('achievements', 'achievements_updated_at_trg', UPDATED_AT),
  ...auditTriggersDropped('achievements'),

  // user_achievements
  pkDropped('user_achievements', GAMIFICATION),
  checkDropped('user_achievements', 'user_achievements_progress_ck', GAMIFICATION, GAMIFICATION_PROPERTY),
  checkDropped('user_achievements', 'user_achievements_unlock_ck', GAMIFICATION, GAMIFICATION_PROPERTY),
  checkDropped('user_achievements', 'user_achievements_unlocked_at_ck', GAMIFICATION, GAMIFICATION_PROPERTY),
  deleteRule('user_achievements', 'user_achievements_user_id_fk', 'ON DELETE CASCADE', 'ON DELETE NO ACTION', GAMIFICATION),
  deleteRule('user_achievements', 'user_achievements_achievement_fk', 'ON DELETE RESTRICT', 'ON DELETE CASCADE', GAMIFICATION),
  {
    name: 'user_achievements_achievement_fk without ON UPDATE CASCADE',
    covers: ['user_achievements_achievement_fk'],
    sql: [redefineConstraint('user_achievements', 'user_achievements_achievement_fk', 'ON UPDATE CASCADE ', '')],
    owners: own(GAMIFICATION),
  },
  indexDropped('user_achievements_achievement_idx', CATALOG),
  triggerDropped('user_achievements', 'user_achievements_updated_at_trg', UPDATED_AT),
  ...auditTriggersDropped('user_achievements'),

  // audit_logs
  pkDropped('audit_logs', CATALOG),
  checkDropped('audit_logs', 'audit_logs_action_ck', AUDIT),
  indexDropped('audit_logs_target_idx', CATALOG),
  indexDropped('audit_logs_actor_id_idx', CATALOG),
  indexDropped('audit_logs_subject_id_idx', CATALOG),
  // rider_erasures (the tombstones; behaviour in the erasure block below)
  pkDropped('rider_erasures', CATALOG),
  indexDropped('rider_erasures_transaction_id_idx', CATALOG),
  triggerDropped('audit_logs', 'audit_logs_append_only_trg', AUDIT),
  // TRUNCATE audit_logs truncates every partition and fires each partition's own
  // trigger, so dropping the parent's alone changes nothing (an equivalent
  // mutant): the rule is broken only when no table of the trail has one.
  {
    name: 'audit_logs_no_truncate_trg dropped on the parent and every partition',
    covers: ['audit_logs_no_truncate_trg'],
    sql: [
      dropTrigger('audit_logs', 'audit_logs_no_truncate_trg'),
      `DO $mutant$
DECLARE p regclass;
BEGIN
  FOR p IN SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = 'public.audit_logs'::regclass LOOP
    EXECUTE format('DROP TRIGGER audit_logs_no_truncate_trg ON %s', p);
  END LOOP;
END
$mutant$`,
    ],
    owners: own(AUDIT),
  },

  // trigger functions
  {
    name: 'set_updated_at() moves updated_at on a no-op update',
    covers: [],
    sql: [rewriteFunction('set_updated_at', 'NEW.updated_at := OLD.updated_at;', 'NEW.updated_at := now();')],
    owners: own(IDENTITY),
  },
  {
    name: 'audit_row_change() without redaction',
    covers: [],
    sql: [
      rewriteFunction(
        'audit_row_change',
        "redacted_columns text[] := string_to_array(coalesce(TG_ARGV[1], ''), ',');",
        'redacted_columns text[] := ARRAY[]::text[];',
      ),
    ],
    owners: own(AUDIT),
  },
  {
    name: 'audit_row_change() summarises every column of an update',
    covers: [],
    sql: [rewriteFunction('audit_row_change', 'WHERE c.value IS DISTINCT FROM p.old_j -> c.key', 'WHERE true')],
    owners: own(AUDIT),
  },
  {
    name: 'audit_row_change() without the actor',
    covers: [],
    sql: [rewriteFunction('audit_row_change', "nullif(current_setting('skatehubba.actor_id', true), '')::uuid", 'NULL::uuid')],
    owners: own(AUDIT),
  },

  {
    name: 'audit_row_change() without the subject',
    covers: [],
    sql: [rewriteFunction('audit_row_change', "subject_column text := nullif(TG_ARGV[2], '');", 'subject_column text := NULL;')],
    owners: own(AUDIT),
  },
  ...STATEMENT_EVENTS.map((event): Mutant => ({
    name: `checkins_audit_${event}_trg keeps the note`,
    covers: [],
    sql: [
      redefineTrigger(
        'checkins',
        `checkins_audit_${event}_trg`,
        "audit_row_change('id', 'note', 'user_id')",
        "audit_row_change('id', '', 'user_id')",
      ),
    ],
    owners: own(AUDIT),
  })),
  {
    name: 'audit_row_change() pairs the old and new rows of an update out of step',
    covers: [],
    sql: [
      rewriteFunction(
        'audit_row_change',
        'ARRAY(SELECT to_jsonb(r) FROM old_rows r)',
        "ARRAY(SELECT to_jsonb(r) FROM old_rows r ORDER BY to_jsonb(r) ->> 'id' DESC)",
      ),
    ],
    owners: own(AUDIT_STATEMENTS),
  },

  // row-level security: every policy dropped, and every rider-scoped one widened
  policyDropped('achievements', 'achievements_read_pol', GAMIFICATION),
  policyDropped('audit_logs', 'audit_logs_owner_append_pol', AUDIT),
  policyDropped('audit_logs', 'audit_logs_readonly_pol'),
  policyDropped('checkins', 'checkins_read_pol'),
  policyWidened('checkins', 'checkins_read_pol', 'USING'),
  policyDropped('checkins', 'checkins_readonly_pol'),
  policyDropped('checkins', 'checkins_check_in_own_pol', REFUSALS),
  policyWidened('checkins', 'checkins_check_in_own_pol', 'WITH CHECK', REFUSALS),
  policyDropped('checkins', 'checkins_edit_own_pol'),
  // Its WITH CHECK (user_id = rider) cannot be widened observably: no role may UPDATE user_id.
  policyWidened('checkins', 'checkins_edit_own_pol', 'USING'),
  policyDropped('checkins', 'checkins_delete_own_pol'),
  policyWidened('checkins', 'checkins_delete_own_pol', 'USING'),
  policyDropped('checkins', 'checkins_owner_pol', SPOTS),
  policyDropped('saved_spots', 'saved_spots_own_pol'),
  policyWidened('saved_spots', 'saved_spots_own_pol', 'USING'),
  policyWidened('saved_spots', 'saved_spots_own_pol', 'WITH CHECK'),
  policyDropped('saved_spots', 'saved_spots_readonly_pol'),
  policyDropped('sessions', 'sessions_own_read_pol'),
  policyWidened('sessions', 'sessions_own_read_pol', 'USING'),
  policyDropped('sessions', 'sessions_own_start_pol'),
  policyWidened('sessions', 'sessions_own_start_pol', 'WITH CHECK'),
  policyDropped('sessions', 'sessions_own_revoke_pol'),
  policyWidened('sessions', 'sessions_own_revoke_pol', 'USING'),
  policyDropped('sessions', 'sessions_readonly_pol'),
  policyDropped('sessions', 'sessions_owner_read_pol', IDENTITY),
  policyDropped('spots', 'spots_read_pol'),
  policyDropped('spots', 'spots_create_own_pol'),
  policyWidened('spots', 'spots_create_own_pol', 'WITH CHECK'),
  policyDropped('spots', 'spots_edit_own_pol'),
  policyWidened('spots', 'spots_edit_own_pol', 'USING'),
  policyDropped('spots', 'spots_owner_pol', SPOTS),
  policyDropped('user_achievements', 'user_achievements_own_read_pol'),
  policyWidened('user_achievements', 'user_achievements_own_read_pol', 'USING'),
  policyDropped('user_achievements', 'user_achievements_readonly_pol'),
  policyDropped('user_achievements', 'user_achievements_owner_pol', GAMIFICATION),
  policyDropped('users', 'users_read_pol'),
  policyDropped('users', 'users_sign_up_pol'),
  policyWidened('users', 'users_sign_up_pol', 'WITH CHECK'),
  policyDropped('users', 'users_edit_own_pol'),
  policyWidened('users', 'users_edit_own_pol', 'USING'),
  policyDropped('users', 'users_owner_read_pol', IDENTITY),
  // Without it the count triggers' lock finds no row (RLS filters, silently)
  // and a rider's raced check-ins count a spot again.
  {
    name: 'users_owner_lock_pol dropped',
    covers: ['users_owner_lock_pol'],
    sql: [dropPolicy('users', 'users_owner_lock_pol')],
    owners: [{ file: IDENTITY }, onServer(CONCURRENCY), { file: PERMISSIONS }],
  },
  policyWidened('users', 'users_owner_lock_pol', 'WITH CHECK', IDENTITY),
  ...RLS_TABLES.map((table) =>
    privilegeChange(`${table} row-level security disabled`, `ALTER TABLE "${table}" DISABLE ROW LEVEL SECURITY`),
  ),
  // FORCE binds the owner, that is the definer functions, whose own guards
  // decide what they do: nothing a caller sees changes without it.
  ...RLS_TABLES.map((table) => catalogRule(`${table} row-level security not forced`, `ALTER TABLE "${table}" NO FORCE ROW LEVEL SECURITY`)),

  // privileges: the attack list's columns and tables, each granted to a role that must not have it
  privilegeChange('checkins.created_at insertable by authenticated', 'GRANT INSERT (created_at) ON checkins TO authenticated', REFUSALS),
  privilegeChange('checkins.created_at updatable by authenticated', 'GRANT UPDATE (created_at) ON checkins TO authenticated'),
  privilegeChange('checkins.updated_at updatable by authenticated', 'GRANT UPDATE (updated_at) ON checkins TO authenticated'),
  privilegeChange('checkins.user_id updatable by authenticated', 'GRANT UPDATE (user_id) ON checkins TO authenticated'),
  privilegeChange('spots.archived_at updatable by authenticated', 'GRANT UPDATE (archived_at) ON spots TO authenticated'),
  privilegeChange('user_achievements writable by authenticated', 'GRANT INSERT, UPDATE ON user_achievements TO authenticated'),
  privilegeChange('users.email readable by anonymous and authenticated', 'GRANT SELECT (email) ON users TO anonymous, authenticated'),
  privilegeChange('sessions.token_hash readable by skatehubba_readonly', 'GRANT SELECT (token_hash) ON sessions TO skatehubba_readonly'),
  privilegeChange('sessions deletable by authenticated', 'GRANT DELETE ON sessions TO authenticated'),
  privilegeChange('audit_logs writable by authenticated', 'GRANT INSERT, UPDATE, DELETE ON audit_logs TO authenticated'),
  privilegeChange('checkins truncatable by authenticated', 'GRANT TRUNCATE ON checkins TO authenticated', REFUSALS),
  privilegeChange('CREATE on schema public for authenticated', 'GRANT CREATE ON SCHEMA public TO authenticated'),
  // Roles belong to the cluster: these two run on PGlite only, never on a shared server.
  privilegeChange('skatehubba_app a member of skatehubba_owner', 'GRANT skatehubba_owner TO skatehubba_app'),
  catalogRule('skatehubba_app INHERIT', 'ALTER ROLE skatehubba_app INHERIT'),
  // The server shows the shadowing (attacks.int.test.ts); a role setting is the cluster's, so the gate holds the catalog.
  catalogRule('skatehubba_app searches pg_temp first', 'ALTER ROLE skatehubba_app RESET search_path'),

  // definer functions
  {
    name: 'archive_spot() without the creator guard',
    covers: [],
    sql: [rewriteFunction('archive_spot', '(rider IS NOT NULL AND spot.created_by IS DISTINCT FROM rider)', 'false')],
    owners: own(ACCESS, ATTACKS, REFUSALS),
  },
  {
    name: 'record_progress() without the rider guard',
    covers: [],
    sql: [rewriteFunction('record_progress', '(rider IS NOT NULL AND p_user_id IS DISTINCT FROM rider)', 'false')],
    owners: own(ACCESS, ATTACKS, REFUSALS),
  },
  {
    // On PGlite every session is the superuser, a member of the owner: staff. Only a real login shows it.
    name: 'session_is_staff() true for every login',
    covers: [],
    sql: [rewriteFunction('session_is_staff', "pg_has_role(session_user, 'skatehubba_owner', 'MEMBER')", 'true')],
    owners: [onServer(ACCESS), onServer(ATTACKS), onServer(REFUSALS)],
  },
  ...DEFINER_FUNCTIONS.map((fn) => catalogRule(`${fn.replace(/\(.*/, '()')} search_path unpinned`, repinSearchPath(fn, null))),
  catalogRule('archive_spot() searches pg_temp first', repinSearchPath('archive_spot(uuid)', 'pg_temp, pg_catalog, public')),
  privilegeChange('archive_spot() executable by PUBLIC', 'GRANT EXECUTE ON FUNCTION archive_spot(uuid) TO PUBLIC'),
  privilegeChange('record_progress() executable by PUBLIC', 'GRANT EXECUTE ON FUNCTION record_progress(uuid, uuid, integer) TO PUBLIC'),
  privilegeChange('current_rider_email() executable by PUBLIC', 'GRANT EXECUTE ON FUNCTION current_rider_email() TO PUBLIC'),
  privilegeChange('session_by_token_hash() executable by PUBLIC', 'GRANT EXECUTE ON FUNCTION session_by_token_hash(text) TO PUBLIC'),
  catalogRule('audit_row_change() executable by PUBLIC', 'GRANT EXECUTE ON FUNCTION audit_row_change() TO PUBLIC'),
];

// retention
// Audit partitions, their maintenance and session pruning (migration 0008):
// each rule of maintain_audit_logs() and prune_sessions() broken once, with
// the test that owns it. The privilege and guard mutants need a real login to
// show (on PGlite every session is staff), so those owners run on the server.
const RETENTION = 'libs/audit/src/retention.int.test.ts';
const PRUNING = 'libs/identity/src/maintenance.int.test.ts';
const MAINTAIN_GUARD = 'public.current_rider_id() IS NOT NULL OR NOT public.session_is_staff()';

MUTANTS.push(
  {
    name: 'retention: sessions_ended_at_idx dropped',
    covers: ['sessions_ended_at_idx'],
    sql: [dropIndex('sessions_ended_at_idx')],
    owners: [onServer(PLANS)],
  },
  {
    name: 'retention: sessions_ended_at_idx on expires_at alone',
    covers: ['sessions_ended_at_idx'],
    sql: [redefineIndex('sessions_ended_at_idx', 'LEAST(expires_at, revoked_at)', 'expires_at')],
    owners: [onServer(PLANS)],
  },
  {
    name: 'retention: sessions_owner_prune_pol dropped',
    covers: ['sessions_owner_prune_pol'],
    sql: [dropPolicy('sessions', 'sessions_owner_prune_pol')],
    owners: own(PRUNING, PERMISSIONS),
  },
  {
    name: 'retention: prune_sessions() ignores revoked_at',
    covers: [],
    sql: [rewriteFunction('prune_sessions', 'least(s.expires_at, s.revoked_at)', 's.expires_at')],
    owners: own(PRUNING),
  },
  {
    name: 'retention: prune_sessions() without its grace period',
    covers: [],
    sql: [rewriteFunction('prune_sessions', 'now() - make_interval(days => public.session_prune_grace_days())', 'now()')],
    owners: own(PRUNING),
  },
  {
    name: 'retention: prune_sessions() without the staff guard',
    covers: [],
    sql: [rewriteFunction('prune_sessions', MAINTAIN_GUARD, 'false')],
    owners: [onServer(PRUNING)],
  },
  {
    name: 'retention: prune_sessions() executable by PUBLIC',
    covers: [],
    sql: ['GRANT EXECUTE ON FUNCTION prune_sessions() TO PUBLIC'],
    owners: own(PRUNING, PERMISSIONS),
  },
  {
    name: 'retention: maintain_audit_logs() without the staff guard',
    covers: [],
    sql: [rewriteFunction('maintain_audit_logs', MAINTAIN_GUARD, 'false')],
    owners: [onServer(RETENTION)],
  },
  {
    name: 'retention: maintain_audit_logs() executable by PUBLIC',
    covers: [],
    sql: ['GRANT EXECUTE ON FUNCTION maintain_audit_logs() TO PUBLIC'],
    owners: own(RETENTION, PERMISSIONS),
  },
  {
    name: 'retention: maintain_audit_logs() retires a month early',
    covers: [],
    sql: [rewriteFunction('maintain_audit_logs', '> horizon;', "> horizon + interval '1 month';")],
    owners: own(RETENTION),
  },
  {
    name: 'retention: maintain_audit_logs() keeps a month too long',
    covers: [],
    sql: [rewriteFunction('maintain_audit_logs', '> horizon;', "> horizon - interval '1 month';")],
    owners: own(RETENTION),
  },
  {
    name: 'retention: maintain_audit_logs() loses the rows it moves out of the default partition',
    covers: [],
    sql: [
      rewriteFunction(
        'maintain_audit_logs',
        'FROM audit_partitions.audit_logs_default_moving d;',
        'FROM audit_partitions.audit_logs_default_moving d WHERE false;',
      ),
    ],
    owners: own(RETENTION),
  },
  {
    name: 'retention: maintain_audit_logs() without its advisory lock',
    covers: [],
    sql: [rewriteFunction('maintain_audit_logs', "PERFORM pg_advisory_xact_lock(hashtext('skatehubba.maintain_audit_logs'));", '')],
    owners: [onServer(RETENTION)],
  },
  {
    name: 'retention: new month partitions without audit_logs_no_truncate_trg',
    covers: [],
    sql: [
      rewriteFunction(
        'audit_logs_ensure_partition',
        "'CREATE TRIGGER audit_logs_no_truncate_trg BEFORE TRUNCATE ON audit_partitions.%I FOR EACH STATEMENT EXECUTE FUNCTION public.audit_logs_refuse_change()'",
        "'SELECT %L'",
      ),
    ],
    owners: own(RETENTION),
  },
  {
    name: 'retention: a new default partition without audit_logs_no_truncate_trg',
    covers: [],
    sql: [
      rewriteFunction(
        'audit_logs_ensure_default_partition',
        'CREATE TRIGGER audit_logs_no_truncate_trg BEFORE TRUNCATE ON audit_partitions.audit_logs_default\n      FOR EACH STATEMENT EXECUTE FUNCTION public.audit_logs_refuse_change();',
        'NULL;',
      ),
    ],
    owners: own(RETENTION),
  },
);

// erasure
// Erasure, export and the tombstone (issue 12). Owned by libs/db/src/erasure.int.test.ts;
// a separate block so the lead can fold it into the lists above (RLS_TABLES, DEFINER_FUNCTIONS).
const erasureOwned = (name: string, covers: string[], sql: string, ...owners: Owner[]): Mutant => ({
  name,
  covers,
  sql: [sql],
  owners: owners.length ? owners : own(ERASURE),
});

MUTANTS.push(
  erasureOwned('users_not_erased_trg dropped', ['users_not_erased_trg'], dropTrigger('users', 'users_not_erased_trg')),
  erasureOwned('users_owner_erase_pol dropped', ['users_owner_erase_pol'], dropPolicy('users', 'users_owner_erase_pol')),
  erasureOwned('audit_logs_owner_read_pol dropped', ['audit_logs_owner_read_pol'], dropPolicy('audit_logs', 'audit_logs_owner_read_pol')),
  erasureOwned(
    'audit_logs_owner_redact_pol dropped',
    ['audit_logs_owner_redact_pol'],
    dropPolicy('audit_logs', 'audit_logs_owner_redact_pol'),
  ),
  erasureOwned(
    'saved_spots_owner_read_pol dropped',
    ['saved_spots_owner_read_pol'],
    dropPolicy('saved_spots', 'saved_spots_owner_read_pol'),
  ),
  erasureOwned('rider_erasures_owner_pol dropped', ['rider_erasures_owner_pol'], dropPolicy('rider_erasures', 'rider_erasures_owner_pol')),
  erasureOwned(
    'erase_rider() without the rider guard',
    [],
    rewriteFunction('erase_rider', '(rider IS NOT NULL AND p_user_id IS DISTINCT FROM rider)', 'false'),
  ),
  erasureOwned(
    'export_rider() without the rider guard',
    [],
    rewriteFunction('export_rider', '(rider IS NOT NULL AND p_user_id IS DISTINCT FROM rider)', 'false'),
  ),
  // Staff without a rider is a member of the owner; on PGlite every session is. Only a real login shows it.
  erasureOwned(
    'erase_rider() takes the app without a rider for staff',
    [],
    rewriteFunction('erase_rider', '(rider IS NULL AND NOT public.session_is_staff())', 'false'),
    onServer(ERASURE),
  ),
  erasureOwned(
    'erase_rider() leaves personal values in the trail',
    [],
    rewriteFunction(
      'erase_rider',
      `CASE WHEN a.action = 'update' THEN '["[erased]","[erased]"]'::jsonb ELSE '"[erased]"'::jsonb END`,
      'c.value',
    ),
  ),
  // replace(x, id, id): the rider id stays in `changes` (spots.created_by, saved_spots.user_id, ...).
  erasureOwned(
    'erase_rider() leaves the rider id in changes',
    [],
    rewriteFunction('erase_rider', 'pseudonym::text)::jsonb', 'p_user_id::text)::jsonb'),
  ),
  erasureOwned(
    'erase_rider() leaves the rider id in target_id',
    [],
    rewriteFunction('erase_rider', 'target_id = replace(a.target_id, p_user_id::text, pseudonym::text)', 'target_id = a.target_id'),
  ),
  erasureOwned(
    'erase_rider() leaves the rider as actor_id',
    [],
    rewriteFunction('erase_rider', 'WHEN a.actor_id = p_user_id THEN pseudonym', 'WHEN false THEN pseudonym'),
  ),
  erasureOwned('export_rider() exports token hashes', [], rewriteFunction('export_rider', "to_jsonb(s) - 'token_hash'", 'to_jsonb(s)')),
  erasureOwned(
    'audit_logs_append_only_trg lets any column change in an erasure',
    ['audit_logs_append_only_trg'],
    rewriteFunction('audit_logs_refuse_change', 'AND NEW.action = OLD.action AND NEW.target_table = OLD.target_table', ''),
  ),
  erasureOwned(
    'audit_logs_append_only_trg lets an UPDATE through without a tombstone',
    ['audit_logs_append_only_trg'],
    rewriteFunction(
      'audit_logs_refuse_change',
      'AND EXISTS (SELECT 1 FROM public.rider_erasures e WHERE e.transaction_id = txid_current())',
      '',
    ),
  ),
  erasureOwned(
    'export_rider() leaves out staff’s rows about the rider',
    [],
    rewriteFunction('export_rider', 'WHERE l.actor_id = p_user_id OR l.subject_id = p_user_id', 'WHERE l.actor_id = p_user_id'),
  ),
  // Statement triggers are not cloned to partitions: each partition has its own (audit_logs_ensure_partition()).
  erasureOwned(
    'audit_logs_no_truncate_trg dropped on every partition, kept on the parent',
    ['audit_logs_no_truncate_trg'],
    `DO $mutant$
DECLARE p regclass;
BEGIN
  FOR p IN SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = 'public.audit_logs'::regclass LOOP
    EXECUTE format('DROP TRIGGER audit_logs_no_truncate_trg ON %s', p);
  END LOOP;
END
$mutant$`,
  ),
  erasureOwned('rider_erasures_rider_digest_uq dropped', ['rider_erasures_rider_digest_uq'], dropIndex('rider_erasures_rider_digest_uq')),
  erasureOwned(
    'rider_erasures_rider_digest_ck dropped',
    ['rider_erasures_rider_digest_ck'],
    dropConstraint('rider_erasures', 'rider_erasures_rider_digest_ck'),
  ),
  erasureOwned(
    'rider_erasures_requested_by_ck dropped',
    ['rider_erasures_requested_by_ck'],
    dropConstraint('rider_erasures', 'rider_erasures_requested_by_ck'),
  ),
  erasureOwned(
    'rider_erasures_readonly_pol dropped',
    ['rider_erasures_readonly_pol'],
    dropPolicy('rider_erasures', 'rider_erasures_readonly_pol'),
    onServer(ERASURE),
  ),
  erasureOwned('erase_rider() executable by PUBLIC', [], 'GRANT EXECUTE ON FUNCTION erase_rider(uuid) TO PUBLIC'),
  erasureOwned('export_rider() executable by PUBLIC', [], 'GRANT EXECUTE ON FUNCTION export_rider(uuid) TO PUBLIC'),
);

// leaderboards
// The counts the leaderboards read (migrations 0012, 0013). Owned by
// libs/spots/src/leaderboards.int.test.ts: its property test compares the
// fast path with the count over the check-ins after random writes.
const LEADERBOARDS = 'libs/spots/src/leaderboards.int.test.ts';
/** A policy the owner's triggers and functions need: without it they find and write nothing. */
const policyDroppedOwnedBy = (table: string, name: string, ...owners: string[]): Mutant => ({
  name: `${name} dropped`,
  covers: [name],
  sql: [dropPolicy(table, name)],
  owners: own(...owners),
});
MUTANTS.push(
  pkDropped('leaderboard_window', LEADERBOARDS),
  checkDropped('leaderboard_window', 'leaderboard_window_single_ck', LEADERBOARDS),
  policyDroppedOwnedBy('leaderboard_window', 'leaderboard_window_owner_pol', LEADERBOARDS),
  // Support's read of the window: only a real login shows a missing policy.
  {
    name: 'leaderboard_window_readonly_pol dropped',
    covers: ['leaderboard_window_readonly_pol'],
    sql: [dropPolicy('leaderboard_window', 'leaderboard_window_readonly_pol')],
    owners: own(PERMISSIONS),
  },
  pkDropped('leaderboard_entries', LEADERBOARDS),
  checkDropped('leaderboard_entries', 'leaderboard_entries_landed_ck', LEADERBOARDS),
  indexDropped('leaderboard_entries_landed_idx', INDEX_DEFINITIONS),
  deleteRule('leaderboard_entries', 'leaderboard_entries_user_id_fk', 'ON DELETE CASCADE', 'ON DELETE NO ACTION', LEADERBOARDS),
  {
    name: 'leaderboard_entries_read_pol dropped',
    covers: ['leaderboard_entries_read_pol'],
    sql: [dropPolicy('leaderboard_entries', 'leaderboard_entries_read_pol')],
    owners: [onServer(LEADERBOARDS)],
  },
  policyDroppedOwnedBy('leaderboard_entries', 'leaderboard_entries_owner_pol', LEADERBOARDS),
  pkDropped('spot_leaderboard_entries', LEADERBOARDS),
  checkDropped('spot_leaderboard_entries', 'spot_leaderboard_entries_landed_ck', LEADERBOARDS),
  indexDropped('spot_leaderboard_entries_spot_landed_idx', INDEX_DEFINITIONS),
  indexDropped('spot_leaderboard_entries_user_id_idx', INDEX_DEFINITIONS),
  deleteRule('spot_leaderboard_entries', 'spot_leaderboard_entries_spot_id_fk', 'ON DELETE CASCADE', 'ON DELETE NO ACTION', LEADERBOARDS),
  deleteRule('spot_leaderboard_entries', 'spot_leaderboard_entries_user_id_fk', 'ON DELETE CASCADE', 'ON DELETE NO ACTION', LEADERBOARDS),
  {
    name: 'spot_leaderboard_entries_read_pol dropped',
    covers: ['spot_leaderboard_entries_read_pol'],
    sql: [dropPolicy('spot_leaderboard_entries', 'spot_leaderboard_entries_read_pol')],
    owners: [onServer(LEADERBOARDS)],
  },
  policyDroppedOwnedBy('spot_leaderboard_entries', 'spot_leaderboard_entries_owner_pol', LEADERBOARDS),
  triggerDropped('checkins', 'checkins_leaderboard_insert_trg', LEADERBOARDS),
  triggerDropped('checkins', 'checkins_leaderboard_update_trg', LEADERBOARDS),
  triggerDropped('checkins', 'checkins_leaderboard_delete_trg', LEADERBOARDS),
  {
    name: 'leaderboards_apply() loses decrements',
    covers: [],
    sql: [rewriteFunction('leaderboards_apply', 'SET landed = e.landed + c.delta', 'SET landed = e.landed + greatest(c.delta, 0)')],
    owners: own(LEADERBOARDS),
  },
  {
    name: "checkins_leaderboard_inserted() leaves the riders' board behind",
    covers: [],
    sql: [rewriteFunction('checkins_leaderboard_inserted', 'IF FOUND THEN', 'IF false THEN')],
    owners: own(LEADERBOARDS),
  },
  {
    name: 'checkins_leaderboard_inserted() ignores the window',
    covers: [],
    sql: [rewriteFunction('checkins_leaderboard_inserted', 'AND n.created_at >= window_start', '')],
    owners: own(LEADERBOARDS),
  },
  {
    name: 'roll_leaderboards() keeps the days it leaves',
    covers: [],
    sql: [rewriteFunction('roll_leaderboards', 'CASE WHEN new_start > old_start THEN -1 ELSE 1 END', '0')],
    owners: own(LEADERBOARDS),
  },
  {
    name: 'leaderboard_window_start() a day off',
    covers: [],
    sql: [rewriteFunction('leaderboard_window_start', 'public.leaderboard_days() - 1', 'public.leaderboard_days()')],
    owners: own(LEADERBOARDS),
  },
  {
    name: 'roll_leaderboards() without the staff guard',
    covers: [],
    sql: [rewriteFunction('roll_leaderboards', 'public.current_rider_id() IS NOT NULL OR NOT public.session_is_staff()', 'false')],
    owners: own(LEADERBOARDS),
  },
  {
    name: 'roll_leaderboards() executable by PUBLIC',
    covers: [],
    sql: ['GRANT EXECUTE ON FUNCTION roll_leaderboards(timestamptz) TO PUBLIC'],
    owners: own(LEADERBOARDS),
  },
);

// progress and notifications
// Counted achievements, the rider's counters and inbox (migrations 0010, 0011).
// Owned by libs/notifications/src/notifications.int.test.ts (unlocks,
// listing, marks, the unread counter, pruning, the policies as another rider)
// and libs/gamification/src/flows/progress-flows.int.test.ts (recordProgress,
// the counters against a direct count, recomputeProgress, achievementsOf).
// Every notice, counter and inbox row is written by a definer function or
// trigger as the owner: a rule broken there breaks every unlock.
const NOTIFICATIONS = 'libs/notifications/src/notifications.int.test.ts';
const PROGRESS_FLOWS = 'libs/gamification/src/flows/progress-flows.int.test.ts';
/** A rider policy made `true`: the tests that try another rider's rows as the app role. */
const widenedOwnedBy = (table: string, name: string, clause: 'USING' | 'WITH CHECK', ...owners: string[]): Mutant => ({
  name: `${name} ${clause} true`,
  covers: [name],
  sql: [widenPolicy(table, name, clause)],
  owners: own(...owners),
});
/** A grant a role must not hold: the behaviour test that tries it, then the matrix. */
const grantedOwnedBy = (name: string, sql: string, ...owners: string[]): Mutant => ({
  name,
  covers: [],
  sql: [sql],
  owners: own(...owners, PERMISSIONS),
});

MUTANTS.push(
  // notifications
  pkDropped('notifications', NOTIFICATIONS),
  checkDropped('notifications', 'notifications_payload_ck', NOTIFICATIONS),
  checkDropped('notifications', 'notifications_read_at_ck', NOTIFICATIONS),
  indexDropped('notifications_user_achievement_uq', NOTIFICATIONS),
  indexDropped('notifications_user_id_created_at_idx', NOTIFICATIONS, INDEX_DEFINITIONS),
  {
    name: 'notifications_user_id_created_at_idx without the id DESC tiebreak',
    covers: ['notifications_user_id_created_at_idx'],
    sql: [redefineIndex('notifications_user_id_created_at_idx', ', id DESC NULLS LAST', '')],
    owners: own(INDEX_DEFINITIONS),
  },
  indexDropped('notifications_achievement_id_idx', NOTIFICATIONS, INDEX_DEFINITIONS),
  indexDropped('notifications_checkin_id_idx', NOTIFICATIONS, INDEX_DEFINITIONS),
  indexDropped('notifications_read_at_idx', NOTIFICATIONS, INDEX_DEFINITIONS),
  deleteRule('notifications', 'notifications_user_id_fk', 'ON DELETE CASCADE', 'ON DELETE NO ACTION', NOTIFICATIONS),
  deleteRule('notifications', 'notifications_achievement_id_fk', 'ON DELETE CASCADE', 'ON DELETE NO ACTION', NOTIFICATIONS),
  deleteRule('notifications', 'notifications_checkin_id_fk', 'ON DELETE SET NULL', 'ON DELETE CASCADE', NOTIFICATIONS),
  deleteRule('notifications', 'notifications_checkin_id_fk', 'ON DELETE SET NULL', 'ON DELETE NO ACTION', NOTIFICATIONS),
  policyDroppedOwnedBy('notifications', 'notifications_own_read_pol', NOTIFICATIONS),
  widenedOwnedBy('notifications', 'notifications_own_read_pol', 'USING', NOTIFICATIONS),
  policyDroppedOwnedBy('notifications', 'notifications_own_mark_pol', NOTIFICATIONS),
  // Its WITH CHECK (user_id = rider) cannot be widened observably: read_at is the one column a rider may update.
  widenedOwnedBy('notifications', 'notifications_own_mark_pol', 'USING', NOTIFICATIONS),
  // Support's read: the matrix lists it (a behaviour test needs the readonly login).
  policyDroppedOwnedBy('notifications', 'notifications_readonly_pol', PERMISSIONS),
  policyDroppedOwnedBy('notifications', 'notifications_owner_pol', NOTIFICATIONS),
  triggerDropped('notifications', 'notifications_inbox_insert_trg', NOTIFICATIONS),
  triggerDropped('notifications', 'notifications_inbox_update_trg', NOTIFICATIONS),
  triggerDropped('notifications', 'notifications_inbox_delete_trg', NOTIFICATIONS),

  // notification_inboxes
  pkDropped('notification_inboxes', NOTIFICATIONS),
  checkDropped('notification_inboxes', 'notification_inboxes_unread_count_ck', NOTIFICATIONS),
  deleteRule('notification_inboxes', 'notification_inboxes_user_id_fk', 'ON DELETE CASCADE', 'ON DELETE NO ACTION', NOTIFICATIONS),
  policyDroppedOwnedBy('notification_inboxes', 'notification_inboxes_own_read_pol', NOTIFICATIONS),
  widenedOwnedBy('notification_inboxes', 'notification_inboxes_own_read_pol', 'USING', NOTIFICATIONS),
  policyDroppedOwnedBy('notification_inboxes', 'notification_inboxes_readonly_pol', PERMISSIONS),
  policyDroppedOwnedBy('notification_inboxes', 'notification_inboxes_owner_pol', NOTIFICATIONS),

  // rider_metrics and the check-in triggers that keep them
  pkDropped('rider_metrics', PROGRESS_FLOWS),
  checkDropped('rider_metrics', 'rider_metrics_value_ck', PROGRESS_FLOWS),
  checkDropped('rider_metrics', 'rider_metrics_metric_ck', PROGRESS_FLOWS),
  deleteRule('rider_metrics', 'rider_metrics_user_id_fk', 'ON DELETE CASCADE', 'ON DELETE NO ACTION', PROGRESS_FLOWS),
  policyDroppedOwnedBy('rider_metrics', 'rider_metrics_own_read_pol', PROGRESS_FLOWS),
  widenedOwnedBy('rider_metrics', 'rider_metrics_own_read_pol', 'USING', PROGRESS_FLOWS),
  policyDroppedOwnedBy('rider_metrics', 'rider_metrics_readonly_pol', PERMISSIONS),
  policyDroppedOwnedBy('rider_metrics', 'rider_metrics_owner_pol', PROGRESS_FLOWS),
  triggerDropped('checkins', 'checkins_metrics_insert_trg', PROGRESS_FLOWS, NOTIFICATIONS),
  triggerDropped('checkins', 'checkins_metrics_update_trg', PROGRESS_FLOWS),
  triggerDropped('checkins', 'checkins_metrics_delete_trg', PROGRESS_FLOWS),

  // function bodies
  {
    name: 'rider_metrics_apply() unlocks at the statement’s last gain, not the one that reached the goal',
    covers: [],
    sql: [rewriteFunction('rider_metrics_apply', '[a.goal - (ap.value - cardinality(c.moments))]', '[cardinality(c.moments)]')],
    owners: own(NOTIFICATIONS),
  },
  {
    name: 'achievements_unlock() writes no notification',
    covers: [],
    sql: [
      rewriteFunction(
        'achievements_unlock',
        'r.checkin_id, r.moment FROM unnest(p_unlocks) AS r',
        'r.checkin_id, r.moment FROM unnest(p_unlocks) AS r WHERE false',
      ),
    ],
    owners: own(NOTIFICATIONS),
  },
  {
    name: 'checkins_count_inserted() counts a spot again on every check-in (many rows)',
    covers: [],
    sql: [rewriteFunction('checkins_count_inserted', 'LIMIT p.added + 1) live) = p.added', 'LIMIT p.added + 1) live) >= p.added')],
    owners: own(PROGRESS_FLOWS),
  },
  {
    name: 'checkins_count_inserted() counts a spot again on every check-in (one row)',
    covers: [],
    sql: [
      rewriteFunction(
        'checkins_count_inserted',
        'c.archived_at IS NULL AND c.id <> n.id)',
        'c.archived_at IS NULL AND c.id <> n.id AND false)',
      ),
    ],
    owners: own(PROGRESS_FLOWS),
  },
  // 0018: each count trigger locks its riders before it looks for their other
  // check-ins; without the lock, raced writes of one rider count a spot again
  // (or never uncount it).
  ...(['checkins_count_inserted', 'checkins_count_updated', 'checkins_count_deleted'] as const).map((fn): Mutant => ({
    name: `${fn}() without the rider lock`,
    covers: [],
    sql: [rewriteFunction(fn, 'ORDER BY u.id FOR NO KEY UPDATE;', 'ORDER BY u.id;')],
    owners: [onServer(CONCURRENCY)],
  })),
  {
    name: 'checkins_count_inserted() unlocks one check-in after the goal (one row)',
    covers: [],
    sql: [rewriteFunction('checkins_count_inserted', 'a.goal = ap.value', 'a.goal = ap.value - 1')],
    owners: own(NOTIFICATIONS),
  },
  {
    name: 'notifications_count_changed() ignores a notice made unread again',
    covers: [],
    sql: [
      rewriteFunction(
        'notifications_count_changed',
        '(n.read_at IS NULL)::integer - (o.read_at IS NULL)::integer',
        '-(o.read_at IS NULL AND n.read_at IS NOT NULL)::integer',
      ),
    ],
    owners: own(NOTIFICATIONS),
  },
  {
    name: 'notifications_count_changed() counts every deleted notice as unread',
    covers: [],
    sql: [rewriteFunction('notifications_count_changed', 'FROM old_rows o WHERE o.read_at IS NULL GROUP BY', 'FROM old_rows o GROUP BY')],
    owners: own(NOTIFICATIONS),
  },
  {
    name: 'record_progress() accepts counted achievements',
    covers: [],
    sql: [rewriteFunction('record_progress', "IF counted IS DISTINCT FROM 'manual' AND counted IS NOT NULL THEN", 'IF false THEN')],
    owners: own(PROGRESS_FLOWS),
  },
  {
    name: 'record_progress() without the step guard',
    covers: [],
    sql: [rewriteFunction('record_progress', 'IF p_step IS NULL OR p_step <= 0 THEN', 'IF p_step IS NULL THEN')],
    owners: own(PROGRESS_FLOWS),
  },
  {
    name: 'record_progress() announces no unlock',
    covers: [],
    sql: [rewriteFunction('record_progress', 'WHERE m.unlocked_at IS NOT NULL AND m.progress - p_step < m.goal', 'WHERE false')],
    owners: own(PROGRESS_FLOWS, NOTIFICATIONS),
  },
  {
    name: 'recompute_progress() keeps the counters it finds',
    covers: [],
    sql: [rewriteFunction('recompute_progress', 'DO UPDATE SET value = excluded.value', 'DO UPDATE SET value = m.value')],
    owners: own(PROGRESS_FLOWS),
  },
  {
    name: 'recompute_progress() unlocks nothing',
    covers: [],
    sql: [rewriteFunction('recompute_progress', 'ON a.metric = e.metric AND a.goal <= e.value', 'ON a.metric = e.metric AND false')],
    owners: own(PROGRESS_FLOWS),
  },
  {
    name: 'recompute_progress() without the rider guard',
    covers: [],
    sql: [rewriteFunction('recompute_progress', '(rider IS NOT NULL AND p_user_id IS DISTINCT FROM rider)', 'false')],
    owners: own(PROGRESS_FLOWS),
  },
  {
    name: 'prune_notifications() deletes old unread notices too',
    covers: [],
    sql: [
      rewriteFunction('prune_notifications', 'n.read_at IS NOT NULL AND n.read_at < now()', 'coalesce(n.read_at, n.created_at) < now()'),
    ],
    owners: own(NOTIFICATIONS),
  },
  {
    name: 'notification_read_retention_days() 30',
    covers: [],
    sql: [rewriteFunction('notification_read_retention_days', 'SELECT 90', 'SELECT 30')],
    owners: own(NOTIFICATIONS),
  },
  {
    name: 'prune_notifications() without its retention period',
    covers: [],
    sql: [rewriteFunction('prune_notifications', 'make_interval(days => public.notification_read_retention_days())', "interval '1 day'")],
    owners: own(NOTIFICATIONS),
  },
  {
    name: 'prune_notifications() without the staff guard',
    covers: [],
    sql: [rewriteFunction('prune_notifications', MAINTAIN_GUARD, 'false')],
    owners: own(NOTIFICATIONS),
  },

  // privileges
  grantedOwnedBy('prune_notifications() executable by PUBLIC', 'GRANT EXECUTE ON FUNCTION prune_notifications() TO PUBLIC', NOTIFICATIONS),
  grantedOwnedBy('notifications.kind updatable by authenticated', 'GRANT UPDATE (kind) ON notifications TO authenticated', NOTIFICATIONS),
  grantedOwnedBy('notifications insertable by authenticated', 'GRANT INSERT ON notifications TO authenticated', NOTIFICATIONS),
  grantedOwnedBy('notifications readable by anonymous', 'GRANT SELECT ON notifications TO anonymous', NOTIFICATIONS),
  grantedOwnedBy(
    'rider_metrics writable by authenticated',
    'GRANT INSERT, UPDATE, DELETE ON rider_metrics TO authenticated',
    PROGRESS_FLOWS,
  ),
);
