import { afterAll, describe, expect, inject, it } from 'vitest';
import { emptyDatabaseTarget, hasSessions } from '@skatehubba/testing';
import { createDb, type DbHandle } from './client';
import { migrateDb } from './migrate';

// Integration: the committed migrations apply from zero through migrateDb()
// (the path production takes) on this run's engine, and applying them again
// changes nothing.
const engine = inject('engine');
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** An empty database on this run's engine: in-memory PGlite, or a new database on the server. */
async function emptyDatabase(): Promise<DbHandle> {
  const { options, drop } = await emptyDatabaseTarget();
  const handle = await createDb(options);
  cleanups.push(async () => {
    await handle.close();
    await drop();
  });
  return handle;
}

const query = async <R>(handle: DbHandle, text: string): Promise<R[]> => {
  switch (handle.driver) {
    case 'pglite':
      return (await handle.client.query(text)).rows as R[];
    case 'neon-http':
      return (await handle.client.query(text)) as R[];
    case 'node-postgres':
      return (await handle.client.query(text)).rows as R[];
    case 'neon-serverless':
      return (await handle.client.query(text)).rows as R[];
  }
};

/** Everything a migration can change, as one digest: columns, constraints, indexes, triggers, functions, enums. */
const FINGERPRINT = `
  SELECT md5(string_agg(line, E'\\n' ORDER BY line)) AS digest, count(*)::int AS objects FROM (
    SELECT format('col %s.%s %s %s %s', table_name, column_name, data_type, is_nullable, column_default) AS line
      FROM information_schema.columns WHERE table_schema = 'public'
    UNION ALL SELECT format('con %s %s', conname, pg_get_constraintdef(oid)) FROM pg_constraint WHERE connamespace = 'public'::regnamespace
    UNION ALL SELECT format('idx %s', indexdef) FROM pg_indexes WHERE schemaname = 'public'
    UNION ALL SELECT format('trg %s', pg_get_triggerdef(oid)) FROM pg_trigger WHERE NOT tgisinternal
    UNION ALL SELECT format('fn %s', md5(prosrc)) FROM pg_proc WHERE pronamespace = 'public'::regnamespace
    UNION ALL SELECT format('enum %s %s %s', t.typname, e.enumsortorder, e.enumlabel) FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid
  ) objects`;

describe(`migrations on ${engine}`, () => {
  it.runIf(engine === 'neon-http')('are refused over neon-http, which has no transaction to run them in', async () => {
    const handle = await emptyDatabase();
    await expect(migrateDb(handle)).rejects.toThrow(/neon-http has no transactions/);
    expect(await query(handle, "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'")).toEqual([{ n: 0 }]);
  });

  it.skipIf(!hasSessions())('apply from zero, and applying again changes nothing', async () => {
    const handle = await emptyDatabase();
    const [empty] = await query<{ objects: number }>(handle, FINGERPRINT);
    expect(empty!.objects).toBe(0);

    await migrateDb(handle);
    const [first] = await query<{ digest: string; objects: number }>(handle, FINGERPRINT);
    const applied = await query<{ n: number }>(handle, 'SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations');
    expect(first!.objects).toBeGreaterThan(100);
    expect(applied[0]!.n).toBeGreaterThanOrEqual(2);

    await migrateDb(handle);
    expect(await query(handle, FINGERPRINT)).toEqual([first]);
    expect(await query(handle, 'SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations')).toEqual(applied);
  });

  it.skipIf(!hasSessions())('do not leave their lock timeout on the connection', async () => {
    const handle = await emptyDatabase();
    await migrateDb(handle);
    // A pooled connection handed back after migrating must not keep the 10 s lock_timeout.
    expect(await query(handle, 'SHOW lock_timeout')).toEqual([{ lock_timeout: '0' }]);
  });
});
