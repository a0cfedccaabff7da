import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import { withActor } from '@skatehubba/audit';
import { recordProgress } from '@skatehubba/gamification';
import { sessionWrites, userWrites } from '@skatehubba/identity';
import { asRider, rowsOf, unwrap } from '@skatehubba/schema-kit';
import { savedSpotWrites, spotWrites } from '@skatehubba/spots';

type Db = NodePgDatabase<Record<string, unknown>>;

/**
 * What a heavy rider does besides checking in, per rider. Every write goes
 * through the path the API (or staff) takes, so the audit trigger writes the
 * rows an erasure must redact: sign-up and profile edits, sessions and
 * sign-outs, spots they created, saves and unsaves, achievement progress,
 * check-in edits and deletions as the rider, and a staff sign-out.
 */
export const HEAVY_SHAPE = {
  profileEdits: 10,
  sessions: 12,
  signOuts: 8,
  spotsCreated: 3,
  saves: 60,
  unsaves: 15,
  achievements: 8,
  progressSteps: 3,
  /** Share of check-ins the rider edits (note, media) and deletes afterwards. */
  editShare: 0.1,
  deleteShare: 0.01,
} as const;

/** Check-ins per owner statement when building a heavy rider. */
const CHECKIN_BATCH = 500;

/** A signed media URL the schema accepts, unique to `path`. */
const signedUrl = (path: string) =>
  `https://media.skatehubba.test/${path}?X-Amz-Expires=604800&X-Amz-Signature=${createHash('sha256').update(path).digest('hex')}`;

export interface BuiltRider {
  id: string;
  handle: string;
}

/**
 * Builds a heavy rider: `checkins` check-ins plus HEAVY_SHAPE. The API stamps
 * a check-in's created_at with now() and the duplicate rule allows one per
 * rider, spot and 10 minutes, so a few thousand check-ins cannot come through
 * asRider() in one run: they are written as an import would write them, by
 * the owner's login with the rider as actor (withActor), one an hour back
 * from now, in 500-row statements; each row still fires the audit trigger.
 * Everything else goes through asRider() as the API does.
 */
export async function buildHeavyRider(
  pool: pg.Pool,
  db: Db,
  {
    label,
    checkins,
    spotIds,
    achievementIds,
    staffId,
  }: { label: string; checkins: number; spotIds: string[]; achievementIds: string[]; staffId: string },
): Promise<BuiltRider> {
  const id = randomUUID();
  const tag = `${label}_${id.replaceAll('-', '').slice(0, 12)}`;
  const handle = `heavy_${tag}`;
  const H = HEAVY_SHAPE;
  await asRider(db, id, (tx) =>
    tx.insert(userWrites).values({
      id,
      handle,
      email: `${handle}@example.com`,
      display_name: `Heavy ${tag}`,
      stance: 'regular',
      avatar_url: signedUrl(`avatars/${tag}/0.jpg`),
    }),
  );
  for (let i = 1; i <= H.profileEdits; i++) {
    // One request per edit; every third renames the handle.
    await asRider(db, id, (tx) =>
      tx.execute(
        i % 3 === 0
          ? sql`UPDATE users SET handle = ${`${handle}_${i}`} WHERE id = ${id}`
          : sql`UPDATE users SET display_name = ${`Heavy ${tag} v${i}`}, avatar_url = ${signedUrl(`avatars/${tag}/${i}.jpg`)} WHERE id = ${id}`,
      ),
    );
  }
  const expires = new Date(Date.now() + 30 * 86_400_000);
  for (let i = 0; i < H.sessions; i++) {
    const tokenHash = createHash('sha256').update(`${tag}-session-${i}`).digest('hex');
    await asRider(db, id, (tx) => tx.insert(sessionWrites).values({ user_id: id, token_hash: tokenHash, expires_at: expires }));
  }
  await asRider(db, id, (tx) =>
    tx.execute(
      sql`UPDATE sessions SET revoked_at = now() WHERE id IN (SELECT id FROM sessions WHERE user_id = ${id} ORDER BY created_at, id LIMIT ${H.signOuts})`,
    ),
  );
  // Support signs the rider out of one more session: a row by staff about the rider.
  await withActor(db, staffId, (tx) =>
    tx.execute(
      sql`UPDATE sessions SET revoked_at = now() WHERE id = (SELECT id FROM sessions WHERE user_id = ${id} AND revoked_at IS NULL ORDER BY id LIMIT 1)`,
    ),
  );
  for (let i = 0; i < H.spotsCreated; i++) {
    await asRider(db, id, (tx) =>
      tx.insert(spotWrites).values({
        name: `DIY ${tag} ${i}`,
        description: `Built by ${handle}`,
        latitude: 10 + ((parseInt(tag.slice(-6), 16) % 6000) / 100 + i / 1000),
        longitude: -100 + i / 1000,
        photo_url: signedUrl(`spots/${tag}/${i}.jpg`),
        created_by: id,
      }),
    );
  }
  const saved = spotIds.slice(0, H.saves);
  await asRider(db, id, (tx) => tx.insert(savedSpotWrites).values(saved.map((spot_id) => ({ user_id: id, spot_id }))));
  await asRider(db, id, (tx) =>
    tx.execute(
      sql`DELETE FROM saved_spots WHERE user_id = ${id} AND spot_id IN (${sql.join(
        saved.slice(0, H.unsaves).map((s) => sql`${s}::uuid`),
        sql`, `,
      )})`,
    ),
  );
  for (const achievementId of achievementIds.slice(0, H.achievements)) {
    for (let s = 0; s < H.progressSteps; s++)
      unwrap(await recordProgress(db as never, { rider: id }, id, { achievement_id: achievementId }));
  }

  // Check-ins, newest first, one an hour apart: 3,000 span 125 days.
  const client = await pool.connect();
  try {
    const cdb = drizzle(client);
    const hour = 3_600_000;
    const now = Date.now();
    for (let from = 0; from < checkins; from += CHECKIN_BATCH) {
      const n = Math.min(CHECKIN_BATCH, checkins - from);
      const cols = {
        spot: [] as string[],
        status: [] as string[],
        stance: [] as string[],
        note: [] as (string | null)[],
        media: [] as (string | null)[],
        at: [] as string[],
      };
      for (let k = from; k < from + n; k++) {
        cols.spot.push(spotIds[k % spotIds.length]!);
        cols.status.push(['landed', 'bailed', 'retry'][k % 3]!);
        cols.stance.push(k % 4 === 0 ? 'goofy' : 'regular');
        cols.note.push(k % 3 === 0 ? `note ${tag} #${k}: sketchy landing` : null);
        cols.media.push(k % 5 === 0 ? signedUrl(`checkins/${tag}/${k}.mp4`) : null);
        cols.at.push(new Date(now - (k + 1) * hour).toISOString());
      }
      await withActor(cdb, id, async () => {
        await client.query(
          `INSERT INTO checkins (user_id, spot_id, trick, trick_status, stance, note, media_url, created_at, updated_at)
           SELECT $1, s, 'kickflip', st::trick_status, sn::stance, nt, md, at, at
             FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[]) AS u(s, st, sn, nt, md, at)`,
          [id, cols.spot, cols.status, cols.stance, cols.note, cols.media, cols.at],
        );
      });
    }
  } finally {
    client.release();
  }
  const { rows } = await pool.query<{ id: string }>('SELECT id FROM checkins WHERE user_id = $1 ORDER BY created_at DESC, id', [id]);
  const edits = rows.slice(0, Math.round(checkins * H.editShare));
  for (let i = 0; i < edits.length; i += 25) {
    // A rider's editing session: 25 edits per request.
    await asRider(db, id, async (tx) => {
      for (const [k, row] of edits.slice(i, i + 25).entries()) {
        await tx.execute(
          sql`UPDATE checkins SET note = ${`edited ${tag} #${i + k}`}, media_url = ${signedUrl(`checkins/${tag}/edit-${i + k}.mp4`)} WHERE id = ${row.id}`,
        );
      }
    });
  }
  const deletes = rows.slice(rows.length - Math.round(checkins * H.deleteShare));
  await asRider(db, id, (tx) =>
    tx.execute(
      sql`DELETE FROM checkins WHERE id IN (${sql.join(
        deletes.map((r) => sql`${r.id}::uuid`),
        sql`, `,
      )})`,
    ),
  );
  return { id, handle };
}

/** What the database holds of one rider, and the trail's size. */
export interface Footprint {
  users: number;
  sessions: number;
  checkins: number;
  saved_spots: number;
  user_achievements: number;
  spots_created: number;
  /** Audit rows by the rider or about them (actor_id or subject_id). */
  audit_rows: number;
  trail: number;
}

export async function footprint(pool: pg.Pool, id: string): Promise<Footprint> {
  const { rows } = await pool.query<Record<keyof Footprint, string>>(
    `SELECT (SELECT count(*) FROM users WHERE id = $1) AS users,
            (SELECT count(*) FROM sessions WHERE user_id = $1) AS sessions,
            (SELECT count(*) FROM checkins WHERE user_id = $1) AS checkins,
            (SELECT count(*) FROM saved_spots WHERE user_id = $1) AS saved_spots,
            (SELECT count(*) FROM user_achievements WHERE user_id = $1) AS user_achievements,
            (SELECT count(*) FROM spots WHERE created_by = $1) AS spots_created,
            (SELECT count(*) FROM audit_logs WHERE actor_id = $1 OR subject_id = $1) AS audit_rows,
            (SELECT count(*) FROM audit_logs) AS trail`,
    [id],
  );
  return Object.fromEntries(Object.entries(rows[0]!).map(([k, v]) => [k, Number(v)])) as unknown as Footprint;
}

/** Rows the erasure deletes: the rider and everything that cascades. */
export const rowsDeleted = (f: Footprint) => f.users + f.sessions + f.checkins + f.saved_spots + f.user_achievements;

export interface Erasure {
  rider: string;
  kind: 'heavy' | 'typical';
  before: Footprint;
  ms: number;
  erasure_id: number;
  audit_rows_redacted: number;
  rows_deleted: number;
  spots_detached: number;
  /** Rows the erasure added to the trail (deletes, detached spots, its own row). */
  trail_added: number;
}

/**
 * eraseRider as staff: withActor() (BEGIN, the actor setting, the call,
 * COMMIT: what a staff tool sends) on the admin login, a member of
 * skatehubba_owner. Timed end to end; then checks that nothing of the rider
 * is left and no audit row was deleted.
 */
export async function timedErasure(pool: pg.Pool, db: Db, staffId: string, rider: string, kind: Erasure['kind']): Promise<Erasure> {
  const before = await footprint(pool, rider);
  const start = performance.now();
  const result = await withActor(db, staffId, (tx) => tx.execute(sql`SELECT * FROM erase_rider(${rider}::uuid)`));
  const ms = performance.now() - start;
  const row = rowsOf<{ erasure_id: string; audit_rows_redacted: number }>(result)[0]!;
  const after = await footprint(pool, rider);
  const left = rowsDeleted(after) + after.spots_created + after.audit_rows;
  if (left !== 0) throw new Error(`erasing ${rider} left ${left} rows naming them: ${JSON.stringify(after)}`);
  if (after.trail < before.trail) throw new Error(`erasing ${rider} removed ${before.trail - after.trail} audit rows`);
  return {
    rider,
    kind,
    before,
    ms,
    erasure_id: Number(row.erasure_id),
    audit_rows_redacted: Number(row.audit_rows_redacted),
    rows_deleted: rowsDeleted(before),
    spots_detached: before.spots_created,
    trail_added: after.trail - before.trail,
  };
}

export interface ExplainedErasure {
  ms: number;
  audit_rows_redacted: number;
  /** Statements inside erase_rider() that took at least EXPLAIN_MIN_MS, with their time. */
  statements: { ms: number; query: string }[];
  /** The redaction UPDATE's time and plan (EXPLAIN ANALYZE through auto_explain), when logged. */
  redaction: { ms: number; plan: string } | null;
}

/** auto_explain logs statements inside erase_rider() that take at least this long. */
const EXPLAIN_MIN_MS = 5;

/**
 * eraseRider as staff with auto_explain loaded for the transaction
 * (log_analyze, nested statements): the plan and time of every statement the
 * function runs that takes 5 ms or more, sent to this client as notices.
 * Instrumented, so its total is slower than timedErasure's. Needs a
 * superuser (LOAD); returns null elsewhere (Neon).
 */
export async function explainedErasure(pool: pg.Pool, staffId: string, rider: string): Promise<ExplainedErasure | null> {
  const { rows: su } = await pool.query<{ su: boolean }>('SELECT rolsuper AS su FROM pg_roles WHERE rolname = current_user');
  if (!su[0]?.su) return null;
  const client = await pool.connect();
  const notices: string[] = [];
  const onNotice = (n: { message?: string }) => void notices.push(n.message ?? '');
  client.on('notice', onNotice);
  try {
    await client.query('BEGIN');
    await client.query(`SELECT set_config('skatehubba.actor_id', $1, true)`, [staffId]);
    await client.query("LOAD 'auto_explain'");
    for (const setting of [
      `auto_explain.log_min_duration = ${EXPLAIN_MIN_MS}`,
      'auto_explain.log_analyze = on',
      'auto_explain.log_buffers = on',
      'auto_explain.log_timing = on',
      'auto_explain.log_triggers = on',
      'auto_explain.log_nested_statements = on',
      'auto_explain.log_level = notice',
    ])
      await client.query(`SET LOCAL ${setting}`);
    const start = performance.now();
    const { rows } = await client.query<{ audit_rows_redacted: number }>('SELECT * FROM erase_rider($1::uuid)', [rider]);
    const ms = performance.now() - start;
    await client.query('COMMIT');
    const statements = notices
      .map((n) => {
        const m = /^duration: ([\d.]+) ms\s+plan:\s*\nQuery Text: ([\s\S]*)$/.exec(n);
        return m ? { ms: Number(m[1]), text: m[2]! } : null;
      })
      .filter((s): s is { ms: number; text: string } => s !== null);
    const redaction = statements.find((s) => /^\s*UPDATE\s+(public\.)?audit_logs\b/im.test(s.text));
    return {
      ms,
      audit_rows_redacted: Number(rows[0]!.audit_rows_redacted),
      statements: statements.map((s) => ({ ms: s.ms, query: s.text.split('\n')[0]!.trim().slice(0, 120) })),
      redaction: redaction ? { ms: redaction.ms, plan: redaction.text } : null,
    };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.off('notice', onNotice);
    // auto_explain stays loaded in this backend: do not hand it back to the pool.
    client.release(true);
  }
}

/**
 * `n` riders with the median number of check-ins among the seeded ones
 * (deterministic for a database), the typical rider an erasure meets.
 */
export async function typicalRiders(pool: pg.Pool, n: number): Promise<{ ids: string[]; checkins: number }> {
  const { rows } = await pool.query<{ id: string; n: string }>(
    `WITH per AS (SELECT u.id, count(c.id) AS n FROM users u LEFT JOIN checkins c ON c.user_id = u.id
                   WHERE u.handle NOT LIKE 'heavy\\_%' GROUP BY u.id),
          med AS (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY n) AS m FROM per)
     SELECT per.id, per.n FROM per, med WHERE per.n = med.m ORDER BY md5(per.id::text) LIMIT $1`,
    [n],
  );
  return { ids: rows.map((r) => r.id), checkins: Number(rows[0]?.n ?? 0) };
}
