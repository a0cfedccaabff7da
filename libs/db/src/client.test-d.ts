import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { expectTypeOf } from 'vitest';
import { auditTrailFor, withActor } from '@skatehubba/audit';
import { recordProgress } from '@skatehubba/gamification';
import { sessionByTokenHash } from '@skatehubba/identity';
import { asAnonymous, asRider } from '@skatehubba/schema-kit';
import { archiveSpot, checkinWrites, leaderboard, savedSpotsOf, spotFeed, spotsNear } from '@skatehubba/spots';
import {
  createDb,
  type DbHandle,
  type DefaultDbHandle,
  type NeonHttpHandle,
  type NeonServerlessHandle,
  type NodePgHandle,
  type PgliteHandle,
} from './client';
import { databaseUrls } from './urls';
import { migrateDb } from './migrate';
import { toDataRuleError } from './errors';
import * as schema from './schema';

// Type tests, checked by `nx typecheck db` (tsc), never run: the README's
// snippets (Acting as a rider, Production topology) written against every
// handle createDb() returns, with no cast. Every flow takes
// PgDatabase<PgQueryResultHKT, Record<string, unknown>>; a handle whose `db`
// or `replica` it does not accept fails here.
type AnyDb = PgDatabase<PgQueryResultHKT, Record<string, unknown>>;

async function readmeSnippets(handle: DbHandle, tokenHash: string, spotId: string, achievementId: string, staffId: string) {
  const { db } = handle;
  // Acting as a rider.
  const session = await sessionByTokenHash(db, tokenHash); // the app's login is `anonymous` until asRider()
  if (!session) return;
  const saved = await asRider(db, session.userId, (tx) => savedSpotsOf(tx, session.userId));
  const own = await asRider(db, session.userId, (tx) => tx.select({ id: schema.sessions.id }).from(schema.sessions)); // only their own
  await asRider(db, session.userId, (tx) => archiveSpot(tx, spotId)); // forbidden unless they created it
  // A rider's insert through the write table, returning the builder itself (no await inside).
  await asRider(db, session.userId, (tx) =>
    tx
      .insert(checkinWrites)
      .values({ user_id: session.userId, spot_id: spotId, trick: 'kickflip', trick_status: 'landed', stance: 'regular' }),
  );
  // Staff work, audited to its actor; a refusal as a typed error.
  const progress = await withActor(db, staffId, async (tx) => {
    try {
      return await recordProgress(tx, session.userId, achievementId);
    } catch (error) {
      throw toDataRuleError(error);
    }
  });
  const trail = await auditTrailFor(db, 'spots', spotId);

  // Production topology: reads that may be stale go to a replica, on request.
  const feed = await asAnonymous(handle.replica, (tx) => spotFeed(tx, spotId));
  const board = await leaderboard(handle.replica);
  const near = await spotsNear(handle.replica, { latitude: 41.39, longitude: 2.17, radiusM: 2_000, limit: 50 });
  // One request: after its write, its replica reads go to the primary.
  const request = handle.forRequest();
  await asRider(request.db, session.userId, (tx) => archiveSpot(tx, spotId));
  const afterWrite = await asAnonymous(request.replica, (tx) => spotFeed(tx, spotId));
  expectTypeOf(request.wrote).toEqualTypeOf<boolean>();

  expectTypeOf(saved[0]!.savedAt).toEqualTypeOf<Date>();
  expectTypeOf(own[0]!.id).toEqualTypeOf<string>();
  expectTypeOf(progress.justUnlocked).toEqualTypeOf<boolean>();
  expectTypeOf(trail[0]!.actor_id).toEqualTypeOf<string | null>();
  return { feed, board, near, afterWrite };
}

// Never called: tsc checks it.
export async function everyDriver() {
  // createDb() with no options: DATABASE_URL through node-postgres, or PGlite.
  const fromEnv = await createDb();
  expectTypeOf(fromEnv).toEqualTypeOf<DefaultDbHandle>();
  await readmeSnippets(fromEnv, '', '', '', '');
  await readmeSnippets(await createDb({ driver: 'pglite' }), '', '', '', '');
  await readmeSnippets(await createDb({ driver: 'node-postgres', url: '', replicas: [''] }), '', '', '', '');
  await readmeSnippets(await createDb({ driver: 'neon-serverless', url: '', replicas: [''] }), '', '', '', '');
  await readmeSnippets(await createDb({ driver: 'neon-http', url: '', replicas: [''] }), '', '', '', '');

  // Migrations and the seed: the direct URL.
  const { direct } = databaseUrls();
  if (direct) await migrateDb(await createDb({ driver: 'node-postgres', url: direct }));

  // @ts-expect-error PGlite runs in this process: there is no replica to name.
  await createDb({ driver: 'pglite', replicas: ['postgres://replica'] });
}

// Each handle's db and replica: the driver's own type, which every flow accepts.
expectTypeOf<PgliteHandle['db']>().toExtend<AnyDb>();
expectTypeOf<NodePgHandle['db']>().toExtend<AnyDb>();
expectTypeOf<NeonServerlessHandle['db']>().toExtend<AnyDb>();
expectTypeOf<NeonHttpHandle['db']>().toExtend<AnyDb>();
expectTypeOf<DbHandle['db']>().toExtend<AnyDb>();
expectTypeOf<NodePgHandle['replica']>().toEqualTypeOf<NodePgHandle['db']>();
expectTypeOf<NeonServerlessHandle['replica']>().toEqualTypeOf<NeonServerlessHandle['db']>();
expectTypeOf<NeonHttpHandle['replica']>().toEqualTypeOf<NeonHttpHandle['db']>();
expectTypeOf<PgliteHandle['replica']>().toEqualTypeOf<PgliteHandle['db']>();
expectTypeOf<ReturnType<DbHandle['forRequest']>['replica']>().toExtend<AnyDb>();
