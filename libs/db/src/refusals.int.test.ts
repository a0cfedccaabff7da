import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, inject } from 'vitest';
import { createAchievement } from '@skatehubba/gamification/factories';
import { createUser } from '@skatehubba/identity/factories';
import { AUDIT_REFUSALS } from '@skatehubba/audit';
import { GAMIFICATION_REFUSALS } from '@skatehubba/gamification';
import { IDENTITY_REFUSALS } from '@skatehubba/identity';
import { NOTIFICATIONS_REFUSALS } from '@skatehubba/notifications';
import { asRider, DataRuleError, pgErrorFields } from '@skatehubba/schema-kit';
import { checkinWrites, SPOTS_REFUSALS } from '@skatehubba/spots';
import { createCheckin, createSpot } from '@skatehubba/spots/factories';
import { databaseTest, hasSessions, type TestDatabase } from '@skatehubba/testing';
import { REFUSALS, toDataRuleError } from './errors';
import * as schema from './schema';

// Integration: every rule the database can refuse with maps to a typed error,
// read from the catalog so a new constraint without a mapping fails here.
const it = databaseTest(schema);

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'expected the statement to be refused').toBeDefined();
  return toDataRuleError(error);
};

describe('toDataRuleError()', () => {
  it('has a mapping for every constraint, unique index, trigger- or function-raised rule and policy in the catalog, and none extra', async ({
    t,
  }) => {
    const rows = await t.query<{ name: string }>(`
      SELECT conname AS name FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND contype IN ('p', 'f', 'u', 'c', 'x')
      UNION SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND indexdef LIKE 'CREATE UNIQUE INDEX%'
      UNION SELECT (regexp_matches(prosrc, 'CONSTRAINT = ''([a-z_]+)''', 'g'))[1] FROM pg_proc WHERE pronamespace = 'public'::regnamespace
      UNION SELECT polname FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid WHERE c.relnamespace = 'public'::regnamespace
      ORDER BY 1`);
    const names = rows.map((r) => r.name);
    expect(names).toContain('checkins_spot_active_trg');
    expect(names).toContain('archive_spot_creator_guard');
    expect(names).toContain('checkins_check_in_own_pol');
    // One of each kind from 0010-0013: a counter's check, the inbox's policy, a guard raised in a function.
    expect(names).toContain('rider_metrics_metric_ck');
    expect(names).toContain('notifications_own_mark_pol');
    expect(names).toContain('notifications_user_achievement_uq');
    expect(names).toContain('prune_notifications_staff_guard');
    expect(names).toContain('roll_leaderboards_staff_guard');
    // REFUSALS spreads every team's table: a name in two of them would silently keep only the last.
    const teams = [IDENTITY_REFUSALS, SPOTS_REFUSALS, GAMIFICATION_REFUSALS, NOTIFICATIONS_REFUSALS, AUDIT_REFUSALS];
    expect(Object.keys(REFUSALS)).toHaveLength(teams.reduce((n, table) => n + Object.keys(table).length, 0));
    expect(
      names.filter((name) => !(name in REFUSALS)),
      'constraints without a typed error',
    ).toEqual([]);
    expect(
      Object.keys(REFUSALS).filter((name) => !names.includes(name)),
      'mappings for constraints that no longer exist',
    ).toEqual([]);
  });

  it('tells a rider refused as a duplicate when they may check in again', async ({ t }) => {
    const rider = await createUser(t.db);
    const spot = await createSpot(t.db);
    await createCheckin(t.db, rider.id, spot.id, { created_at: new Date('2026-03-14T12:03:00Z') });
    const error = await refusal(createCheckin(t.db, rider.id, spot.id, { created_at: new Date('2026-03-14T12:07:30Z') }));
    expect(error).toBeInstanceOf(DataRuleError);
    expect(error).toMatchObject({
      rule: 'duplicate_checkin',
      kind: 'conflict',
      constraint: 'checkins_user_spot_window_uq',
      sqlstate: '23505',
      facts: { retryAt: new Date('2026-03-14T12:10:00Z') },
    });
    expect((error as Error).message).toContain('check in again from 2026-03-14T12:10:00.000Z');
  });

  it('tells a missing parent from a parent still in use on the same foreign key', async ({ t }) => {
    const rider = await createUser(t.db);
    const spot = await createSpot(t.db);
    await createCheckin(t.db, rider.id, spot.id);
    // Postgres 15 reports a RESTRICT refusal as 23503 ("still referenced"); PGlite
    // (Postgres 17) as 23001 restrict_violation. The mapping reads both the same.
    const inUse = await refusal(t.db.delete(schema.spots).where(eq(schema.spots.id, spot.id)));
    expect(inUse).toMatchObject({ rule: 'spot_has_checkins', kind: 'in_use' });
    expect(['23001', '23503']).toContain((inUse as DataRuleError).sqlstate);
    expect(await refusal(createCheckin(t.db, rider.id, '00000000-0000-4000-8000-000000000000'))).toMatchObject({
      rule: 'spot_not_found',
      kind: 'missing_reference',
      sqlstate: '23503',
    });
  });

  it('names check and trigger rules, and keeps the driver error as the cause', async ({ t }) => {
    const bad = await refusal(createSpot(t.db, { latitude: 91 }));
    expect(bad).toMatchObject({ rule: 'latitude_out_of_range', kind: 'invalid', sqlstate: '23514' });
    expect(pgErrorFields((bad as Error).cause)).toMatchObject({ code: '23514', constraint: 'spots_latitude_ck' });
    expect(await refusal(t.query('DELETE FROM audit_logs'))).toMatchObject({ rule: 'audit_append_only', sqlstate: '23001' });
  });

  // As the app role with a rider set: asRider() needs a transaction, which
  // neon-http has not. On PGlite its SET LOCAL ROLE is what makes grants and
  // policies apply; on a server t.app is the API's own login as well.
  describe('refusals of the app role', () => {
    const checkinsOf = async (t: TestDatabase<typeof schema>, riderId: string, spotId: string) =>
      (
        await t.db
          .select({ id: schema.checkins.id })
          .from(schema.checkins)
          .where(and(eq(schema.checkins.user_id, riderId), eq(schema.checkins.spot_id, spotId)))
      ).length;
    // How the app checks in: through checkinWrites, which names only the
    // columns a rider may INSERT (drizzle names every column of its table).
    const checkIn = (riderId: string, spotId: string) =>
      ({ user_id: riderId, spot_id: spotId, trick: 'kickflip', trick_status: 'landed', stance: 'regular' }) as const;

    it.skipIf(!hasSessions())('maps a row a policy refuses (checking in as another rider) to the table’s verdict', async ({ t }) => {
      const [a, b] = [await createUser(t.db), await createUser(t.db)];
      const spot = await createSpot(t.db);
      const error = await refusal(asRider(t.app, a.id, (tx) => tx.insert(checkinWrites).values(checkIn(b.id, spot.id))));
      expect(error).toBeInstanceOf(DataRuleError);
      expect(error).toMatchObject({ rule: 'not_your_checkin', kind: 'forbidden', sqlstate: '42501' });
      // Postgres names no policy for a permissive refusal: the mapping names one of the table's, all of which share the verdict.
      expect((error as DataRuleError).constraint).toMatch(/^checkins_[a-z_]+_pol$/);
      expect(pgErrorFields((error as Error).cause)?.message).toContain('row-level security policy for table "checkins"');
      expect(await checkinsOf(t, b.id, spot.id)).toBe(0);
      // The same statement as b is let in: the refusal was about the rider, nothing else.
      await asRider(t.app, b.id, (tx) => tx.insert(checkinWrites).values(checkIn(b.id, spot.id)));
      expect(await checkinsOf(t, b.id, spot.id)).toBe(1);
    });

    it.skipIf(!hasSessions())('maps a missing privilege (a client-chosen created_at, TRUNCATE) to permission_denied', async ({ t }) => {
      const rider = await createUser(t.db);
      const spot = await createSpot(t.db);
      const backdated = await refusal(
        asRider(t.app, rider.id, (tx) =>
          tx.execute(sql`INSERT INTO checkins (user_id, spot_id, trick, trick_status, stance, created_at)
                         VALUES (${rider.id}, ${spot.id}, 'kickflip', 'landed', 'regular', '2020-01-01T00:00:00Z')`),
        ),
      );
      expect(backdated).toBeInstanceOf(DataRuleError);
      expect(backdated).toMatchObject({ rule: 'permission_denied', kind: 'forbidden', constraint: 'privilege', sqlstate: '42501' });
      expect(await checkinsOf(t, rider.id, spot.id)).toBe(0);
      // The same check-in without created_at goes in, stamped by the database's clock.
      await asRider(t.app, rider.id, (tx) => tx.insert(checkinWrites).values(checkIn(rider.id, spot.id)));
      expect(await checkinsOf(t, rider.id, spot.id)).toBe(1);

      const truncate = await refusal(asRider(t.app, rider.id, (tx) => tx.execute(sql`TRUNCATE checkins`)));
      expect(truncate).toMatchObject({ rule: 'permission_denied', kind: 'forbidden', constraint: 'privilege', sqlstate: '42501' });
      expect(await checkinsOf(t, rider.id, spot.id)).toBe(1);
    });

    it.skipIf(!hasSessions())(
      'maps a definer function’s guard (archiving another rider’s spot, their progress) to its rule',
      async ({ t }) => {
        const [a, b] = [await createUser(t.db), await createUser(t.db)];
        const spot = await createSpot(t.db, { created_by: b.id });
        const archive = await refusal(asRider(t.app, a.id, (tx) => tx.execute(sql`SELECT * FROM archive_spot(${spot.id}::uuid)`)));
        expect(archive).toBeInstanceOf(DataRuleError);
        expect(archive).toMatchObject({
          rule: 'spot_not_yours',
          kind: 'forbidden',
          constraint: 'archive_spot_creator_guard',
          sqlstate: '42501',
        });
        const [after] = await t.db.select({ archived_at: schema.spots.archived_at }).from(schema.spots).where(eq(schema.spots.id, spot.id));
        expect(after?.archived_at).toBeNull();

        const achievement = await createAchievement(t.db);
        const progress = await refusal(
          asRider(t.app, a.id, (tx) => tx.execute(sql`SELECT * FROM record_progress(${b.id}::uuid, ${achievement.id}::uuid, 1)`)),
        );
        expect(progress).toMatchObject({
          rule: 'progress_not_yours',
          kind: 'forbidden',
          constraint: 'record_progress_rider_guard',
          sqlstate: '42501',
        });
      },
    );

    // The guards let staff (a member of skatehubba_owner) act without a rider.
    // A request that is authenticated but carries no rider (a JWT without
    // `sub`) must not pass for staff. Server engines only: on PGlite the
    // session is the superuser, a member of the owner, so it *is* staff.
    it.runIf(inject('engine') === 'postgres' || inject('engine') === 'neon-ws')(
      'does not take the app login without a rider for staff (archive_spot, record_progress)',
      async ({ t }) => {
        const creator = await createUser(t.db);
        const spot = await createSpot(t.db, { created_by: creator.id });
        const achievement = await createAchievement(t.db);
        const noRider = (statement: ReturnType<typeof sql>) =>
          t.app.transaction(async (tx) => {
            await tx.execute(sql`SELECT set_config('role', 'authenticated', true)`);
            return tx.execute(statement);
          });
        expect(await refusal(noRider(sql`SELECT * FROM archive_spot(${spot.id}::uuid)`))).toMatchObject({
          rule: 'spot_not_yours',
          constraint: 'archive_spot_creator_guard',
        });
        expect(await refusal(noRider(sql`SELECT * FROM record_progress(${creator.id}::uuid, ${achievement.id}::uuid, 1)`))).toMatchObject({
          rule: 'progress_not_yours',
          constraint: 'record_progress_rider_guard',
        });
        const [after] = await t.db.select({ archived_at: schema.spots.archived_at }).from(schema.spots).where(eq(schema.spots.id, spot.id));
        expect(after?.archived_at).toBeNull();
      },
    );
  });

  it('names the notifications rules (a read mark before the notice, an unlock announced twice) through toDataRuleError()', async ({
    t,
  }) => {
    const rider = await createUser(t.db);
    const achievement = await createAchievement(t.db);
    const at = new Date('2026-03-14T12:00:00Z');
    const [notice] = await t.db
      .insert(schema.notifications)
      .values({ user_id: rider.id, kind: 'achievement_unlocked', achievement_id: achievement.id, created_at: at })
      .returning();
    const early = await refusal(
      t.db
        .update(schema.notifications)
        .set({ read_at: new Date('2026-03-14T11:59:59Z') })
        .where(eq(schema.notifications.id, notice!.id)),
    );
    expect(early).toBeInstanceOf(DataRuleError);
    expect(early).toMatchObject({ rule: 'invalid_read_time', kind: 'invalid', constraint: 'notifications_read_at_ck', sqlstate: '23514' });
    const twice = await refusal(
      t.db.insert(schema.notifications).values({ user_id: rider.id, kind: 'achievement_unlocked', achievement_id: achievement.id }),
    );
    expect(twice).toMatchObject({
      rule: 'already_announced',
      kind: 'conflict',
      constraint: 'notifications_user_achievement_uq',
      sqlstate: '23505',
    });
    // Neither changed anything: the one notice, unread.
    expect(
      await t.db
        .select({ id: schema.notifications.id, read_at: schema.notifications.read_at })
        .from(schema.notifications)
        .where(eq(schema.notifications.user_id, rider.id)),
    ).toEqual([{ id: notice!.id, read_at: null }]);
  });

  it('returns anything that is not a rule refusal unchanged', async ({ t }) => {
    const syntax = await t.query('SELEC 1').catch((e: unknown) => e);
    expect(toDataRuleError(syntax)).toBe(syntax);
    const plain = new Error('socket hang up');
    expect(toDataRuleError(plain)).toBe(plain);
  });
});
