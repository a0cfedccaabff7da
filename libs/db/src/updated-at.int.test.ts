import { sql, type SQL } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { createAchievement } from '@skatehubba/gamification/factories';
import { createSession, createUser } from '@skatehubba/identity/factories';
import { createCheckin, createSpot } from '@skatehubba/spots/factories';
import { databaseTest, type TestDatabase } from '@skatehubba/testing';
import * as schema from './schema';

// Integration: updated_at on every mutable table, for raw SQL as for drizzle.
// It starts equal to created_at, moves on an update that changes the row, and
// stays on a no-op update. Application code never sets it.
const it = databaseTest(schema);
type Db = TestDatabase<typeof schema>;

/** One row of each mutable table, and a raw update that changes it. */
async function rowsToChange(t: Db): Promise<{ table: string; where: SQL; change: SQL }[]> {
  const rider = await createUser(t.db);
  const session = await createSession(t.db, rider.id);
  const spot = await createSpot(t.db);
  const checkin = await createCheckin(t.db, rider.id, spot.id);
  const achievement = await createAchievement(t.db, { goal: 5 });
  await t.query(sql`INSERT INTO user_achievements (user_id, achievement_id, goal, progress) VALUES (${rider.id}, ${achievement.id}, 5, 0)`);
  return [
    { table: 'users', where: sql`id = ${rider.id}`, change: sql`display_name = 'Renamed'` },
    { table: 'sessions', where: sql`id = ${session.id}`, change: sql`revoked_at = now()` },
    { table: 'spots', where: sql`id = ${spot.id}`, change: sql`name = 'Renamed ledge'` },
    { table: 'checkins', where: sql`id = ${checkin.id}`, change: sql`note = 'second try'` },
    { table: 'achievements', where: sql`id = ${achievement.id}`, change: sql`name = 'Renamed badge'` },
    { table: 'user_achievements', where: sql`user_id = ${rider.id} AND achievement_id = ${achievement.id}`, change: sql`progress = 1` },
  ];
}

const state = (t: Db, table: string, where: SQL) =>
  t.query<{ fresh: boolean; moved: boolean; updated_at: string }>(
    sql`SELECT updated_at = created_at AS fresh, updated_at > created_at AS moved, updated_at::text FROM ${sql.identifier(table)} WHERE ${where}`,
  );

describe('updated_at', () => {
  it('starts at created_at, moves on a raw update of every mutable table, and stays on a no-op update', async ({ t }) => {
    const rows = await rowsToChange(t);
    expect(rows.map((r) => r.table).sort()).toEqual(['achievements', 'checkins', 'sessions', 'spots', 'user_achievements', 'users']);
    for (const { table, where, change } of rows) {
      const [before] = await state(t, table, where);
      expect(before, table).toMatchObject({ fresh: true });
      await t.query(sql`UPDATE ${sql.identifier(table)} SET ${change} WHERE ${where}`);
      const [after] = await state(t, table, where);
      expect(after, table).toMatchObject({ moved: true });
      await t.query(sql`UPDATE ${sql.identifier(table)} SET updated_at = updated_at WHERE ${where}`);
      const [again] = await state(t, table, where);
      expect(again!.updated_at, table).toBe(after!.updated_at);
    }
  });
});
