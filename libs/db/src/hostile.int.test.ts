import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { achievementInsertSchema } from '@skatehubba/gamification';
import { buildAchievement } from '@skatehubba/gamification/factories';
import { userInsertSchema } from '@skatehubba/identity';
import { buildUser, createUser } from '@skatehubba/identity/factories';
import { DataRuleError } from '@skatehubba/schema-kit';
import { checkinInsertSchema, spotInsertSchema } from '@skatehubba/spots';
import { buildCheckin, buildSpot, createSpot } from '@skatehubba/spots/factories';
import { asDatabaseRefusal, databaseTest, HOSTILE_STRINGS, type TestDatabase } from '@skatehubba/testing';
import { toDataRuleError } from './errors';
import * as schema from './schema';

// Hostile text in every free-text column: each value is stored exactly (read
// back byte for byte) or refused with a named rule; nothing is truncated, and
// a refusal changes nothing.
const it = databaseTest(schema);
let rider: string;
let spot: string;

it.beforeAll(async ({ t }) => {
  rider = (await createUser(t.db)).id;
  spot = (await createSpot(t.db)).id;
});

/** A fresh 10-minute bucket for every check-in, so none is refused as a duplicate. */
let bucket = 0;
const nextBucket = () => new Date(Date.UTC(2026, 0, 1) + bucket++ * 600_000);

const LONG = [
  'x'.repeat(50), // display name limit
  'x'.repeat(51),
  'x'.repeat(120), // spot name limit
  'x'.repeat(121),
  '🛹'.repeat(500), // note limit in code points (1,000 UTF-16 units)
  '🛹'.repeat(501),
  'x'.repeat(100_000),
];
const SAMPLES = [...HOSTILE_STRINGS, ...LONG];

/** Each free-text column: how to insert a row carrying `value`, the zod schema for it, and how to read it back. */
const COLUMNS = [
  {
    column: 'users.display_name',
    schema: userInsertSchema,
    row: (value: string) => buildUser({ display_name: value }),
    insert: (t: TestDatabase<typeof schema>, row: object) =>
      t.db
        .insert(schema.users)
        .values(row as never)
        .returning({ id: schema.users.id, stored: schema.users.display_name }),
  },
  {
    column: 'spots.name',
    schema: spotInsertSchema,
    row: (value: string) => buildSpot({ name: value }),
    insert: (t: TestDatabase<typeof schema>, row: object) =>
      t.db
        .insert(schema.spots)
        .values(row as never)
        .returning({ id: schema.spots.id, stored: schema.spots.name }),
  },
  {
    column: 'spots.description',
    schema: spotInsertSchema,
    row: (value: string) => buildSpot({ description: value }),
    insert: (t: TestDatabase<typeof schema>, row: object) =>
      t.db
        .insert(schema.spots)
        .values(row as never)
        .returning({ id: schema.spots.id, stored: schema.spots.description }),
  },
  {
    column: 'checkins.trick',
    schema: checkinInsertSchema,
    row: (value: string) => buildCheckin(rider, spot, { trick: value, created_at: nextBucket() }),
    insert: (t: TestDatabase<typeof schema>, row: object) =>
      t.db
        .insert(schema.checkins)
        .values(row as never)
        .returning({ id: schema.checkins.id, stored: schema.checkins.trick }),
  },
  {
    column: 'checkins.note',
    schema: checkinInsertSchema,
    row: (value: string) => buildCheckin(rider, spot, { note: value, created_at: nextBucket() }),
    insert: (t: TestDatabase<typeof schema>, row: object) =>
      t.db
        .insert(schema.checkins)
        .values(row as never)
        .returning({ id: schema.checkins.id, stored: schema.checkins.note }),
  },
  {
    column: 'achievements.description',
    schema: achievementInsertSchema,
    row: (value: string) => buildAchievement({ description: value }),
    insert: (t: TestDatabase<typeof schema>, row: object) =>
      t.db
        .insert(schema.achievements)
        .values(row as never)
        .returning({ id: schema.achievements.id, stored: schema.achievements.description }),
  },
];

describe('hostile text', () => {
  it.for(COLUMNS.map((c) => [c.column, c] as const))('%s: stored exactly or refused by name, and zod agrees', async ([_, c], { t }) => {
    let stored = 0;
    let refused = 0;
    for (const value of SAMPLES) {
      // An id of our own, so the audit rows of this one insert can be found.
      const row = { ...c.row(value), id: randomUUID() };
      const zodAccepts = c.schema.safeParse(row).success;
      const result = await c.insert(t, row).then(
        (rows) => ({ ok: true as const, rows }),
        (error: unknown) => ({ ok: false as const, error }),
      );
      if (result.ok) {
        stored++;
        // Read back through a fresh query: byte-for-byte what was sent.
        const [table, column] = c.column.split('.') as [string, string];
        const [readBack] = await t.query<{ stored: string }>(
          sql`SELECT ${sql.identifier(column)} AS stored FROM ${sql.identifier(table)} WHERE id = ${row.id}`,
        );
        expect(result.rows[0]!.stored, `${c.column} returned ${JSON.stringify(value.slice(0, 40))} changed`).toBe(value);
        expect(readBack?.stored, `${c.column} stored ${JSON.stringify(value.slice(0, 40))} changed`).toBe(value);
      } else {
        refused++;
        const refusal = asDatabaseRefusal(result.error);
        expect(refusal?.code, String(result.error)).toMatch(/^2[23]/);
        // NUL is refused by the text type itself (22021); everything else by a named rule.
        if (refusal!.code !== '22021') expect(toDataRuleError(result.error)).toBeInstanceOf(DataRuleError);
        expect(await t.query(sql`SELECT count(*)::int AS n FROM audit_logs WHERE target_id = ${row.id}`)).toEqual([{ n: 0 }]);
      }
      expect(zodAccepts, `${c.column}: zod and the database disagree on ${JSON.stringify(value.slice(0, 40))}`).toBe(result.ok);
    }
    expect(stored).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });

  it('SQL-looking text is data: the tables are all still there', async ({ t }) => {
    const [row] = await t.db
      .insert(schema.spots)
      .values(buildSpot({ name: "'; DROP TABLE users; --" }))
      .returning({ id: schema.spots.id });
    expect(await t.db.select({ name: schema.spots.name }).from(schema.spots).where(eq(schema.spots.id, row!.id))).toEqual([
      { name: "'; DROP TABLE users; --" },
    ]);
    const tables = await t.query<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
    );
    // Every table of the schema, by name: 9 before 0010, six more since (the counters, the inbox, the leaderboards).
    expect(tables.map((r) => r.name)).toEqual([
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
    ]);
  });

  it('a lone UTF-16 surrogate is refused by zod: the drivers would store U+FFFD instead', async ({ t }) => {
    const lone = 'kick\uD800flip';
    for (const c of COLUMNS) expect(c.schema.safeParse(c.row(lone)).success, c.column).toBe(false);
    // What zod prevents: bypassing it, the driver re-encodes the string and the stored text differs.
    const [row] = await t.db
      .insert(schema.spots)
      .values(buildSpot({ name: lone }))
      .returning();
    expect(row!.name).toBe('kick\uFFFDflip');
    await t.db.delete(schema.spots).where(eq(schema.spots.id, row!.id));
  });

  it('invalid UTF-8 that reaches the server is refused by Postgres, not stored', async ({ t }) => {
    // 0xED 0xA0 0x80 is a UTF-8-encoded surrogate (U+D800): not valid UTF-8.
    const error = await t
      .query(sql`INSERT INTO spots (name, latitude, longitude) VALUES (convert_from('\\xeda080'::bytea, 'UTF8'), 0, 0)`)
      .catch((e: unknown) => e);
    expect(asDatabaseRefusal(error)?.code).toBe('22021');
  });
});
