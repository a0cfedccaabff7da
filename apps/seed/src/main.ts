import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { createDb } from '@skatehubba/db';
import { guardMessage, parseOptions, USAGE, UsageError } from './options';
import { migrateAndSeed, resetServerDatabase, sampleRiders, SeedError } from './seed';

const WORKSPACE = fileURLToPath(new URL('../../..', import.meta.url));
const DEFAULT_DATA_DIR = `${WORKSPACE}.data/seed-pglite`;

const say = (line = '') => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  if (options.help) {
    say(USAGE);
    return 0;
  }
  const refusal = guardMessage(process.env, options);
  if (refusal) {
    process.stderr.write(`${refusal}\n`);
    return 2;
  }
  const { seed, counts, profile } = options;
  const what = `profile ${profile}, seed ${seed}: ${counts.users.toLocaleString('en-US')} riders, ${counts.spots.toLocaleString('en-US')} spots, ${counts.checkins.toLocaleString('en-US')} check-ins`;

  const url = process.env.DATABASE_URL;
  if (url) {
    const handle = await createDb({ driver: 'node-postgres', url, max: 2 });
    try {
      if (options.reset) {
        const client = await handle.client.connect();
        try {
          await resetServerDatabase(client);
        } finally {
          client.release();
        }
      }
      say(`seeding ${new URL(url).host}${new URL(url).pathname} (${what})`);
      await migrateAndSeed(handle, seed, counts);
      printRiders(await sampleRiders(handle.client));
      say(`\nready: ${url}`);
    } finally {
      await handle.close();
    }
    return 0;
  }

  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  if (options.reset) await rm(dataDir, { recursive: true, force: true });
  say(`embedded Postgres (PGlite) in ${dataDir} (${what})`);
  const handle = await createDb({ driver: 'pglite', dataDir });
  await migrateAndSeed(handle, seed, counts);
  const riders = await sampleRiders(handle.client);
  if (options.command === 'load') {
    printRiders(riders);
    await handle.close();
    return 0;
  }

  const server = new PGLiteSocketServer({ db: handle.client, host: '127.0.0.1', port: options.port, maxConnections: 16 });
  try {
    await server.start();
  } catch (error) {
    await handle.close();
    throw new UsageError(`cannot listen on 127.0.0.1:${options.port}: ${(error as Error).message}. Pass --port N to use another port.`);
  }
  const served = `postgres://postgres@127.0.0.1:${options.port}/postgres`;
  say(`\nSkateHubba seed database is up`);
  say(`  url:     ${served}`);
  say(`  psql:    psql "${served}?sslmode=disable"`);
  say(`  studio:  DATABASE_URL="${served}" npx drizzle-kit studio`);
  printRiders(riders);
  say(`\nCtrl-C to stop. Data stays in ${dataDir}; --reset starts over.`);

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  say('\nstopping...');
  await server.stop();
  await handle.close();
  say('stopped cleanly');
  return 0;
}

function printRiders(riders: { handle: string; email: string; checkins: number }[]) {
  if (!riders.length) return;
  say('  riders:');
  for (const r of riders) say(`    @${r.handle.padEnd(28)} ${r.email.padEnd(40)} ${r.checkins} check-ins`);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError || error instanceof SeedError) {
      process.stderr.write(`seed: ${error.message}\n`);
      process.exit(error instanceof UsageError ? 2 : 1);
    }
    process.stderr.write(`seed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
