/**
 * `npm run bench:seed -- [--profile small|medium|large] [--seed N]`
 *
 * Loads a profile into a fresh database on DATABASE_URL, then, in the same run,
 * measures the server-side floor: INSERT ... SELECT of the same row counts into
 * another fresh database with the same schema, constraints and triggers (the
 * audit trail included), generated entirely inside Postgres. Prints both times
 * and seed/floor. Both sides run in one transaction each, after migrating, and
 * the databases are dropped afterwards.
 */
import pg from 'pg';
import { reportIdleError } from '@skatehubba/db';
import { parseOptions } from './options';
import { measureSeedVsFloor, seedVsFloorTable } from './seed-bench';

// Benches create, seed and drop databases: the direct URL when a pooled one is set too.
const url = process.env.DATABASE_URL_UNPOOLED || process.env.DATABASE_URL;
if (!url) {
  process.stderr.write(
    'bench:seed needs DATABASE_URL (a Postgres server), e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres\n',
  );
  process.exit(2);
}
const options = parseOptions(['load', ...process.argv.slice(2).filter((a) => a !== '--')]);
const urlFor = (name: string) => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
};

const admin = new pg.Client({ connectionString: url });
admin.on('error', reportIdleError);
await admin.connect();
let exitCode = 0;
try {
  process.stderr.write(`bench:seed profile ${options.profile}, seed ${options.seed} on ${new URL(url).host}\n\n`);
  const result = await measureSeedVsFloor(admin, urlFor, { counts: options.counts, seed: options.seed });
  console.log(`\n${seedVsFloorTable(result)}`);
} catch (error) {
  process.stderr.write(`bench:seed failed: ${(error as Error).message}\n`);
  exitCode = 1;
} finally {
  await admin.end();
}
process.exit(exitCode);
