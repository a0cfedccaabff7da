import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { expectTypeOf } from 'vitest';
import { auditTrailFor } from '@skatehubba/audit';
import { recordProgress } from '@skatehubba/gamification';
import { sessionByToken } from '@skatehubba/identity';
import { asRider, type DataRuleError } from '@skatehubba/schema-kit';
import { archiveSpot, leaderboard, savedSpotsOf, spotFeed, spotsNear } from '@skatehubba/spots';
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
import * as schema from './schema';

// Type tests, checked by `nx typecheck db` (tsc), never run: the README's
// snippets (Acting as a rider, Production topology) written against every
// handle createDb() returns, with no cast. Every flow takes
// PgDatabase<PgQueryResultHKT, Record<string, unknown>>; a handle whose `db`
// or `replica` it does not accept fails here.
type AnyDb = PgDatabase<PgQueryResultHKT, Record<string, unknown>>;

async function readmeSnippets(handle: DbHandle, bearer: string, spotId: string, achievementId: string, staffId: string) {
  const { db } = handle;
  // Acting as a rider (README).
  const session = await sessionByToken(db, bearer); // as anonymous: no role may read token_hash
  if (!session.ok || !session.value) return;
  const rider = { rider: session.value.user_id };
  const saved = await savedSpotsOf(db, rider); // every flow runs as its caller, in one transaction
  const archived = await archiveSpot(db, rider, spotId); // spot_not_yours unless they created it
  const own = await asRider(db, rider.rider, (tx) => tx.select({ id: schema.sessions.id }).from(schema.sessions)); // only their own

  // Staff work, audited to its actor; a refusal as a typed error.
  const progress = await recordProgress(db, { staff: staffId }, rider.rider, { achievement_id: achievementId });
  const trail = await auditTrailFor(db, 'spots', spotId);

  // Production topology: reads that may be stale go to a replica, on request.
  const feed = await spotFeed(handle.replica, 'anonymous', spotId);
  const board = await leaderboard(handle.replica, 'anonymous');
  const near = await spotsNear(handle.replica, 'anonymous', { latitude: 41.39, longitude: 2.17, radius_m: 2_000, limit: 50 });
  // One request: after its write, its replica reads go to the primary.
  const request = handle.forRequest();
  await archiveSpot(request.db, rider, spotId);
  const afterWrite = await spotFeed(request.replica, 'anonymous', spotId); // the primary: sees the archive
  expectTypeOf(request.wrote).toEqualTypeOf<boolean>();

  if (saved.ok) expectTypeOf(saved.value.items[0]!.saved_at).toEqualTypeOf<Date>();
  if (!archived.ok) expectTypeOf(archived.error).toEqualTypeOf<DataRuleError>();
  expectTypeOf(own[0]!.id).toEqualTypeOf<string>();
  if (progress.ok) expectTypeOf(progress.value.just_unlocked).toEqualTypeOf<boolean>();
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
