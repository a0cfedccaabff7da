import { sql, type SQL } from 'drizzle-orm';
import type { NeonHttpDatabase } from 'drizzle-orm/neon-http';
import { PgDialect } from 'drizzle-orm/pg-core';
import { describe, expect, inject } from 'vitest';
import { createAchievement } from '@skatehubba/gamification/factories';
import { recordProgress } from '@skatehubba/gamification';
import { createSession, createUser } from '@skatehubba/identity/factories';
import { anonymousContext, DataRuleError, riderContext, rowsOf, unwrap } from '@skatehubba/schema-kit';
import { createCheckin, createSpot, saveSpot } from '@skatehubba/spots/factories';
import { asDatabaseRefusal, databaseTest, hasSessions, runAs, type TestDatabase } from '@skatehubba/testing';
import { toDataRuleError } from './errors';
import * as schema from './schema';

// The attack list of the least-privilege design (issue 11), as the API's
// login (t.app) with rider A set: each attack is refused by name (SQLSTATE
// 42501 and the DataRuleError the API would answer with) and changes nothing,
// read back through the admin login (t.db), which policies do not bind.
//
// Where a policy's USING clause hides rider B's rows, an UPDATE or DELETE of
// them is not an error: Postgres filters the rows before the statement sees
// them, so it affects 0 rows. Those attacks are held to "0 rows, nothing
// changed", as are reads of B's rows (0 rows).
//
// Engines: every attack runs on the Postgres server and through both Neon
// drivers (neon-http sends the rider context and the attack as one batch, one
// transaction). PGlite is a superuser session, so the attacks that leave the
// rider's role (SET ROLE, RESET ROLE) would succeed there by construction:
// they run on servers only. Everything else runs on PGlite too, under the
// SET LOCAL ROLE that asRider() makes.
//
// Not refused, by design of a settable claim: a caller that can send
// arbitrary SQL on the API's connection can re-run set_config() with another
// rider's id. The rider claim is trusted because the API (or, on Neon, the
// Data API's JWT verification) sets it; these tests hold what the database
// refuses to the rider the claim names.
const it = databaseTest(schema);
const engine = inject('engine');
const onServer = engine !== 'pglite';

interface Fixtures {
  a: string;
  b: string;
  aSpot: string;
  bSpot: string;
  bSession: string;
  aCheckin: string;
  bCheckin: string;
  achievement: string;
  auditRow: number;
}
let f: Fixtures;

it.beforeAll(async ({ t }) => {
  const a = (await createUser(t.db)).id;
  const b = (await createUser(t.db)).id;
  const aSpot = (await createSpot(t.db, { created_by: a })).id;
  const bSpot = (await createSpot(t.db, { created_by: b })).id;
  await createSession(t.db, a);
  const bSession = (await createSession(t.db, b)).id;
  await saveSpot(t.db, a, bSpot);
  await saveSpot(t.db, b, bSpot);
  const aCheckin = (await createCheckin(t.db, a, aSpot)).id;
  const bCheckin = (await createCheckin(t.db, b, bSpot)).id;
  const achievement = (await createAchievement(t.db, { goal: 10 })).id;
  // Staff (the admin login, no rider) records progress for anyone.
  unwrap(await recordProgress(t.db, { staff: b }, a, { achievement_id: achievement, by: 2 }));
  unwrap(await recordProgress(t.db, { staff: a }, b, { achievement_id: achievement, by: 3 }));
  const [audit] = await t.query<{ id: number }>('SELECT id FROM audit_logs ORDER BY id LIMIT 1');
  f = { a, b, aSpot, bSpot, bSession, aCheckin, bCheckin, achievement, auditRow: Number(audit!.id) };
});

/**
 * Every row of every table and the parts of the catalogue an attack could
 * change (triggers and whether they fire, objects in public and their owners,
 * functions and their bodies, policies), as the admin login sees them.
 */
async function databaseState(t: TestDatabase<typeof schema>): Promise<unknown> {
  const rows = (table: string, order: string) =>
    `'${table}', (SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY ${order}), '[]') FROM ${table} x)`;
  const [state] = await t.query<{ state: string }>(`
    SELECT jsonb_build_object(
      ${rows('users', 'x.id')},
      ${rows('sessions', 'x.id')},
      ${rows('spots', 'x.id')},
      ${rows('saved_spots', 'x.user_id, x.spot_id')},
      ${rows('checkins', 'x.id')},
      ${rows('achievements', 'x.id')},
      ${rows('user_achievements', 'x.user_id, x.achievement_id')},
      ${rows('audit_logs', 'x.id')},
      'triggers', (SELECT jsonb_agg(jsonb_build_array(tgrelid::regclass::text, tgname, tgenabled, tgfoid::regprocedure::text)
                                    ORDER BY tgrelid::regclass::text, tgname)
                     FROM pg_trigger WHERE NOT tgisinternal),
      'relations', (SELECT jsonb_agg(jsonb_build_array(relname, relkind, pg_get_userbyid(relowner), relrowsecurity, relforcerowsecurity)
                                     ORDER BY relname)
                      FROM pg_class WHERE relnamespace = 'public'::regnamespace),
      'functions', (SELECT jsonb_agg(jsonb_build_array(oid::regprocedure::text, pg_get_userbyid(proowner), prosecdef, proconfig, md5(prosrc))
                                     ORDER BY oid::regprocedure::text)
                      FROM pg_proc WHERE pronamespace = 'public'::regnamespace),
      'policies', (SELECT jsonb_agg(jsonb_build_array(tablename, policyname, roles, qual, with_check) ORDER BY tablename, policyname)
                     FROM pg_policies WHERE schemaname = 'public')
    )::text AS state`);
  return JSON.parse(state!.state);
}

/** How an attack must end: refused with this DataRuleError, or (hidden rows) with no row touched. */
type Outcome = { rule: string; constraint: string } | 'no rows';

/** A column or table privilege the app's role lacks (a plain 42501, no policy). */
const PRIVILEGE = { rule: 'permission_denied', constraint: 'privilege' } as const;

interface Attack {
  /** Statements run in order in one transaction as rider A; the outcome is the last one's. */
  statements: (f: Fixtures) => SQL[];
  outcome: Outcome;
  /** Leaves the rider's role: PGlite's superuser session would let it through by construction. */
  serverOnly?: true;
}

const one = (statement: (f: Fixtures) => SQL) => (fx: Fixtures) => [statement(fx)];

const TABLES = ['users', 'sessions', 'spots', 'saved_spots', 'checkins', 'achievements', 'user_achievements', 'audit_logs'] as const;

const ATTACKS: [string, Attack][] = [
  // Rider B's sessions, saved spots, progress and email.
  [
    "read rider B's sessions",
    { statements: one((x) => sql`SELECT id, expires_at FROM sessions WHERE user_id = ${x.b}`), outcome: 'no rows' },
  ],
  [
    "read rider B's session token hash",
    { statements: one((x) => sql`SELECT token_hash FROM sessions WHERE user_id = ${x.b}`), outcome: PRIVILEGE },
  ],
  [
    "revoke rider B's session",
    { statements: one((x) => sql`UPDATE sessions SET revoked_at = now() WHERE id = ${x.bSession} RETURNING id`), outcome: 'no rows' },
  ],
  [
    "extend rider B's session",
    {
      statements: one((x) => sql`UPDATE sessions SET expires_at = expires_at + interval '1 day' WHERE id = ${x.bSession} RETURNING id`),
      outcome: PRIVILEGE,
    },
  ],
  [
    "delete rider B's session",
    { statements: one((x) => sql`DELETE FROM sessions WHERE id = ${x.bSession} RETURNING id`), outcome: PRIVILEGE },
  ],
  [
    'start a session as rider B',
    {
      statements: one(
        (x) => sql`INSERT INTO sessions (user_id, token_hash, expires_at) VALUES (${x.b}, ${'c'.repeat(64)}, now() + interval '1 day')`,
      ),
      outcome: { rule: 'not_your_session', constraint: 'sessions_own_read_pol' },
    },
  ],
  [
    "read rider B's saved spots",
    { statements: one((x) => sql`SELECT spot_id FROM saved_spots WHERE user_id = ${x.b}`), outcome: 'no rows' },
  ],
  [
    "unsave rider B's saved spot",
    { statements: one((x) => sql`DELETE FROM saved_spots WHERE user_id = ${x.b} RETURNING spot_id`), outcome: 'no rows' },
  ],
  [
    'save a spot as rider B',
    {
      statements: one((x) => sql`INSERT INTO saved_spots (user_id, spot_id) VALUES (${x.b}, ${x.aSpot})`),
      outcome: { rule: 'not_your_saved_spot', constraint: 'saved_spots_own_pol' },
    },
  ],
  [
    "move rider B's saved spot",
    {
      statements: one((x) => sql`UPDATE saved_spots SET spot_id = ${x.aSpot} WHERE user_id = ${x.b} RETURNING spot_id`),
      outcome: PRIVILEGE,
    },
  ],
  [
    "read rider B's progress",
    { statements: one((x) => sql`SELECT progress FROM user_achievements WHERE user_id = ${x.b}`), outcome: 'no rows' },
  ],
  [
    "complete rider B's progress",
    {
      statements: one(
        (x) => sql`UPDATE user_achievements SET progress = goal, unlocked_at = now() WHERE user_id = ${x.b} RETURNING progress`,
      ),
      outcome: PRIVILEGE,
    },
  ],
  [
    "delete rider B's progress",
    { statements: one((x) => sql`DELETE FROM user_achievements WHERE user_id = ${x.b} RETURNING progress`), outcome: PRIVILEGE },
  ],
  [
    'write progress for rider B',
    {
      statements: one(
        (x) => sql`INSERT INTO user_achievements (user_id, achievement_id, goal, progress) VALUES (${x.b}, ${x.achievement}, 10, 10)`,
      ),
      outcome: PRIVILEGE,
    },
  ],
  ["read rider B's email", { statements: one((x) => sql`SELECT email FROM users WHERE id = ${x.b}`), outcome: PRIVILEGE }],
  [
    "change rider B's email",
    { statements: one((x) => sql`UPDATE users SET email = 'taken.over@example.test' WHERE id = ${x.b} RETURNING id`), outcome: 'no rows' },
  ],
  // Check-ins.
  [
    'check in as rider B',
    {
      statements: one(
        (x) =>
          sql`INSERT INTO checkins (user_id, spot_id, trick, trick_status, stance) VALUES (${x.b}, ${x.aSpot}, 'kickflip', 'landed', 'regular')`,
      ),
      outcome: { rule: 'not_your_checkin', constraint: 'checkins_read_pol' },
    },
  ],
  [
    "rewrite rider B's check-in",
    { statements: one((x) => sql`UPDATE checkins SET trick = 'fake' WHERE id = ${x.bCheckin} RETURNING id`), outcome: 'no rows' },
  ],
  [
    "delete rider B's check-in",
    { statements: one((x) => sql`DELETE FROM checkins WHERE id = ${x.bCheckin} RETURNING id`), outcome: 'no rows' },
  ],
  [
    'hand an own check-in to rider B',
    { statements: one((x) => sql`UPDATE checkins SET user_id = ${x.b} WHERE id = ${x.aCheckin} RETURNING id`), outcome: PRIVILEGE },
  ],
  // Server-owned columns.
  [
    'backdate a new check-in (created_at)',
    {
      statements: one(
        (x) =>
          sql`INSERT INTO checkins (user_id, spot_id, trick, trick_status, stance, created_at) VALUES (${x.a}, ${x.bSpot}, 'kickflip', 'landed', 'regular', '2020-01-01')`,
      ),
      outcome: PRIVILEGE,
    },
  ],
  [
    'set created_at of an own check-in',
    {
      statements: one((x) => sql`UPDATE checkins SET created_at = '2020-01-01' WHERE id = ${x.aCheckin} RETURNING id`),
      outcome: PRIVILEGE,
    },
  ],
  [
    'set updated_at of an own spot',
    { statements: one((x) => sql`UPDATE spots SET updated_at = '2020-01-01' WHERE id = ${x.aSpot} RETURNING id`), outcome: PRIVILEGE },
  ],
  [
    'set unlocked_at of own progress',
    {
      statements: one((x) => sql`UPDATE user_achievements SET unlocked_at = now() WHERE user_id = ${x.a} RETURNING progress`),
      outcome: PRIVILEGE,
    },
  ],
  [
    'set archived_at of an own spot',
    { statements: one((x) => sql`UPDATE spots SET archived_at = now() WHERE id = ${x.aSpot} RETURNING id`), outcome: PRIVILEGE },
  ],
  [
    'set archived_at of an own check-in',
    { statements: one((x) => sql`UPDATE checkins SET archived_at = now() WHERE id = ${x.aCheckin} RETURNING id`), outcome: PRIVILEGE },
  ],
  [
    'choose the id of a new spot',
    {
      statements: one(
        (x) => sql`INSERT INTO spots (id, name, latitude, longitude, created_by) VALUES (gen_random_uuid(), 'Mine', 1, 1, ${x.a})`,
      ),
      outcome: PRIVILEGE,
    },
  ],
  // The audit trail.
  ['read the audit trail', { statements: one(() => sql`SELECT id FROM audit_logs`), outcome: PRIVILEGE }],
  [
    'insert an audit row (forged actor)',
    {
      statements: one(
        (x) =>
          sql`INSERT INTO audit_logs (actor_id, action, target_table, target_id, changes) VALUES (${x.b}, 'delete', 'checkins', ${x.bCheckin}, '{}')`,
      ),
      outcome: PRIVILEGE,
    },
  ],
  [
    'update an audit row',
    { statements: one((x) => sql`UPDATE audit_logs SET actor_id = ${x.b} WHERE id = ${x.auditRow} RETURNING id`), outcome: PRIVILEGE },
  ],
  [
    'delete an audit row',
    { statements: one((x) => sql`DELETE FROM audit_logs WHERE id = ${x.auditRow} RETURNING id`), outcome: PRIVILEGE },
  ],
  // No WHERE and no RETURNING: the statement reads no column, so only the
  // UPDATE/DELETE privilege itself (not the missing SELECT) can refuse it.
  ['rewrite the whole audit trail', { statements: one((x) => sql`UPDATE audit_logs SET actor_id = ${x.b}`), outcome: PRIVILEGE }],
  ['delete the whole audit trail', { statements: one(() => sql`DELETE FROM audit_logs`), outcome: PRIVILEGE }],
  // Triggers and the functions they run: only the owner may alter, drop or replace them.
  [
    'disable the check-in audit trigger',
    { statements: one(() => sql`ALTER TABLE checkins DISABLE TRIGGER checkins_audit_insert_trg`), outcome: PRIVILEGE },
  ],
  [
    'disable the active-spot trigger',
    { statements: one(() => sql`ALTER TABLE checkins DISABLE TRIGGER checkins_spot_active_trg`), outcome: PRIVILEGE },
  ],
  ['disable every trigger on audit_logs', { statements: one(() => sql`ALTER TABLE audit_logs DISABLE TRIGGER ALL`), outcome: PRIVILEGE }],
  [
    'drop the append-only trigger',
    { statements: one(() => sql`DROP TRIGGER audit_logs_append_only_trg ON audit_logs`), outcome: PRIVILEGE },
  ],
  [
    'replace the audit trigger function',
    {
      statements: one(
        () => sql`CREATE OR REPLACE FUNCTION audit_row_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$`,
      ),
      outcome: PRIVILEGE,
    },
  ],
  [
    'switch row-level security off on sessions',
    { statements: one(() => sql`ALTER TABLE sessions DISABLE ROW LEVEL SECURITY`), outcome: PRIVILEGE },
  ],
  // TRUNCATE bypasses row-level security and DELETE triggers: no role but the owner holds it.
  ...TABLES.map((table): [string, Attack] => [
    `TRUNCATE ${table}`,
    { statements: one(() => sql`TRUNCATE ${sql.identifier(table)} CASCADE`), outcome: PRIVILEGE },
  ]),
  // New objects: a table or function in public could shadow or outlive the schema's.
  ['create a table in public', { statements: one(() => sql`CREATE TABLE public.rider_notes (id int)`), outcome: PRIVILEGE }],
  [
    'create a function in public',
    { statements: one(() => sql`CREATE FUNCTION public.is_staff() RETURNS boolean LANGUAGE sql AS 'SELECT true'`), outcome: PRIVILEGE },
  ],
  // Roles: the login is a member of authenticated and anonymous only.
  ['SET ROLE skatehubba_owner', { statements: one(() => sql`SET ROLE skatehubba_owner`), outcome: PRIVILEGE, serverOnly: true }],
  ['SET ROLE skatehubba_readonly', { statements: one(() => sql`SET ROLE skatehubba_readonly`), outcome: PRIVILEGE, serverOnly: true }],
  [
    "SET ROLE NONE, then read rider B's sessions as the bare login",
    {
      statements: (x) => [sql`SET ROLE NONE`, sql`SELECT id FROM sessions WHERE user_id = ${x.b}`],
      outcome: PRIVILEGE,
      serverOnly: true,
    },
  ],
  [
    "RESET ROLE, then read rider B's sessions as the bare login",
    {
      statements: (x) => [sql`RESET ROLE`, sql`SELECT id FROM sessions WHERE user_id = ${x.b}`],
      outcome: PRIVILEGE,
      serverOnly: true,
    },
  ],
  // Definer functions on someone else's rows: each checks its caller.
  [
    "archive rider B's spot (archive_spot)",
    {
      statements: one((x) => sql`SELECT * FROM archive_spot(${x.bSpot}::uuid)`),
      outcome: { rule: 'spot_not_yours', constraint: 'archive_spot_creator_guard' },
    },
  ],
  [
    'record progress for rider B (record_progress)',
    {
      statements: one((x) => sql`SELECT * FROM record_progress(${x.b}::uuid, ${x.achievement}::uuid, 10)`),
      outcome: { rule: 'progress_not_yours', constraint: 'record_progress_rider_guard' },
    },
  ],
];

describe('attacks as the app role with rider A set', () => {
  it.for(ATTACKS)('%s: refused, nothing changed', async ([_, attack], { t, skip }) => {
    if (attack.serverOnly && !onServer) skip('PGlite is a superuser session: leaving the rider role cannot be refused there');
    const before = await databaseState(t);
    const outcome = await runAs(t, { rider: f.a }, attack.statements(f)).then(
      (results) => ({ rows: results.at(-1)! }),
      (error: unknown) => ({ error }),
    );
    if (attack.outcome === 'no rows') {
      // Hidden by the policy's USING clause: not an error, 0 rows seen or touched.
      expect(outcome).toEqual({ rows: [] });
    } else {
      expect('error' in outcome, 'the attack was not refused').toBe(true);
      const error = (outcome as { error: unknown }).error;
      expect(asDatabaseRefusal(error)?.code, String(error)).toBe('42501');
      const mapped = toDataRuleError(error);
      expect(mapped).toBeInstanceOf(DataRuleError);
      expect(mapped).toMatchObject({ kind: 'forbidden', sqlstate: '42501', ...attack.outcome });
    }
    expect(await databaseState(t)).toEqual(before);
  });
});

/**
 * Runs `statement` as the API's login itself, no rider and no role switch: a
 * bare skatehubba_app. `SET LOCAL ROLE NONE` makes that explicit, whatever
 * role a connection of the login starts as (a role-level default, `ALTER ROLE
 * skatehubba_app SET role = ...`, is per cluster and outside the migrations).
 */
async function asBareLogin(t: TestDatabase<typeof schema>, statement: SQL): Promise<unknown[]> {
  if (engine === 'neon-http') {
    const app = t.app as unknown as NeonHttpDatabase<typeof schema>;
    const [, rows] = await app.batch([app.execute(sql`SET LOCAL ROLE NONE`), app.execute(statement)]);
    return rowsOf(rows);
  }
  // PGlite's one session is a superuser: SET LOCAL ROLE shows the login role's own privileges.
  const db = engine === 'pglite' ? t.db : t.app;
  return db.transaction(async (tx) => {
    await tx.execute(engine === 'pglite' ? sql`SET LOCAL ROLE skatehubba_app` : sql`SET LOCAL ROLE NONE`);
    const [who] = rowsOf<{ role: string }>(await tx.execute(sql`SELECT current_user AS role`));
    expect(who!.role).toBe('skatehubba_app');
    return rowsOf(await tx.execute(statement));
  });
}

describe('a connection with no rider set', () => {
  it.for(TABLES)('the bare login (skatehubba_app) may not read %s', async (table, { t }) => {
    const error = await asBareLogin(t, sql`SELECT 1 FROM ${sql.identifier(table)} LIMIT 1`).catch((e: unknown) => e);
    expect(asDatabaseRefusal(error)?.code, String(error)).toBe('42501');
    expect(toDataRuleError(error)).toMatchObject({ rule: 'permission_denied', constraint: 'privilege' });
  });

  it('the bare login may not call the definer functions either', async ({ t }) => {
    for (const statement of [
      sql`SELECT * FROM session_by_token_hash(${'a'.repeat(64)})`,
      sql`SELECT current_rider_email()`,
      sql`SELECT * FROM archive_spot(${f.aSpot}::uuid)`,
      sql`SELECT * FROM record_progress(${f.a}::uuid, ${f.achievement}::uuid, 1)`,
    ]) {
      const error = await asBareLogin(t, statement).catch((e: unknown) => e);
      expect(asDatabaseRefusal(error)?.code, String(error)).toBe('42501');
    }
  });

  it.runIf(engine === 'postgres' || engine === 'neon-ws')(
    'a raw session as skatehubba_app is denied every table and cannot become the owner',
    async ({ t }) => {
      const session = await t.connect('app');
      try {
        await session.query('SET ROLE NONE');
        expect(await session.query('SELECT session_user, current_user')).toEqual([
          { session_user: 'skatehubba_app', current_user: 'skatehubba_app' },
        ]);
        for (const table of TABLES) {
          await expect(session.query(`SELECT 1 FROM ${table} LIMIT 1`), table).rejects.toMatchObject({ code: '42501' });
        }
        await expect(
          session.query(`INSERT INTO audit_logs (action, target_table, target_id, changes) VALUES ('insert', 'x', 'y', '{}')`),
        ).rejects.toMatchObject({
          code: '42501',
        });
        await expect(session.query('SET ROLE skatehubba_owner')).rejects.toMatchObject({ code: '42501' });
      } finally {
        await session.close();
      }
    },
  );

  it.runIf(engine === 'postgres' || engine === 'neon-ws')(
    "a rider claim left at session level on a pooled connection does not make an anonymous request someone's",
    async ({ t }) => {
      const session = await t.connect('app');
      try {
        // A statement that escaped its transaction (set_config(..., false)) leaves rider B on the connection.
        await session.query("SELECT set_config('request.jwt.claims', $1, false), set_config('skatehubba.actor_id', $2, false)", [
          JSON.stringify({ sub: f.b }),
          f.b,
        ]);
        const context = new PgDialect().sqlToQuery(anonymousContext());
        await session.query('BEGIN');
        await session.query(context.sql, context.params);
        const [seen] = await session.query<{ rider: string | null; actor: string | null }>(
          "SELECT current_rider_id() AS rider, nullif(current_setting('skatehubba.actor_id', true), '') AS actor",
        );
        await session.query('COMMIT');
        expect(seen).toEqual({ rider: null, actor: null });
      } finally {
        await session.close();
      }
    },
  );

  // Any role may create a temporary table (PUBLIC holds TEMPORARY on the
  // database), and it lives as long as the connection, which a pool hands to
  // the next request. Unqualified names look in pg_temp first unless the
  // search path lists it, so the context statement pins the path
  // transaction-locally with pg_temp last.
  it.skipIf(!hasSessions())(
    "a temp table and search_path left on a pooled connection do not shadow the next request's tables",
    async ({ t }) => {
      // Servers: one raw session as the API's login. PGlite: its one session (the context switches the role).
      const session = await t.connect(engine === 'pglite' ? 'admin' : 'app');
      const dialect = new PgDialect();
      const run = (statement: SQL) => {
        const query = dialect.sqlToQuery(statement);
        return session.query(query.sql, query.params);
      };
      try {
        // Rider A's request leaves a users table of its own, first on a session-level path; committed.
        await session.query('BEGIN');
        await run(riderContext(f.a));
        await session.query('CREATE TEMP TABLE users (id uuid, handle text, email text, display_name text)');
        await session.query('SET search_path = pg_temp, public');
        await session.query('COMMIT');
        // The next requests on the same connection read (and would write) the real table.
        for (const context of [riderContext(f.b), anonymousContext()]) {
          await session.query('BEGIN');
          await run(context);
          const rows = await run(sql`SELECT id FROM users WHERE id = ${f.b}`);
          await session.query('COMMIT');
          expect(rows).toEqual([{ id: f.b }]);
        }
      } finally {
        await session.query('ROLLBACK');
        if (engine === 'pglite') {
          await session.query('DROP TABLE IF EXISTS pg_temp.users');
          await session.query('RESET search_path');
        }
        await session.close();
      }
    },
  );

  // The bare public reads (no asRider/asAnonymous) run on the login's own path:
  // 0009 sets it to public, pg_temp, so a temp table one request leaves on a
  // pooled connection cannot stand in for a real table for the next.
  it.runIf(engine === 'postgres' || engine === 'neon-ws')(
    'a temp table left on a pooled connection does not shadow a bare public read',
    async ({ t }) => {
      const session = await t.connect('app');
      try {
        await session.query('CREATE TEMP TABLE spots (id uuid)');
        await session.query(`INSERT INTO pg_temp.spots VALUES ('${f.bSpot}')`);
        const rows = await session.query<{ id: string }>(`SELECT id FROM spots WHERE id IN ('${f.aSpot}', '${f.bSpot}')`);
        expect(rows.map((r) => r.id).sort()).toEqual([f.aSpot, f.bSpot].sort());
      } finally {
        await session.close();
      }
    },
  );

  // What anonymous reads: how many of the fixtures' rows, or refused by privilege.
  const ANONYMOUS_READS: [string, number | 'denied', (x: Fixtures) => SQL][] = [
    ['public profile columns', 2, (x) => sql`SELECT id, handle, display_name FROM users WHERE id IN (${x.a}, ${x.b})`],
    ['emails', 'denied', (x) => sql`SELECT email FROM users WHERE id = ${x.a}`],
    ['an email through current_rider_email()', 'denied', () => sql`SELECT current_rider_email()`],
    ['sessions', 'denied', () => sql`SELECT id FROM sessions`],
    ['spots', 2, (x) => sql`SELECT id FROM spots WHERE id IN (${x.aSpot}, ${x.bSpot})`],
    ['live check-ins', 2, (x) => sql`SELECT id FROM checkins WHERE id IN (${x.aCheckin}, ${x.bCheckin})`],
    ['saved spots', 'denied', () => sql`SELECT spot_id FROM saved_spots`],
    ['the achievement catalogue', 1, (x) => sql`SELECT id FROM achievements WHERE id = ${x.achievement}`],
    ['progress', 'denied', () => sql`SELECT progress FROM user_achievements`],
    ['the audit trail', 'denied', () => sql`SELECT id FROM audit_logs`],
  ];

  it.for(ANONYMOUS_READS)('anonymous reads %s: %s', async ([_, expected, statement], { t }) => {
    const outcome = await runAs(t, 'anonymous', [statement(f)]).then(
      ([rows]) => ({ count: rows!.length }),
      (error: unknown) => ({ code: asDatabaseRefusal(error)?.code, error: String(error) }),
    );
    if (expected === 'denied') expect(outcome).toMatchObject({ code: '42501' });
    else expect(outcome).toEqual({ count: expected });
  });

  it('anonymous writes nothing', async ({ t }) => {
    const before = await databaseState(t);
    for (const statement of [
      sql`INSERT INTO checkins (user_id, spot_id, trick, trick_status, stance) VALUES (${f.a}, ${f.aSpot}, 'kickflip', 'landed', 'regular')`,
      sql`INSERT INTO spots (name, latitude, longitude) VALUES ('Nobody''s', 1, 1)`,
      sql`UPDATE users SET display_name = 'x' WHERE id = ${f.a}`,
      sql`DELETE FROM checkins WHERE id = ${f.aCheckin}`,
      sql`SELECT * FROM archive_spot(${f.aSpot}::uuid)`,
      sql`SELECT * FROM record_progress(${f.a}::uuid, ${f.achievement}::uuid, 1)`,
    ]) {
      const error = await runAs(t, 'anonymous', [statement]).catch((e: unknown) => e);
      expect(asDatabaseRefusal(error)?.code, String(error)).toBe('42501');
    }
    expect(await databaseState(t)).toEqual(before);
  });
});
