import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createDb,
  DATA_DIR_LOCK_FILE,
  DataDirLockedError,
  DataDirOpenError,
  lockDataDir,
  type NodePgHandle,
  type PgliteHandle,
} from '@skatehubba/db';
import { ROLES } from '@skatehubba/schema-kit';
import { actAsRiderLines, appLoginUrl, type ActAsTarget } from './act-as';
import { describeConnectionError } from './connection-errors';
import { guardMessage, parseOptions, seedUrlName, USAGE, UsageError, type SeedOptions } from './options';
import { PROFILES } from './profiles';
import { holdings, migrateAndSeed, resetServerDatabase, riderLogins, SeedError, type Holdings, type RiderLogin } from './seed';
import { holdPort, MAX_CLIENTS, serveOverWire } from './wire';
import { startOfUtcDay } from './generate';

const WORKSPACE = fileURLToPath(new URL('../../..', import.meta.url));
const DEFAULT_DATA_DIR = join(WORKSPACE, '.data/seed-pglite');
const HOST = '127.0.0.1';
/** What a seeded folder holds, written after the seed commits. */
const MANIFEST_FILE = 'skatehubba-seed.json';

/**
 * Exit codes: 0 done (or serving stopped with Ctrl-C); 1 failed while
 * running (connection lost, a refused row, a folder that cannot be opened);
 * 2 refused before doing anything (options, guards, port or folder in use);
 * 130 interrupted before the seed committed (nothing was kept).
 */
class Refusal extends Error {}
class Failure extends Error {}

const say = (line = '') => process.stdout.write(`${line}\n`);
const note = (line = '') => process.stderr.write(`${line}\n`);
const fmt = (n: number) => n.toLocaleString('en-US');
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

interface Manifest {
  profile: string;
  seed: number;
  counts: Holdings;
  anchor: string;
  seededAt: string;
}

/** Ctrl-C (or SIGTERM) before serving aborts the seed at its next batch; while serving it stops the server. */
const interrupt = new AbortController();
let onStop: (() => void) | undefined;
function listenForStop() {
  const stop = (signal: NodeJS.Signals) => {
    if (onStop) return onStop();
    if (!interrupt.signal.aborted) note(`\n${signal}: stopping; rolling back what was not committed...`);
    interrupt.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function profileLabel(options: SeedOptions): string {
  const { counts, profile } = options;
  const base = PROFILES[profile];
  const custom = counts.users !== base.users || counts.spots !== base.spots || counts.checkins !== base.checkins;
  return `profile ${profile}${custom ? ' (counts overridden)' : ''}, seed ${options.seed}`;
}

function describeCounts(c: Holdings) {
  return `${fmt(c.users)} riders, ${fmt(c.spots)} spots, ${fmt(c.checkins)} check-ins`;
}

/** The same command with --reset and the caller's options, for messages. */
function resetCommand(options: SeedOptions): string {
  const args = process.argv.slice(2).filter((a) => a !== '--reset' && a !== 'serve' && a !== 'load');
  return `npx nx run seed:${options.command} -- --reset${args.length ? ` ${args.join(' ')}` : ''}`;
}

async function readManifest(dataDir: string): Promise<Manifest | undefined> {
  try {
    return JSON.parse(await readFile(join(dataDir, MANIFEST_FILE), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

async function writeManifest(dataDir: string, manifest: Manifest) {
  const tmp = join(dataDir, `${MANIFEST_FILE}.tmp`);
  await writeFile(tmp, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(tmp, join(dataDir, MANIFEST_FILE));
}

/**
 * Says what a reused database holds and, when that is not what was asked for,
 * how to re-seed it. Reuse never changes the data.
 */
function reportReuse(options: SeedOptions, held: Holdings, manifest: Manifest | undefined, where: string) {
  const asked = options.counts;
  const what = manifest ? `profile ${manifest.profile}, seed ${manifest.seed}, timeline ending ${manifest.anchor}: ` : '';
  const countsDiffer = held.users !== asked.users || held.spots !== asked.spots || held.checkins !== asked.checkins;
  const seedDiffers = manifest !== undefined && manifest.seed !== options.seed;
  const anchorDiffers = manifest !== undefined && options.anchor !== undefined && manifest.anchor !== day(options.anchor);
  note(`${where} already holds ${what}${describeCounts(held)}; reusing it unchanged.`);
  if (countsDiffer || seedDiffers || anchorDiffers) {
    note(
      `  You asked for ${profileLabel(options)}${options.anchor !== undefined ? `, anchor ${day(options.anchor)}` : ''}: ${describeCounts(asked)}.`,
    );
    note(`  To re-seed it that way (deletes what it holds): ${resetCommand(options)}`);
  } else {
    note(`  (--reset starts over)`);
  }
}

function printLogins(riders: RiderLogin[], seed: number) {
  if (!riders.length) return;
  say('  riders to log in as (session token; the API stores and looks up only its SHA-256):');
  const why = { expired: '(seed session expired)', 'other-seed': `(no session from seed ${seed})` } as const;
  for (const r of riders) say(`    @${r.handle.padEnd(28)} ${String(r.checkins).padStart(5)} check-ins  ${r.token ?? why[r.missing!]}`);
  if (riders.some((r) => r.missing === 'expired'))
    say('  Seed sessions last 30 days from the anchor: --reset re-seeds with today as the anchor.');
  if (riders.some((r) => r.missing === 'other-seed'))
    say(`  This database was seeded with another --seed than ${seed}: --reset re-seeds with it.`);
}

/** How to act as the app with the first listed rider, in psql (see act-as.ts). */
function printActAs(riders: RiderLogin[], target: ActAsTarget) {
  if (riders[0]) for (const line of actAsRiderLines(riders[0], target)) say(line);
}

async function onServer(options: SeedOptions, url: string): Promise<number> {
  const where = `${new URL(url).host}${new URL(url).pathname}`;
  const handle: NodePgHandle = await createDb({ driver: 'node-postgres', url, max: 2 });
  try {
    if (options.reset) {
      const client = await handle.client.connect();
      try {
        await resetServerDatabase(client);
      } finally {
        client.release();
      }
    }
    const result = await migrateAndSeed(handle, {
      seed: options.seed,
      counts: options.counts,
      anchor: options.anchor,
      signal: interrupt.signal,
    });
    if (!result.seeded) reportReuse(options, result.existing, undefined, where);
    else say(`seeded ${where} (${profileLabel(options)}: ${describeCounts(await holdings(handle.client))})`);
    const logins = await riderLogins(handle.client, options.seed);
    printLogins(logins, options.seed);
    // Read only: whether an admin has given the API's role a login yet (the seed never does).
    const { rows } = await handle.client.query<{ can: boolean }>(
      `SELECT coalesce((SELECT rolcanlogin FROM pg_roles WHERE rolname = $1), false) AS can`,
      [ROLES.app],
    );
    printActAs(logins, { engine: 'server', appUrl: appLoginUrl(url), canLogin: rows[0]!.can });
    say(`\nready: ${url}`);
    return 0;
  } finally {
    await handle.close();
  }
}

/** Empties a data folder for --reset, keeping only our own lock file. */
async function emptyDataDir(dataDir: string) {
  for (const entry of await readdir(dataDir)) {
    if (entry !== DATA_DIR_LOCK_FILE) await rm(join(dataDir, entry), { recursive: true, force: true });
  }
}

async function embedded(options: SeedOptions): Promise<number> {
  const dataDir = resolve(options.dataDir ?? DEFAULT_DATA_DIR);
  // Checked before anything is opened or seeded: the port, then the folder.
  const port =
    options.command === 'serve'
      ? await holdPort(HOST, options.port).catch((error: NodeJS.ErrnoException) => {
          throw new Refusal(
            error.code === 'EADDRINUSE'
              ? `port ${options.port} on ${HOST} is in use (another seed:serve, or a Postgres server?). Pass --port N for another port, or --port 0 for any free one.`
              : `cannot listen on ${HOST}:${options.port}: ${error.message}. Pass --port N for another port.`,
          );
        })
      : undefined;
  try {
    let handle: PgliteHandle;
    try {
      if (options.reset) {
        const lock = await lockDataDir(dataDir);
        try {
          await emptyDataDir(dataDir);
        } finally {
          await lock.release();
        }
        note(`--reset: emptied ${dataDir}`);
      }
      handle = await createDb({ driver: 'pglite', dataDir });
    } catch (error) {
      if (error instanceof DataDirLockedError) throw new Refusal(error.message);
      if (error instanceof DataDirOpenError)
        throw new Failure(`${error.message}\n  Start over (deletes what it holds): ${resetCommand(options)}`);
      throw error;
    }
    if (handle.lock?.tookOver)
      note(
        `took over ${dataDir} from pid ${handle.lock.tookOver.pid}, which no longer runs (it was stopped without closing the database).`,
      );
    try {
      return await seedAndServe(options, handle, dataDir, port);
    } finally {
      await handle.close();
    }
  } finally {
    await port?.release();
  }
}

async function seedAndServe(
  options: SeedOptions,
  handle: PgliteHandle,
  dataDir: string,
  port: Awaited<ReturnType<typeof holdPort>> | undefined,
): Promise<number> {
  interrupt.signal.throwIfAborted();
  const anchor = options.anchor ?? startOfUtcDay(Date.now());
  const result = await migrateAndSeed(handle, { seed: options.seed, counts: options.counts, anchor, signal: interrupt.signal });
  if (result.seeded) {
    const held = await holdings(handle.client);
    await writeManifest(dataDir, {
      profile: options.profile,
      seed: options.seed,
      counts: held,
      anchor: day(anchor),
      seededAt: new Date().toISOString(),
    });
    say(`seeded ${dataDir} (${profileLabel(options)}: ${describeCounts(held)}, timeline ending ${day(anchor)})`);
  } else {
    reportReuse(options, result.existing, await readManifest(dataDir), dataDir);
  }
  const logins = await riderLogins(handle.client, (await readManifest(dataDir))?.seed ?? options.seed);
  if (options.command === 'load') {
    printLogins(logins, options.seed);
    return 0;
  }
  interrupt.signal.throwIfAborted();

  await port!.release();
  const server = await serveOverWire(handle.client, HOST, port!.port).catch((error: Error) => {
    throw new Failure(`cannot listen on ${HOST}:${port!.port}: ${error.message}. Pass --port N for another port.`);
  });
  const served = `postgres://postgres@${HOST}:${server.port}/postgres`;
  say(`\nSkateHubba seed database is up (embedded Postgres: PGlite, PostgreSQL 18)`);
  say(`  url:     ${served}`);
  say(`  psql:    psql "${served}?sslmode=disable"`);
  say(`  studio:  DATABASE_URL="${served}" npx drizzle-kit studio`);
  printLogins(logins, options.seed);
  printActAs(logins, { engine: 'pglite' });
  say(
    `\n  Up to ${MAX_CLIENTS} clients share one Postgres session; a client that connects when none is connected starts from a clean one.`,
  );
  say(`Ctrl-C to stop. Data stays in ${dataDir}; --reset starts over.`);

  await new Promise<void>((resolve) => {
    onStop = resolve;
    if (interrupt.signal.aborted) resolve();
  });
  say('\nstopping...');
  await server.stop();
  say('stopped cleanly');
  return 0;
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  if (options.help) {
    say(USAGE);
    return 0;
  }
  const refusal = guardMessage(process.env, options);
  if (refusal) throw new Refusal(refusal);
  listenForStop();
  const urlName = seedUrlName(process.env);
  const url = urlName && process.env[urlName];
  if (url) {
    try {
      return await onServer(options, url);
    } catch (error) {
      const hint = describeConnectionError(error, url);
      if (hint) throw new Failure(hint);
      throw error;
    }
  }
  return embedded(options);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError || error instanceof Refusal) {
      note(`seed: ${error.message}`);
      process.exit(2);
    }
    if (interrupt.signal.aborted && (error as Error)?.name === 'AbortError') {
      note('seed: interrupted before the seed committed: nothing was kept. Run the same command again to seed.');
      process.exit(130);
    }
    if (error instanceof SeedError || error instanceof Failure) {
      note(`seed: ${error.message}`);
      process.exit(1);
    }
    note(`seed: ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  },
);
