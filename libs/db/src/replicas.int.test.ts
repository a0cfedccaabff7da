import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createUser } from '@skatehubba/identity/factories';
import { asAnonymous, asRider, rowsOf, unwrap } from '@skatehubba/schema-kit';
import { spotFeed } from '@skatehubba/spots';
import { checkinWrites } from '@skatehubba/spots';
import { createCheckin, createSpot } from '@skatehubba/spots/factories';
import {
  hasSessions,
  LOGINS,
  postgresBinDir,
  POSTGRES_BINARIES_MISSING,
  startStreamingPair,
  withUser,
  type StreamingPair,
} from '@skatehubba/testing';
import { createDb, ReplicaWriteError, type DbHandle, type DbOptions } from './client';
import { migrateDb } from './migrate';
import * as schema from './schema';

// Read replicas against a real streaming standby: a primary and a hot
// standby of their own (initdb, then pg_basebackup -R) on free loopback
// ports, reached through this run's driver (node-postgres, the Neon
// WebSocket Pool through the bridge, neon() through the HTTP endpoint).
const engine = inject('engine');
const bin = postgresBinDir();
if (engine !== 'pglite' && !bin && process.env.CI) throw new Error(`${POSTGRES_BINARIES_MISSING}: CI runs the replica tests`);
if (engine !== 'pglite' && !bin) console.warn(`replica tests skipped: ${POSTGRES_BINARIES_MISSING}`);

/** How long a write may take to reach the standby before the test fails. Measured here: milliseconds (README). */
const ARRIVAL_BOUND_MS = 10_000;
const WRITES = 20;

/** `createDb()` options for this run's driver, to any URL. */
function optionsFor(url: string, replicas: string[]): DbOptions {
  if (engine === 'neon-ws') return { driver: 'neon-serverless', url, replicas, max: 4, local: { wsProxy: inject('neonWsProxy') } };
  if (engine === 'neon-http') return { driver: 'neon-http', url, replicas, local: { fetchEndpoint: inject('neonFetchEndpoint') } };
  return { driver: 'node-postgres', url, replicas, max: 4 };
}

const one = async <R>(db: Pick<DbHandle['db'], 'execute'>, query: ReturnType<typeof sql>) => rowsOf<R>(await db.execute(query))[0]!;
const inRecovery = async (db: DbHandle['db']) => (await one<{ standby: boolean }>(db, sql`SELECT pg_is_in_recovery() AS standby`)).standby;
const withName = (url: string, name: string) => {
  const u = new URL(url);
  u.searchParams.set('application_name', name);
  return u.toString();
};

describe.skipIf(engine === 'pglite' || !bin)(`read replicas on a streaming standby (${engine})`, () => {
  let pair: StreamingPair;
  let handle: DbHandle;
  let app: DbHandle;
  const opened: DbHandle[] = [];
  beforeAll(async () => {
    pair = await startStreamingPair();
    // The migrations run on the primary, directly, and reach the standby as WAL.
    const owner = await createDb({ driver: 'node-postgres', url: pair.primary, max: 1 });
    try {
      await migrateDb(owner);
      await owner.client.query(`ALTER ROLE ${LOGINS.app} LOGIN`);
    } finally {
      await owner.close();
    }
    // The schema on the standby before any test reads it there.
    await pair.caughtUp();
    // Two replica URLs (the same standby under two application names), so round robin shows.
    handle = await createDb(optionsFor(pair.primary, [withName(pair.standby, 'replica_a'), withName(pair.standby, 'replica_b')]));
    app = await createDb(optionsFor(withUser(pair.primary, LOGINS.app), [withUser(pair.standby, LOGINS.app)]));
    opened.push(handle, app);
  }, 120_000);
  afterAll(async () => {
    for (const h of opened) await h.close();
    await pair?.stop();
  });

  it('db reads the primary; replica reads the standby, round robin over the replica URLs', async () => {
    expect(handle.replicaCount).toBe(2);
    expect(await inRecovery(handle.db)).toBe(false);
    expect(await inRecovery(handle.replica)).toBe(true);
    const names = [];
    for (let i = 0; i < 4; i++)
      names.push((await one<{ name: string }>(handle.replica, sql`SELECT current_setting('application_name') AS name`)).name);
    expect(new Set(names)).toEqual(new Set(['replica_a', 'replica_b']));
    expect(names[0]).not.toBe(names[1]);
  });

  it(`a read right after a write: the primary sees it at once, the replica path once the standby has replayed it (${WRITES} writes, lag measured)`, async () => {
    const rider = await createUser(handle.db);
    const spot = await createSpot(handle.db);
    const lags: number[] = [];
    let atOnce = 0;
    for (let n = 0; n < WRITES; n++) {
      const checkin = await createCheckin(handle.db, rider.id, spot.id, { created_at: new Date(Date.UTC(2026, 0, 1, 0, 10 * n)) });
      const wrote = performance.now();
      const byId = eq(schema.checkins.id, checkin.id);
      const read = (db: DbHandle['db']) => db.select({ id: schema.checkins.id }).from(schema.checkins).where(byId);
      // Both read at once, right after the write: the primary sees it (read-your-writes); the replica path may not yet.
      const [onPrimary, onReplica] = await Promise.all([read(handle.db), read(handle.replica)]);
      expect(onPrimary).toEqual([{ id: checkin.id }]);
      let reads = 1;
      let seen = onReplica.length > 0;
      // Then the replica path until the standby has replayed it.
      while (!seen) {
        if (performance.now() - wrote > ARRIVAL_BOUND_MS)
          throw new Error(`check-in ${checkin.id} not on the standby after ${ARRIVAL_BOUND_MS} ms`);
        reads += 1;
        seen = (await read(handle.replica)).length > 0;
      }
      if (reads === 1) atOnce += 1;
      lags.push(performance.now() - wrote);
    }
    // A feed, the kind of read that may be stale, through the replica path: it has every check-in by now.
    expect(JSON.stringify(unwrap(await spotFeed(handle.replica, 'anonymous', spot.id, { limit: WRITES })))).toContain(rider.id);
    const sorted = [...lags].sort((a, b) => a - b);
    const ms = (x: number) => `${x.toFixed(1)} ms`;
    console.log(
      `replica lag (${engine}, ${pair.version}, asynchronous streaming on loopback): ${WRITES} writes, ${atOnce} already on the standby at the first read; ` +
        `write to first replica read that saw it: median ${ms(sorted[Math.floor(WRITES / 2)]!)}, max ${ms(sorted.at(-1)!)} (includes the read's own round trip)`,
    );
    expect(lags.length).toBe(WRITES);
  });

  it('a read right after a write, with the standby held back: the primary has it, the replica path does not until replay resumes', async () => {
    const spot = await withReplayPaused(pair.standby, async () => {
      const written = await createSpot(handle.db);
      const byId = eq(schema.spots.id, written.id);
      expect(await handle.db.select({ id: schema.spots.id }).from(schema.spots).where(byId)).toEqual([{ id: written.id }]);
      // Stale: the standby has not replayed the write (every replica URL is that standby).
      for (let i = 0; i < 2; i++) expect(await handle.replica.select({ id: schema.spots.id }).from(schema.spots).where(byId)).toEqual([]);
      return written;
    });
    const resumed = performance.now();
    while ((await handle.replica.select({ id: schema.spots.id }).from(schema.spots).where(eq(schema.spots.id, spot.id))).length === 0) {
      if (performance.now() - resumed > ARRIVAL_BOUND_MS)
        throw new Error(`spot ${spot.id} not on the standby ${ARRIVAL_BOUND_MS} ms after replay resumed`);
    }
  });

  it('refuses writes on the replica path: drizzle writes before anything is sent, anything else as the standby does', async () => {
    expect(() => handle.replica.insert(schema.spots)).toThrow(ReplicaWriteError);
    expect(() => handle.replica.update(schema.spots)).toThrow(/^replica\.update\(\): the replica path is for reads that may be stale/);
    expect(() => handle.replica.delete(schema.spots)).toThrow(ReplicaWriteError);
    // Raw SQL is not inspected: the standby refuses it (25006 read_only_sql_transaction).
    await expect(handle.replica.execute(sql`CREATE TABLE replica_write_probe (id int)`)).rejects.toMatchObject({
      cause: { code: '25006' },
    });
  });

  it.skipIf(!hasSessions())(
    'asRider() and asAnonymous() on the replica path run on the standby, read-only, under the policies',
    async () => {
      const rider = await createUser(handle.db);
      const spot = await createSpot(handle.db);
      await createCheckin(handle.db, rider.id, spot.id);
      await waitForStandby(handle, rider.id);
      const seen = await asRider(app.replica, rider.id, async (tx) => ({
        ...(await one<{ standby: boolean; role: string; rider: string; readOnly: string }>(
          tx,
          sql`SELECT pg_is_in_recovery() AS standby, current_user AS role, current_rider_id()::text AS rider, current_setting('transaction_read_only') AS "readOnly"`,
        )),
        mine: (await tx.select({ id: schema.users.id }).from(schema.users).where(eq(schema.users.id, rider.id))).length,
      }));
      expect(seen).toEqual({ standby: true, role: 'authenticated', rider: rider.id, readOnly: 'on', mine: 1 });
      expect(
        await asAnonymous(app.replica, async (tx) =>
          one<{ standby: boolean; role: string }>(tx, sql`SELECT pg_is_in_recovery() AS standby, current_user AS role`),
        ),
      ).toEqual({ standby: true, role: 'anonymous' });
      const insert = asRider(app.replica, rider.id, (tx) =>
        tx.insert(checkinWrites).values({ user_id: rider.id, spot_id: spot.id, trick: 'ollie', trick_status: 'landed', stance: 'regular' }),
      );
      await expect(insert).rejects.toMatchObject({ cause: { code: '25006' } });
    },
  );

  it("forRequest(): a request's replica reads go to the standby until it writes, then to the primary, which has its write", async () => {
    const request = handle.forRequest();
    expect(await inRecovery(request.replica)).toBe(true);
    expect(request.wrote).toBe(false);
    // Reads through the request's db do not count as writes.
    await request.db.select({ id: schema.spots.id }).from(schema.spots).limit(1);
    expect(request.wrote).toBe(false);
    await withReplayPaused(pair.standby, async () => {
      const spot = await createSpot(request.db, { name: `Read your writes ${randomUUID().slice(0, 8)}` });
      expect(request.wrote).toBe(true);
      // The standby is held back, so a replica could not have it: the request reads the primary now.
      expect(await inRecovery(request.replica)).toBe(false);
      expect(await request.replica.select({ name: schema.spots.name }).from(schema.spots).where(eq(schema.spots.id, spot.id))).toEqual([
        { name: spot.name },
      ]);
      // Still the replica path's rules: reads only.
      expect(() => request.replica.insert(schema.spots)).toThrow(ReplicaWriteError);
      // Another request has not written: its replica reads still go to the standby, which lacks the spot.
      const other = handle.forRequest();
      expect(await inRecovery(other.replica)).toBe(true);
      expect(await other.replica.select({ id: schema.spots.id }).from(schema.spots).where(eq(schema.spots.id, spot.id))).toEqual([]);
    });
  });
});

/**
 * Runs `fn` with the standby's WAL replay paused (pg_wal_replay_pause()), so
 * the replica path is stale for certain, then resumes it.
 */
async function withReplayPaused<T>(standby: string, fn: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: standby });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('SELECT pg_wal_replay_pause()');
    // Pausing takes effect at the next record; wait until the standby says so.
    while ((await client.query<{ state: string }>('SELECT pg_get_wal_replay_pause_state() AS state')).rows[0]!.state !== 'paused') {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return await fn();
  } finally {
    await client.query('SELECT pg_wal_replay_resume()');
    await client.end();
  }
}

/** Waits until the standby has the rider (written on the primary just before). */
async function waitForStandby(handle: DbHandle, riderId: string) {
  const until = performance.now() + ARRIVAL_BOUND_MS;
  while ((await handle.replica.select({ id: schema.users.id }).from(schema.users).where(eq(schema.users.id, riderId))).length === 0) {
    if (performance.now() > until) throw new Error(`rider ${riderId} not on the standby after ${ARRIVAL_BOUND_MS} ms`);
  }
}

// With no replica configured, the replica path is the primary under the same
// rules, so code written for replicas behaves alike on one server.
describe.runIf(engine === 'pglite')('the replica path with no replica', () => {
  it('reads the primary, refuses drizzle writes, and runs its transactions READ ONLY', async () => {
    const handle = await createDb({ driver: 'pglite' });
    try {
      expect(handle.replicaCount).toBe(0);
      expect(rowsOf(await handle.replica.execute(sql`SELECT pg_is_in_recovery() AS standby`))).toEqual([{ standby: false }]);
      expect(() => handle.replica.insert(schema.spots)).toThrow(ReplicaWriteError);
      await expect(handle.replica.transaction((tx) => tx.execute(sql`CREATE TABLE replica_write_probe (id int)`))).rejects.toMatchObject({
        cause: { code: '25006' },
      });
      // The primary itself still takes the write.
      await handle.db.execute(sql`CREATE TABLE replica_write_probe (id int)`);
    } finally {
      await handle.close();
    }
  });
});
