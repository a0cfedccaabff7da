import { createHash, randomBytes } from 'node:crypto';
import { eq, sql, type SQL } from 'drizzle-orm';
import { describe, expect, inject } from 'vitest';
import { withActor } from '@skatehubba/audit';
import { recordProgress } from '@skatehubba/gamification';
import { createAchievement } from '@skatehubba/gamification/factories';
import {
  eraseRider,
  exportRider,
  PERSONAL_DATA,
  trailErasedColumns,
  trailRedactedColumns,
  type PersonalDataTable,
  userWrites,
} from '@skatehubba/identity';
import { buildUser, createSession, createUser } from '@skatehubba/identity/factories';
import { asAnonymous, asRider, DataRuleError, unwrap, type Result, type RiderCaller } from '@skatehubba/schema-kit';
import { createCheckin, createSpot, saveSpot, signedMediaUrl } from '@skatehubba/spots/factories';
import { databaseTest, hasSessions, type TestDatabase } from '@skatehubba/testing';
import { toDataRuleError } from './errors';
import * as schema from './schema';

// Integration: erasure and export of a rider (issue 12), across every team's
// tables. The erasure is proven by a scan of every text-like column of every
// table for every value the rider ever had, the export by the catalog: every
// column of every rider-owned table is in it or declared withheld.
//
// Engines: everything runs on PGlite and the server; the fixtures need an
// interactive transaction (asRider(), withActor()), which neon-http has not.
// eraseRider() and exportRider() run as the API runs them: the rider on the
// app login ({ rider }), staff on the admin login ({ staff }).
// What needs a login that is not the superuser (the app without a rider,
// support's login) runs on servers only: PGlite's one session is staff.
const it = databaseTest(schema);
const engine = inject('engine');
const onServer = engine === 'postgres' || engine === 'neon-ws';
type T = TestDatabase<typeof schema>;

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'expected the statement to be refused').toBeDefined();
  return toDataRuleError(error);
};

/** A write function's refusal: the DataRuleError its Result carries (nothing thrown). */
const refused = (result: Result<unknown>) => {
  expect(result.ok, result.ok ? `expected a refusal, got ${JSON.stringify(result.value)}` : '').toBe(false);
  if (result.ok) throw new Error('unreachable');
  return result.error;
};

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** Lowercase letters and digits, unique per call: a value no other row can contain by chance (16 chars, 80 bits). */
const token = () =>
  randomBytes(10)
    .toString('hex')
    .replace(/[0-9]/g, (d) => 'ghijklmnop'[Number(d)]!);

/** A rider with a unique, findable value in every personal column, and rows in every rider-owned table. */
interface Rider {
  id: string;
  /** Every value that was the rider's, by label. The scan looks for each (lowercased). */
  values: Record<string, string>;
  /** Values that never reach the trail (redacted at capture, row since changed or deleted): absent even before erasure. */
  goneAtCapture: string[];
  spotCreated: string;
  checkins: string[];
  sessions: string[];
}

async function buildRider(t: T, staff: string, otherSpot: string, achievement: string): Promise<Rider> {
  const tag = token();
  const values: Record<string, string> = {
    tag,
    handle: `er_${tag}`,
    handleLater: `er2_${tag}`,
    email: `erase.${tag}@mail.skatehubba.test`,
    emailLater: `erase2.${tag}@mail.skatehubba.test`,
    displayName: `Erased ${tag}`,
    displayNameLater: `Still ${tag}`,
    displayNameByStaff: `Staff named ${tag}`,
    avatarUrl: signedMediaUrl(`avatars/${tag}.jpg`),
    avatarUrlLater: signedMediaUrl(`avatars/${tag}-2.jpg`),
  };
  const rider = await createUser(t.db, {
    handle: values.handle,
    email: values.email,
    display_name: values.displayName,
    avatar_url: values.avatarUrl,
  });
  values.id = rider.id;
  // The rider edits their profile (update rows with old and new values), then staff renames them.
  await asRider(t.app, rider.id, (tx) =>
    tx
      .update(schema.users)
      .set({
        handle: values.handleLater,
        email: values.emailLater,
        display_name: values.displayNameLater,
        avatar_url: values.avatarUrlLater,
      })
      .where(eq(schema.users.id, rider.id)),
  );
  await withActor(t.db, staff, (tx) =>
    tx.update(schema.users).set({ display_name: values.displayNameByStaff }).where(eq(schema.users.id, rider.id)),
  );

  const sessions: string[] = [];
  for (const label of ['sessionA', 'sessionB']) {
    const session = await createSession(t.db, rider.id);
    values[`${label}TokenHash`] = session.token_hash;
    sessions.push(session.id);
  }
  // The rider signs out of one session (an update row of sessions).
  await asRider(t.app, rider.id, (tx) =>
    tx.update(schema.sessions).set({ revoked_at: new Date() }).where(eq(schema.sessions.id, sessions[0]!)),
  );

  const spotCreated = (await createSpot(t.db, { created_by: rider.id })).id;
  const checkins: string[] = [];
  for (const [i, spot] of [spotCreated, otherSpot, spotCreated].entries()) {
    values[`note${i}`] = `note ${i} ${tag}`;
    values[`media${i}`] = signedMediaUrl(`clips/${tag}-${i}.mp4`);
    // Hours apart: one check-in per rider, spot and 10-minute window.
    const created_at = new Date(Date.now() - (i + 2) * 3_600_000);
    checkins.push((await createCheckin(t.db, rider.id, spot, { note: values[`note${i}`], media_url: values[`media${i}`], created_at })).id);
  }
  // The rider edits a note and a clip; staff takes a clip down.
  values.noteEdited = `edited ${tag}`;
  values.mediaEdited = signedMediaUrl(`clips/${tag}-edited.mp4`);
  await asRider(t.app, rider.id, (tx) =>
    tx.update(schema.checkins).set({ note: values.noteEdited, media_url: values.mediaEdited }).where(eq(schema.checkins.id, checkins[0]!)),
  );
  await withActor(t.db, staff, (tx) => tx.update(schema.checkins).set({ media_url: null }).where(eq(schema.checkins.id, checkins[1]!)));
  // A check-in the rider deleted before asking to be erased.
  values.noteDeleted = `deleted ${tag}`;
  values.mediaDeleted = signedMediaUrl(`clips/${tag}-deleted.mp4`);
  const deleted = await createCheckin(t.db, rider.id, otherSpot, {
    note: values.noteDeleted,
    media_url: values.mediaDeleted,
    created_at: new Date(Date.now() - 9 * 3_600_000),
  });
  await asRider(t.app, rider.id, (tx) => tx.delete(schema.checkins).where(eq(schema.checkins.id, deleted.id)));

  await saveSpot(t.db, rider.id, spotCreated);
  await saveSpot(t.db, rider.id, otherSpot);
  // Progress to the goal (the achievements here have goal 5), as the rider: the unlock writes a notification and the inbox.
  unwrap(await recordProgress(t.app, { rider: rider.id }, rider.id, { achievement_id: achievement, by: 5 }));
  // Emails and notes are redacted at capture: an overwritten email, an overwritten or deleted note is nowhere even before erasure.
  return { id: rider.id, values, goneAtCapture: ['email', 'note0', 'noteDeleted'], spotCreated, checkins, sessions };
}

/** A rider who is not erased, with rows touching the erased rider's (their spot, the same achievement). */
async function buildBystander(t: T, riderSpot: string, achievement: string) {
  const bystander = await createUser(t.db, { avatar_url: signedMediaUrl() });
  await createSession(t.db, bystander.id);
  await createCheckin(t.db, bystander.id, riderSpot, { note: 'at a spot an erased rider made', media_url: signedMediaUrl() });
  await saveSpot(t.db, bystander.id, riderSpot);
  unwrap(await recordProgress(t.app, { rider: bystander.id }, bystander.id, { achievement_id: achievement, by: 1 }));
  await createSpot(t.db, { created_by: bystander.id });
  await asRider(t.app, bystander.id, (tx) =>
    tx.update(schema.users).set({ display_name: 'Bystander' }).where(eq(schema.users.id, bystander.id)),
  );
  return bystander.id;
}

/** Every row of a user in every table, and every audit row by or about them, as the database prints them. */
const everythingOf = async (t: T, userId: string) =>
  (
    await t.query<{ row: string }>(sql`
      SELECT row FROM (
        SELECT 'users' AS t, row_to_json(x)::text AS row FROM users x WHERE id = ${userId}
        UNION ALL SELECT 'sessions', row_to_json(x)::text FROM sessions x WHERE user_id = ${userId}
        UNION ALL SELECT 'checkins', row_to_json(x)::text FROM checkins x WHERE user_id = ${userId}
        UNION ALL SELECT 'saved_spots', row_to_json(x)::text FROM saved_spots x WHERE user_id = ${userId}
        UNION ALL SELECT 'user_achievements', row_to_json(x)::text FROM user_achievements x WHERE user_id = ${userId}
        UNION ALL SELECT 'spots', row_to_json(x)::text FROM spots x WHERE created_by = ${userId}
        UNION ALL SELECT 'rider_metrics', row_to_json(x)::text FROM rider_metrics x WHERE user_id = ${userId}
        UNION ALL SELECT 'notifications', row_to_json(x)::text FROM notifications x WHERE user_id = ${userId}
        UNION ALL SELECT 'notification_inboxes', row_to_json(x)::text FROM notification_inboxes x WHERE user_id = ${userId}
        UNION ALL SELECT 'leaderboard_entries', row_to_json(x)::text FROM leaderboard_entries x WHERE user_id = ${userId}
        UNION ALL SELECT 'spot_leaderboard_entries', row_to_json(x)::text FROM spot_leaderboard_entries x WHERE user_id = ${userId}
        UNION ALL SELECT 'audit_logs', row_to_json(x)::text FROM audit_logs x WHERE actor_id = ${userId} OR subject_id = ${userId}
      ) s ORDER BY t, row`)
  ).map((r) => r.row);

interface AuditRow {
  id: number;
  actor_id: string | null;
  subject_id: string | null;
  action: string;
  target_table: string;
  target_id: string;
  changes: Record<string, unknown>;
  transaction_id: string;
  created_at: string;
}
const auditRows = async (t: T) =>
  (
    await t.query<AuditRow>(sql`
      SELECT id::int AS id, actor_id, subject_id, action, target_table, target_id, changes,
             transaction_id::text AS transaction_id, created_at::text AS created_at
        FROM audit_logs ORDER BY id`)
  ).map((r) => ({ ...r, id: Number(r.id) }));

interface Column {
  table: string;
  column: string;
  type: string;
}
/**
 * Every column of every table of schema public, discovered from the catalog:
 * the text-like ones (every string type, text, varchar and citext among them,
 * json, jsonb, and arrays of those) and the uuid ones. The audit trail is read
 * through its parent, which holds every partition's rows.
 */
const publicColumns = async (t: T) => {
  const rows = await t.query<Column & { textlike: boolean; uuid: boolean }>(`
    SELECT c.relname AS "table", a.attname AS "column", format_type(a.atttypid, a.atttypmod) AS type,
           (ty.typcategory = 'S' OR ty.typname IN ('json', 'jsonb')
             OR (ty.typcategory = 'A' AND (el.typcategory = 'S' OR el.typname IN ('json', 'jsonb')))) AS textlike,
           ty.typname = 'uuid' AS uuid
      FROM pg_attribute a
      JOIN pg_class c ON c.oid = a.attrelid
      JOIN pg_type ty ON ty.oid = a.atttypid
      LEFT JOIN pg_type el ON el.oid = ty.typelem AND ty.typcategory = 'A'
     WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'm') AND NOT c.relispartition
       AND a.attnum > 0 AND NOT a.attisdropped
     ORDER BY 1, 2`);
  return { textlike: rows.filter((r) => r.textlike), uuid: rows.filter((r) => r.uuid) };
};

/** How many rows of each column contain each needle (lowercased, as a substring of the column's text). Only hits are returned. */
async function scan(t: T, columns: Column[], needles: Record<string, string>) {
  const list = sql.join(
    Object.entries(needles).map(([label, value]) => sql`(${label}, ${value.toLowerCase()})`),
    sql`, `,
  );
  // One statement for every column: a per-column round trip is 60+ on a slow PGlite.
  const perColumn = columns.map(
    ({ table, column }) => sql`
      SELECT ${table} AS "table", ${column} AS "column", n.label AS needle, count(*)::int AS rows
        FROM needles n JOIN ${sql.identifier(table)} x ON strpos(lower(x.${sql.identifier(column)}::text), n.needle) > 0
       GROUP BY n.label`,
  );
  return t.query<{ table: string; column: string; needle: string; rows: number }>(sql`
    WITH needles (label, needle) AS (VALUES ${list})
    ${sql.join(perColumn, sql` UNION ALL `)}
    ORDER BY 1, 2, 3`);
}

/** Rows holding `id` in any uuid column of schema public. */
async function scanUuid(t: T, columns: Column[], id: string) {
  const perColumn = columns.map(
    ({ table, column }) => sql`
      SELECT ${table} AS "table", ${column} AS "column", count(*)::int AS rows
        FROM ${sql.identifier(table)} WHERE ${sql.identifier(column)} = ${id}::uuid HAVING count(*) > 0`,
  );
  return t.query<{ table: string; column: string; rows: number }>(sql`${sql.join(perColumn, sql` UNION ALL `)} ORDER BY 1, 2`);
}

const rowCounts = (t: T, userId: string) =>
  t.query<Record<string, number>>(sql`
    SELECT (SELECT count(*) FROM users WHERE id = ${userId})::int AS users,
           (SELECT count(*) FROM sessions WHERE user_id = ${userId})::int AS sessions,
           (SELECT count(*) FROM checkins WHERE user_id = ${userId})::int AS checkins,
           (SELECT count(*) FROM saved_spots WHERE user_id = ${userId})::int AS saved_spots,
           (SELECT count(*) FROM user_achievements WHERE user_id = ${userId})::int AS user_achievements,
           (SELECT count(*) FROM spots WHERE created_by = ${userId})::int AS spots,
           (SELECT count(*) FROM rider_metrics WHERE user_id = ${userId})::int AS rider_metrics,
           (SELECT count(*) FROM notifications WHERE user_id = ${userId})::int AS notifications,
           (SELECT count(*) FROM notification_inboxes WHERE user_id = ${userId})::int AS notification_inboxes,
           (SELECT count(*) FROM leaderboard_entries WHERE user_id = ${userId})::int AS leaderboard_entries,
           (SELECT count(*) FROM spot_leaderboard_entries WHERE user_id = ${userId})::int AS spot_leaderboard_entries`);
/** rowCounts() of a rider who is gone: nothing in any rider-owned table. */
const NONE = {
  users: 0,
  sessions: 0,
  checkins: 0,
  saved_spots: 0,
  user_achievements: 0,
  spots: 0,
  rider_metrics: 0,
  notifications: 0,
  notification_inboxes: 0,
  leaderboard_entries: 0,
  spot_leaderboard_entries: 0,
};

describe('eraseRider()', () => {
  // The erasure runs once as the rider on themself, once as staff: the same proof for both.
  const cases = [
    { by: 'the rider', asked: 'rider' as const },
    { by: 'staff', asked: 'staff' as const },
  ];

  it.skipIf(!hasSessions()).for(cases)(
    'as $by: leaves none of the rider’s values in any text-like column of any table, and keeps every audit row',
    // About 60 statements: 3 s alone on PGlite, several times that beside the mutation gate's parallel runs.
    { timeout: 120_000 },
    async ({ asked }, { t }) => {
      const staff = (await createUser(t.db)).id;
      const achievement = (await createAchievement(t.db, { goal: 5 })).id;
      const otherSpot = (await createSpot(t.db)).id;
      const rider = await buildRider(t, staff, otherSpot, achievement);
      const bystander = await buildBystander(t, rider.spotCreated, achievement);
      const needles = { ...rider.values };
      const { textlike, uuid } = await publicColumns(t);
      // The trail, and rider_erasures, are among the columns scanned.
      expect(textlike.map((c) => `${c.table}.${c.column}`)).toEqual(
        expect.arrayContaining([
          'audit_logs.changes',
          'audit_logs.target_id',
          'users.email',
          'checkins.note',
          'rider_erasures.rider_digest',
        ]),
      );
      expect(uuid.map((c) => `${c.table}.${c.column}`)).toEqual(expect.arrayContaining(['audit_logs.actor_id', 'audit_logs.subject_id']));

      // Before: the scan finds every value that reached the database (it can fail), none of those redacted at capture.
      const before = await scan(t, textlike, needles);
      const found = new Set(before.map((h) => h.needle));
      expect(Object.keys(needles).filter((label) => !found.has(label) && !rider.goneAtCapture.includes(label))).toEqual([]);
      expect(rider.goneAtCapture.filter((label) => found.has(label))).toEqual([]);
      expect(await scanUuid(t, uuid, rider.id)).not.toEqual([]);

      const counts = (await rowCounts(t, rider.id))[0]!;
      const bystanderBefore = await everythingOf(t, bystander);
      const trailBefore = await auditRows(t);
      const riderRows = new Set(trailBefore.filter((r) => r.actor_id === rider.id || r.subject_id === rider.id).map((r) => r.id));

      // The fixture reached every rider-owned table: 3 live check-ins at 2 spots, all landed, and one unlock.
      expect(counts).toEqual({
        users: 1,
        sessions: 2,
        checkins: 3,
        saved_spots: 2,
        user_achievements: 1,
        spots: 1,
        rider_metrics: 3,
        notifications: 1,
        notification_inboxes: 1,
        leaderboard_entries: 1,
        spot_leaderboard_entries: 2,
      });

      const result = unwrap(
        asked === 'rider' ? await eraseRider(t.app, { rider: rider.id }, rider.id) : await eraseRider(t.db, { staff }, rider.id),
      );

      // The rider and what they own are gone; their spot stays, detached.
      expect(await rowCounts(t, rider.id)).toEqual([NONE]);
      const [spot] = await t.db.select().from(schema.spots).where(eq(schema.spots.id, rider.spotCreated));
      expect(spot).toMatchObject({ id: rider.spotCreated, created_by: null });

      // THE SCAN: no value of the rider in any text-like column, no rider id in any uuid column.
      const after = await scan(t, textlike, needles);
      expect(after, 'values of the erased rider still in the database').toEqual([]);
      expect(await scanUuid(t, uuid, rider.id)).toEqual([]);
      console.info(
        `erasure scan (${engine}): ${textlike.length} text-like and ${uuid.length} uuid columns, ${Object.keys(needles).length} values`,
      );

      // Nobody else's data moved, byte for byte (the bystander's rows include a check-in at and a bookmark of the rider's spot).
      expect(await everythingOf(t, bystander)).toEqual(bystanderBefore);

      // Every audit row is still there, saying what happened to which table and when.
      const trailAfter = await auditRows(t);
      const byId = new Map(trailAfter.map((r) => [r.id, r]));
      for (const row of trailBefore) {
        const now = byId.get(row.id);
        expect(now, `audit row ${row.id}`).toBeDefined();
        expect({ action: now!.action, table: now!.target_table, at: now!.created_at, tx: now!.transaction_id }).toEqual({
          action: row.action,
          table: row.target_table,
          at: row.created_at,
          tx: row.transaction_id,
        });
        if (!riderRows.has(row.id)) expect(now).toEqual(row);
      }
      // New rows: one per audited row the delete removed or detached, then the erasure's own. The counters,
      // the notifications and the inbox cascade too, but are not audited (PERSONAL_DATA: 'not_audited'), so
      // they add no row.
      const added = trailAfter.filter((r) => r.id > trailBefore.at(-1)!.id);
      const cascaded =
        counts.users! + counts.sessions! + counts.checkins! + counts.saved_spots! + counts.user_achievements! + counts.spots!;
      expect(trailAfter).toHaveLength(trailBefore.length + cascaded + 1);
      expect(
        added
          .slice(0, -1)
          .map((r) => `${r.target_table} ${r.action}`)
          .sort(),
      ).toEqual(
        [
          'users delete',
          ...rider.sessions.map(() => 'sessions delete'),
          ...Array.from({ length: counts.checkins! }, () => 'checkins delete'),
          'saved_spots delete',
          'saved_spots delete',
          'user_achievements delete',
          'spots update',
        ].sort(),
      );

      // One pseudonym, not the rider's id, for every row that named the rider, old or new.
      const named = trailAfter.filter((r) => riderRows.has(r.id) || added.slice(0, -1).includes(r));
      const pseudonyms = new Set(named.map((r) => r.subject_id));
      expect(pseudonyms.size).toBe(1);
      const [pseudonym] = pseudonyms;
      expect(pseudonym).toMatch(/^[0-9a-f-]{36}$/);
      expect(pseudonym).not.toBe(rider.id);
      for (const row of named) {
        const was = trailBefore.find((r) => r.id === row.id);
        // The actor was the rider (now the pseudonym), staff (still staff) or the system (still NULL).
        if (was) expect(row.actor_id).toBe(was.actor_id === rider.id ? pseudonym : was.actor_id);
        else expect(row.actor_id).toBe(asked === 'rider' ? pseudonym : staff);
      }
      expect(named.filter((r) => r.actor_id === staff).length).toBeGreaterThanOrEqual(2 /* staff's rename and take-down */);
      // The pseudonym is nowhere but in the trail: the tombstone cannot lead to it.
      expect((await scan(t, textlike, { pseudonym: pseudonym! })).filter((h) => h.table !== 'audit_logs')).toEqual([]);
      expect((await scanUuid(t, uuid, pseudonym!)).filter((h) => h.table !== 'audit_logs')).toEqual([]);

      // The erasure's own row: who asked, when, how many rows were redacted; about no rider.
      const erasure = added.at(-1)!;
      expect(erasure).toMatchObject({
        action: 'insert',
        target_table: 'rider_erasures',
        target_id: String(result.erasureId),
        actor_id: asked === 'rider' ? null : staff,
        subject_id: null,
        changes: { requested_by: asked, audit_rows_redacted: result.auditRowsRedacted },
      });
      expect(result.auditRowsRedacted).toBe(named.length);
      const tombstones = await t.query<{ id: string; requested_by: string; created_at: string }>(
        sql`SELECT id::text AS id, requested_by, created_at::text AS created_at FROM rider_erasures WHERE rider_digest = ${sha256(rider.id)}`,
      );
      expect(tombstones).toEqual([{ id: String(result.erasureId), requested_by: asked, created_at: erasure.created_at }]);
    },
  );

  it.skipIf(!hasSessions())(
    'leaves a tombstone: the erased id cannot be created again, and a retry returns the first erasure',
    async ({ t }) => {
      const staff = (await createUser(t.db)).id;
      const rider = await createUser(t.db);
      await createSession(t.db, rider.id);
      const first = unwrap(await eraseRider(t.app, { rider: rider.id }, rider.id));
      expect(first.auditRowsRedacted).toBeGreaterThanOrEqual(3 /* sign-up, session, the session's deletion */);

      const snapshot = async () =>
        (
          await t.query<{ n: string }>(
            sql`SELECT (SELECT count(*) FROM users) || '/' || (SELECT count(*) FROM audit_logs) || '/' || (SELECT count(*) FROM rider_erasures) AS n`,
          )
        )[0]!.n;
      const before = await snapshot();
      // A retried sign-up, by the admin login and by the app as the rider: refused by name, nothing written.
      const again = { ...buildUser(), id: rider.id };
      for (const attempt of [
        () => t.db.insert(schema.users).values(again),
        () => asRider(t.app, rider.id, (tx) => tx.insert(userWrites).values(again)),
      ]) {
        const error = await refusal(attempt());
        expect(error).toBeInstanceOf(DataRuleError);
        expect(error).toMatchObject({ rule: 'account_erased', kind: 'conflict', constraint: 'users_erased_guard', sqlstate: '23514' });
      }
      expect(await snapshot()).toBe(before);
      // Another id with the same handle and email is a new rider: the tombstone holds the id, nothing else.
      const other = await createUser(t.db, { handle: again.handle, email: again.email });
      expect(other.id).not.toBe(rider.id);

      // A retried erasure (the rider's request sent twice, or staff's) returns the first one and changes nothing.
      const afterOther = await snapshot();
      expect(unwrap(await eraseRider(t.app, { rider: rider.id }, rider.id))).toEqual({
        erasureId: first.erasureId,
        auditRowsRedacted: 0,
      });
      expect(unwrap(await eraseRider(t.db, { staff }, rider.id))).toEqual({ erasureId: first.erasureId, auditRowsRedacted: 0 });
      expect(await snapshot()).toBe(afterOther);

      // Tombstones are the erasure's alone to write, and hold only a digest and who asked.
      for (const [values, rule] of [
        [sql`(${rider.id}, 'rider')`, 'invalid_rider_digest'],
        [sql`(${sha256('someone else')}, 'support')`, 'invalid_erasure_requester'],
        [sql`(${sha256(rider.id)}, 'staff')`, 'rider_already_erased'],
      ] as const) {
        const error = await refusal(t.db.execute(sql`INSERT INTO rider_erasures (rider_digest, requested_by) VALUES ${values}`));
        expect(error).toMatchObject({ rule, sqlstate: rule === 'rider_already_erased' ? '23505' : '23514' });
      }

      // An id that never existed: not found, nothing written.
      const missing = refused(await eraseRider(t.db, { staff }, '00000000-0000-4000-8000-00000000e1a5'));
      expect(missing).toMatchObject({
        rule: 'rider_not_found',
        kind: 'missing_reference',
        constraint: 'erase_rider_found_guard',
        sqlstate: 'P0002',
      });
      const gone = refused(await exportRider(t.db, { staff }, rider.id));
      expect(gone).toMatchObject({ rule: 'rider_not_found', constraint: 'export_rider_found_guard', sqlstate: 'P0002' });
      expect(await snapshot()).toBe(afterOther);
    },
  );

  // Two requests for the same rider at once (a double-submitted form, a retried
  // job): on a server they run on two connections, and the second waits on the
  // first's tombstone (its unique digest), then answers as a retry. PGlite runs
  // them one after the other, which must answer the same.
  it.skipIf(!hasSessions())('erases once when two erasures of the same rider race', { timeout: 60_000 }, async ({ t }) => {
    const staff = (await createUser(t.db)).id;
    const rider = await createUser(t.db);
    await createSession(t.db, rider.id);
    const [{ n: before }] = (await t.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_logs')) as [{ n: number }];
    const results = (await Promise.all([eraseRider(t.db, { staff }, rider.id), eraseRider(t.app, { rider: rider.id }, rider.id)])).map(
      unwrap,
    );
    const [winner, retry] = [...results].sort((a, b) => b.auditRowsRedacted - a.auditRowsRedacted);
    expect(retry).toEqual({ erasureId: winner!.erasureId, auditRowsRedacted: 0 });
    expect(winner!.auditRowsRedacted).toBe(4 /* sign-up, session, and their two deletions */);
    expect(await t.query(sql`SELECT count(*)::int AS n FROM rider_erasures WHERE rider_digest = ${sha256(rider.id)}`)).toEqual([{ n: 1 }]);
    expect(await t.query('SELECT count(*)::int AS n FROM audit_logs')).toEqual([
      { n: before + 2 /* the deletions */ + 1 /* the erasure */ },
    ]);
  });
});

describe('who may erase and export, and the trail’s append-only rule', () => {
  it.skipIf(!hasSessions())('refuses a rider erasing or exporting another rider, and anonymous requests', async ({ t }) => {
    const [a, b] = [await createUser(t.db), await createUser(t.db)];
    await createCheckin(t.db, b.id, (await createSpot(t.db)).id, { note: 'b’s own' });
    const everything = () => everythingOf(t, b.id);
    const before = await everything();
    const [{ n: auditBefore }] = (await t.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_logs')) as [{ n: number }];

    const erase = refused(await eraseRider(t.app, { rider: a.id }, b.id));
    expect(erase).toBeInstanceOf(DataRuleError);
    expect(erase).toMatchObject({ rule: 'erasure_not_yours', kind: 'forbidden', constraint: 'erase_rider_rider_guard', sqlstate: '42501' });
    const read = refused(await exportRider(t.app, { rider: a.id }, b.id));
    expect(read).toMatchObject({ rule: 'export_not_yours', kind: 'forbidden', constraint: 'export_rider_rider_guard', sqlstate: '42501' });
    // Anonymous may not even call them. The flows' types take no anonymous caller; a handler that passed one
    // anyway runs as anonymous, and the grant refuses it.
    const anonymous = 'anonymous' as unknown as RiderCaller;
    for (const result of [await eraseRider(t.app, anonymous, b.id), await exportRider(t.app, anonymous, b.id)]) {
      expect(refused(result)).toMatchObject({ rule: 'permission_denied', constraint: 'privilege', sqlstate: '42501' });
    }
    expect(await refusal(asAnonymous(t.app, (tx) => tx.execute(sql`SELECT * FROM erase_rider(${b.id}::uuid)`)))).toMatchObject({
      rule: 'permission_denied',
      constraint: 'privilege',
      sqlstate: '42501',
    });
    // A rider cannot open the erasure's door to the trail by writing a tombstone of their own.
    const tombstone = await refusal(
      asRider(t.app, a.id, (tx) =>
        tx.execute(sql`INSERT INTO rider_erasures (rider_digest, requested_by) VALUES (${sha256(a.id)}, 'rider')`),
      ),
    );
    expect(tombstone).toMatchObject({ kind: 'forbidden', sqlstate: '42501' });

    expect(await everything()).toEqual(before);
    expect(await t.query('SELECT count(*)::int AS n FROM audit_logs')).toEqual([{ n: auditBefore }]);
    // The same calls for themself go through: the refusals were about whom.
    expect(unwrap(await exportRider(t.app, { rider: b.id }, b.id)).profile.id).toBe(b.id);
  });

  // The guards let staff (a member of skatehubba_owner) act without a rider.
  // On PGlite every session is the superuser, so only a real login shows that
  // the app without a rider, or support's login, is not staff.
  it.runIf(onServer)('refuses the app login without a rider, and support’s login, on the server', async ({ t }) => {
    const rider = await createUser(t.db);
    const noRider = (statement: SQL) =>
      t.app.transaction(async (tx) => {
        await tx.execute(sql`SELECT set_config('role', 'authenticated', true)`);
        return tx.execute(statement);
      });
    expect(await refusal(noRider(sql`SELECT * FROM erase_rider(${rider.id}::uuid)`))).toMatchObject({
      rule: 'erasure_not_yours',
      constraint: 'erase_rider_rider_guard',
    });
    expect(await refusal(noRider(sql`SELECT export_rider(${rider.id}::uuid)`))).toMatchObject({
      rule: 'export_not_yours',
      constraint: 'export_rider_rider_guard',
    });
    // The app login as it starts (anonymous), with no transaction at all.
    expect(await refusal(t.app.execute(sql`SELECT * FROM erase_rider(${rider.id}::uuid)`))).toMatchObject({ rule: 'permission_denied' });
    // Support answers "was this account erased, and when" from the tombstones, and reads the trail only through its parent.
    const erased = await createUser(t.db);
    unwrap(await eraseRider(t.db, { staff: (await createUser(t.db)).id }, erased.id));
    const [{ partition }] = (await t.query<{ partition: string }>(
      sql`SELECT tableoid::regclass::text AS partition FROM audit_logs ORDER BY id DESC LIMIT 1`,
    )) as [{ partition: string }];
    const support = await t.connect('readonly');
    try {
      for (const statement of [
        `SELECT * FROM erase_rider('${rider.id}')`,
        `SELECT export_rider('${rider.id}')`,
        `SELECT count(*) FROM ${partition}`,
      ]) {
        expect(await refusal(support.query(statement)), statement).toMatchObject({ rule: 'permission_denied', sqlstate: '42501' });
      }
      expect(await support.query('SELECT requested_by FROM rider_erasures WHERE rider_digest = $1', [sha256(erased.id)])).toEqual([
        { requested_by: 'staff' },
      ]);
    } finally {
      await support.close();
    }
    expect(await t.db.select({ id: schema.users.id }).from(schema.users).where(eq(schema.users.id, rider.id))).toEqual([{ id: rider.id }]);
  });

  it('refuses UPDATE, DELETE and TRUNCATE of the trail and of a partition, for the admin login outside an erasure', async ({ t }) => {
    const rider = await createUser(t.db);
    const [row] = await t.query<{ id: number; partition: string }>(
      sql`SELECT id::int AS id, tableoid::regclass::text AS partition FROM audit_logs WHERE target_id = ${rider.id} ORDER BY id LIMIT 1`,
    );
    // The rows live in a monthly partition (audit_partitions.audit_logs_YYYY_MM), read through the parent.
    expect(row!.partition).toMatch(/^audit_partitions\.audit_logs_(\d{4}_\d{2}|default)$/);
    const snapshot = () => t.query(sql`SELECT to_jsonb(a) AS row FROM audit_logs a WHERE id = ${row!.id}`);
    const before = await snapshot();
    for (const target of ['audit_logs', row!.partition]) {
      for (const statement of [
        `UPDATE ${target} SET target_id = 'x' WHERE id = ${row!.id}`,
        `UPDATE ${target} SET changes = '{}' WHERE id = ${row!.id}`,
        `DELETE FROM ${target} WHERE id = ${row!.id}`,
        `TRUNCATE ${target}`,
      ]) {
        expect(await refusal(t.query(statement)), statement).toMatchObject({ rule: 'audit_append_only', sqlstate: '23001' });
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it.skipIf(!hasSessions())(
    'refuses an UPDATE of the trail in a transaction without a tombstone, even for the superuser, and any other change with one',
    async ({ t }) => {
      const rider = await createUser(t.db);
      const [row] = await t.query<{ id: number }>(
        sql`SELECT id::int AS id FROM audit_logs WHERE target_id = ${rider.id} ORDER BY id LIMIT 1`,
      );
      const snapshot = () => t.query(sql`SELECT to_jsonb(a) AS row FROM audit_logs a WHERE id = ${row!.id}`);
      const before = await snapshot();
      const inTransaction = (tombstone: boolean, statement: SQL) =>
        t.db.transaction(async (tx) => {
          if (tombstone) {
            await tx.execute(
              sql`INSERT INTO rider_erasures (rider_digest, requested_by) VALUES (${sha256(randomBytes(8).toString('hex'))}, 'staff')`,
            );
          }
          await tx.execute(statement);
          // Never commit: a statement that got through must not change the shared database.
          throw new Error('rolled back: the statement was let through');
        });
      const pseudonymise = sql`UPDATE audit_logs SET actor_id = gen_random_uuid() WHERE id = ${row!.id}`;
      expect(await refusal(inTransaction(false, pseudonymise))).toMatchObject({ rule: 'audit_append_only', sqlstate: '23001' });
      // With a tombstone in the transaction (the erasure's door): only identities and changes may change, nothing may go.
      for (const statement of [
        sql`UPDATE audit_logs SET action = 'delete' WHERE id = ${row!.id}`,
        sql`UPDATE audit_logs SET target_table = 'spots' WHERE id = ${row!.id}`,
        sql`UPDATE audit_logs SET created_at = created_at - interval '1 day' WHERE id = ${row!.id}`,
        sql`DELETE FROM audit_logs WHERE id = ${row!.id}`,
      ]) {
        expect(await refusal(inTransaction(true, statement))).toMatchObject({ rule: 'audit_append_only', sqlstate: '23001' });
      }
      // The door itself is real: the same pseudonymising UPDATE with a tombstone gets as far as the rollback.
      await expect(inTransaction(true, pseudonymise)).rejects.toThrow('rolled back: the statement was let through');
      expect(await snapshot()).toEqual(before);
    },
  );

  it.skipIf(!hasSessions())('refuses the app every write to the trail and any touch of a partition', async ({ t }) => {
    const rider = await createUser(t.db);
    const [row] = await t.query<{ id: number; partition: string }>(
      sql`SELECT id::int AS id, tableoid::regclass::text AS partition FROM audit_logs WHERE target_id = ${rider.id} ORDER BY id LIMIT 1`,
    );
    const before = await t.query(sql`SELECT to_jsonb(a) AS row FROM audit_logs a WHERE id = ${row!.id}`);
    for (const target of ['audit_logs', row!.partition]) {
      for (const statement of [
        `UPDATE ${target} SET changes = '{}' WHERE id = ${row!.id}`,
        `DELETE FROM ${target} WHERE id = ${row!.id}`,
        `TRUNCATE ${target}`,
        `SELECT count(*) FROM ${target}`,
      ]) {
        for (const as of ['rider', 'anonymous'] as const) {
          const run = (tx: { execute(s: SQL): Promise<unknown> }) => tx.execute(sql.raw(statement));
          const attempt = as === 'rider' ? asRider(t.app, rider.id, run) : asAnonymous(t.app, run);
          expect(await refusal(attempt), `${as}: ${statement}`).toMatchObject({ rule: 'permission_denied', sqlstate: '42501' });
        }
      }
    }
    expect(await t.query(sql`SELECT to_jsonb(a) AS row FROM audit_logs a WHERE id = ${row!.id}`)).toEqual(before);
  });
});

describe('exportRider()', () => {
  /** Rider-owned tables as the catalog has them: users, and every table with a foreign key to users.id. */
  const riderOwnedTables = (t: T) =>
    t.query<{ table: string; column: string }>(`
      SELECT 'users' AS "table", 'id' AS "column"
      UNION
      SELECT c.conrelid::regclass::text, a.attname
        FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
       WHERE c.contype = 'f' AND c.confrelid = 'public.users'::regclass AND cardinality(c.conkey) = 1
      ORDER BY 1`);
  const liveColumns = async (t: T, tables: string[]) => {
    const rows = await t.query<{ table: string; column: string }>(sql`
      SELECT table_name AS "table", column_name AS "column" FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name IN (${sql.join(
         tables.map((name) => sql`${name}`),
         sql`, `,
       )})
       ORDER BY table_name, ordinal_position`);
    const result: Record<string, string[]> = {};
    for (const r of rows) (result[r.table] ??= []).push(r.column);
    return result;
  };
  const catalog = PERSONAL_DATA as Record<string, PersonalDataTable>;

  it('classifies every column of every rider-owned table, and names what the trail redacts and erases exactly', async ({ t }) => {
    const owned = await riderOwnedTables(t);
    expect(owned.map((o) => o.table).sort(), 'rider-owned tables (a foreign key to users.id) vs PERSONAL_DATA').toEqual(
      Object.keys(catalog).sort(),
    );
    for (const { table, column } of owned) expect(catalog[table]!.riderColumn, table).toBe(column);
    const live = await liveColumns(t, Object.keys(catalog));
    expect(Object.fromEntries(Object.entries(catalog).map(([table, spec]) => [table, Object.keys(spec.columns).sort()]))).toEqual(
      Object.fromEntries(Object.entries(live).map(([table, columns]) => [table, [...columns].sort()])),
    );
    // Only the token hash is withheld from the rider.
    const withheld = Object.entries(catalog).flatMap(([table, spec]) =>
      Object.entries(spec.columns)
        .filter(([, c]) => c.export !== 'exported')
        .map(([column]) => `${table}.${column}`),
    );
    expect(withheld).toEqual(['sessions.token_hash']);

    const [{ erased }] = (await t.query<{ erased: Record<string, string[]> }>('SELECT audit_erased_columns() AS erased')) as [
      { erased: Record<string, string[]> },
    ];
    expect(Object.fromEntries(Object.entries(erased).map(([table, columns]) => [table, [...columns].sort()]))).toEqual(
      trailErasedColumns(),
    );
    // What the audit triggers redact at capture: their second argument.
    const triggers = await t.query<{ table: string; def: string }>(`
      SELECT c.relname AS "table", pg_get_triggerdef(tg.oid) AS def FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid
       WHERE NOT tg.tgisinternal AND c.relnamespace = 'public'::regnamespace AND tg.tgname IN (c.relname || '_audit_insert_trg', c.relname || '_audit_update_trg', c.relname || '_audit_delete_trg')`);
    const redacted: Record<string, string[]> = {};
    for (const { table, def } of triggers) {
      // audit_row_change('<key columns>', '<redacted columns>', '<subject column>')
      const match = /audit_row_change\('[^']*', '([^']*)', '([^']*)'\)/.exec(def);
      expect(match, def).not.toBeNull();
      const columns = match![1]!.split(',').filter(Boolean).sort();
      if (columns.length && table in catalog) redacted[table] = columns;
      // The trail's subject is the column the catalog names as the rider's.
      if (table in catalog) expect(match![2], `${table}: subject column`).toBe(catalog[table]!.riderColumn);
    }
    expect(Object.keys(redacted).length).toBeGreaterThan(0);
    expect(redacted).toEqual(trailRedactedColumns());
  });

  it.skipIf(!hasSessions())(
    'exports every column of every rider-owned table, and the audit rows by and about the rider',
    { timeout: 120_000 },
    async ({ t }) => {
      const staff = (await createUser(t.db)).id;
      const achievement = await createAchievement(t.db, { goal: 5, tier: 'silver' });
      const otherSpot = (await createSpot(t.db)).id;
      const rider = await buildRider(t, staff, otherSpot, achievement.id);
      await buildBystander(t, rider.spotCreated, achievement.id);

      const exported = unwrap(await exportRider(t.app, { rider: rider.id }, rider.id));
      // Staff read the same (their export differs only in when it was made).
      const byStaff = unwrap(await exportRider(t.db, { staff }, rider.id));
      expect({ ...byStaff, exported_at: null }).toEqual({ ...exported, exported_at: null });
      expect(new Date(exported.exported_at).getTime()).not.toBeNaN();

      // Every rider-owned table has its section, holding exactly the rider's rows, every exported column with its value.
      const owned = await riderOwnedTables(t);
      const live = await liveColumns(
        t,
        owned.map((o) => o.table),
      );
      for (const { table, column } of owned) {
        const spec = catalog[table];
        expect(spec, `rider-owned table ${table} has no export section in PERSONAL_DATA`).toBeDefined();
        const section = exported[spec!.section];
        const rows = (Array.isArray(section) ? section : [section]) as Record<string, unknown>[];
        const dbRows = await t.query<{ row: Record<string, unknown> }>(
          sql`SELECT to_jsonb(x) AS row FROM ${sql.identifier(table)} x WHERE ${sql.identifier(column)} = ${rider.id}`,
        );
        expect(dbRows.length, `${table}: the fixture has rows`).toBeGreaterThan(0);
        expect(rows, `${table}: one exported row per row`).toHaveLength(dbRows.length);
        const shown = live[table]!.filter((c) => spec!.columns[c]?.export === 'exported');
        const withheld = live[table]!.filter((c) => !shown.includes(c));
        const pick = (row: Record<string, unknown>, columns: string[]) =>
          JSON.stringify(Object.fromEntries(columns.map((c) => [c, row[c] === undefined ? '(missing)' : row[c]])));
        for (const row of rows) {
          for (const c of shown) expect(Object.keys(row), `${spec!.section} lacks ${table}.${c}`).toContain(c);
          for (const c of withheld) expect(Object.keys(row), `${spec!.section} shows withheld ${table}.${c}`).not.toContain(c);
        }
        // Same values as the table holds (jsonb renders both the same way), compared as sets.
        expect(rows.map((r) => pick(r, shown)).sort()).toEqual(dbRows.map((r) => pick(r.row, shown)).sort());
      }

      // Content a person reads: names of what rows point at, oldest first, no token hash anywhere.
      const text = JSON.stringify(exported);
      for (const label of ['sessionATokenHash', 'sessionBTokenHash']) expect(text).not.toContain(rider.values[label]);
      expect(exported.profile).toMatchObject({ id: rider.id, email: rider.values.emailLater, handle: rider.values.handleLater });
      expect(exported.checkins.map((c) => c.spot_name)).not.toContain(undefined);
      expect(exported.saved_spots.every((s) => typeof s.spot_name === 'string' && s.spot_name.length > 0)).toBe(true);
      expect(exported.achievements).toEqual([
        expect.objectContaining({ achievement_id: achievement.id, achievement: achievement.name, tier: 'silver', progress: 5 }),
      ]);
      // The unlock's notice, with the achievement's name; unread, so the inbox counts it.
      expect(exported.notifications).toEqual([
        expect.objectContaining({
          kind: 'achievement_unlocked',
          achievement_id: achievement.id,
          achievement: achievement.name,
          read_at: null,
        }),
      ]);
      expect(exported.inbox).toEqual({ user_id: rider.id, unread_count: 1 });
      // Three live landed check-ins, two at the rider's spot (the deleted one counted back down).
      expect(exported.leaderboard).toEqual({ user_id: rider.id, landed: 3 });
      expect(Object.fromEntries(exported.spot_leaderboards.map((e) => [e.spot_id, e.landed]))).toEqual({
        [rider.spotCreated]: 2,
        [otherSpot]: 1,
      });
      expect(Object.fromEntries(exported.metrics.map((m) => [m.metric, m.value]))).toEqual({ checkins: 3, landed: 3, distinct_spots: 2 });
      expect(exported.spots_created.map((s) => s.id)).toEqual([rider.spotCreated]);
      const times = exported.checkins.map((c) => new Date(c.created_at).getTime());
      expect(times).toEqual([...times].sort((a, b) => a - b));

      // The trail: every row by or about the rider, oldest first, with who did it.
      const trail = await t.query<{ id: number; actor_id: string | null }>(
        sql`SELECT id::int AS id, actor_id FROM audit_logs WHERE actor_id = ${rider.id} OR subject_id = ${rider.id} ORDER BY id`,
      );
      expect(exported.audit_trail.map((r) => Number(r.id))).toEqual(trail.map((r) => Number(r.id)));
      const who = (actor: string | null) => (actor === rider.id ? 'you' : actor === null ? 'system' : 'staff');
      expect(exported.audit_trail.map((r) => r.by)).toEqual(trail.map((r) => who(r.actor_id)));
      expect(exported.audit_trail.filter((r) => r.by === 'staff')).toHaveLength(2 /* the rename and the take-down */);
      const rename = exported.audit_trail.find((r) => r.by === 'staff' && r.table === 'users');
      expect(rename).toMatchObject({
        action: 'update',
        row: rider.id,
        changes: { display_name: [rider.values.displayNameLater, rider.values.displayNameByStaff] },
      });
      // Notes and emails never reached the trail; the export shows the trail as it is.
      expect(JSON.stringify(exported.audit_trail)).not.toContain(rider.values.email);
      expect(JSON.stringify(exported.audit_trail)).not.toContain(rider.values.note1);
    },
  );
});

describe('account erasure through the foreign keys', () => {
  // The delete rules erasure relies on, one by one (eraseRider() deletes the user and lets them act).
  it.skipIf(!hasSessions())(
    'cascades what the rider owns, detaches their spots, and leaves others’ rows and the catalog alone',
    async ({ t }) => {
      const rider = await createUser(t.db);
      const bystander = await createUser(t.db);
      const spot = await createSpot(t.db, { created_by: rider.id });
      const achievement = await createAchievement(t.db, { goal: 2 });
      await createSession(t.db, rider.id);
      await createCheckin(t.db, rider.id, spot.id);
      await saveSpot(t.db, rider.id, spot.id);
      unwrap(await recordProgress(t.app, { rider: rider.id }, rider.id, { achievement_id: achievement.id, by: 2 }));
      const bystanderCheckin = await createCheckin(t.db, bystander.id, spot.id);
      await saveSpot(t.db, bystander.id, spot.id);
      expect(await rowCounts(t, rider.id)).toEqual([
        {
          users: 1,
          sessions: 1,
          checkins: 1,
          saved_spots: 1,
          user_achievements: 1,
          spots: 1,
          // The check-in's counters and leaderboard entries, and the unlock's notice and inbox.
          rider_metrics: 3,
          notifications: 1,
          notification_inboxes: 1,
          leaderboard_entries: 1,
          spot_leaderboard_entries: 1,
        },
      ]);

      const staff = (await createUser(t.db)).id;
      unwrap(await eraseRider(t.db, { staff }, rider.id));

      expect(await rowCounts(t, rider.id)).toEqual([NONE]);
      const [kept] = await t.db.select().from(schema.spots).where(eq(schema.spots.id, spot.id));
      expect(kept).toMatchObject({ id: spot.id, created_by: null });
      expect(await t.db.select().from(schema.checkins).where(eq(schema.checkins.user_id, bystander.id))).toEqual([bystanderCheckin]);
      expect(await t.db.select().from(schema.achievements).where(eq(schema.achievements.id, achievement.id))).toHaveLength(1);
      // The erasure's rows, attributed to staff: one per deleted or detached row, and its own.
      const erasure = await t.query<{ target_table: string; action: string }>(
        sql`SELECT target_table, action FROM audit_logs WHERE actor_id = ${staff} ORDER BY target_table, action`,
      );
      expect(erasure).toEqual([
        { target_table: 'checkins', action: 'delete' },
        { target_table: 'rider_erasures', action: 'insert' },
        { target_table: 'saved_spots', action: 'delete' },
        { target_table: 'sessions', action: 'delete' },
        { target_table: 'spots', action: 'update' },
        { target_table: 'user_achievements', action: 'delete' },
        { target_table: 'users', action: 'delete' },
      ]);
    },
  );
});
