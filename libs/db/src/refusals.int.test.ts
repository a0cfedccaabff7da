import { eq } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { createUser } from '@skatehubba/identity/factories';
import { DataRuleError, pgErrorFields } from '@skatehubba/schema-kit';
import { createCheckin, createSpot } from '@skatehubba/spots/factories';
import { databaseTest } from '@skatehubba/testing';
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

  it('returns anything that is not a rule refusal unchanged', async ({ t }) => {
    const syntax = await t.query('SELEC 1').catch((e: unknown) => e);
    expect(toDataRuleError(syntax)).toBe(syntax);
    const plain = new Error('socket hang up');
    expect(toDataRuleError(plain)).toBe(plain);
  });
});
