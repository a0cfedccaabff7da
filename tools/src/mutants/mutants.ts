import { dropConstraint, dropIndex, dropTrigger, redefineConstraint, redefineIndex, redefineTrigger, rewriteFunction } from './sql';

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
const CATALOG = 'libs/db/src/catalog.int.test.ts';
const INDEX_DEFINITIONS = 'libs/db/src/index-definitions.int.test.ts';
const ERASURE = 'libs/db/src/erasure.int.test.ts';
const UPDATED_AT = 'libs/db/src/updated-at.int.test.ts';
const PLANS = 'apps/seed/src/plans.int.test.ts';

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

const deleteRule = (table: string, name: string, from: string, to: string, ...owners: string[]): Mutant => ({
  name: `${name} ${from.toLowerCase()} -> ${to.toLowerCase()}`,
  covers: [name],
  sql: [redefineConstraint(table, name, from, to)],
  owners: own(...owners),
});

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
  triggerDropped('users', 'users_audit_trg', AUDIT),

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
  triggerDropped('sessions', 'sessions_audit_trg', AUDIT),

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
  triggerDropped('spots', 'spots_audit_trg', AUDIT),

  // saved_spots
  pkDropped('saved_spots', SPOTS),
  deleteRule('saved_spots', 'saved_spots_user_id_fk', 'ON DELETE CASCADE', 'ON DELETE NO ACTION', SPOTS),
  deleteRule('saved_spots', 'saved_spots_spot_id_fk', 'ON DELETE CASCADE', 'ON DELETE NO ACTION', SPOTS),
  indexDropped('saved_spots_spot_id_idx', CATALOG),
  triggerDropped('saved_spots', 'saved_spots_audit_trg', AUDIT),

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
  triggerDropped('checkins', 'checkins_audit_trg', AUDIT),
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
  triggerDropped('achievements', 'achievements_audit_trg', AUDIT),

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
  triggerDropped('user_achievements', 'user_achievements_audit_trg', AUDIT),

  // audit_logs
  pkDropped('audit_logs', CATALOG),
  checkDropped('audit_logs', 'audit_logs_action_ck', AUDIT),
  indexDropped('audit_logs_target_idx', CATALOG),
  indexDropped('audit_logs_actor_id_idx', CATALOG),
  triggerDropped('audit_logs', 'audit_logs_append_only_trg', AUDIT),
  triggerDropped('audit_logs', 'audit_logs_no_truncate_trg', AUDIT),

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
    sql: [rewriteFunction('audit_row_change', 'FOREACH col IN ARRAY redacted_columns LOOP', 'FOREACH col IN ARRAY ARRAY[]::text[] LOOP')],
    owners: own(AUDIT),
  },
  {
    name: 'audit_row_change() summarises every column of an update',
    covers: [],
    sql: [rewriteFunction('audit_row_change', 'WHERE n.value IS DISTINCT FROM old_row -> n.key', 'WHERE true')],
    owners: own(AUDIT),
  },
  {
    name: 'audit_row_change() without the actor',
    covers: [],
    sql: [rewriteFunction('audit_row_change', "nullif(current_setting('skatehubba.actor_id', true), '')::uuid", 'NULL::uuid')],
    owners: own(AUDIT),
  },
];
