/**
 * PgBouncer for a whole CI run (or a developer's shell), outside any test
 * process:
 *
 *   npx tsx libs/testing/src/pgbouncer-cli.ts start --target postgres://postgres@127.0.0.1:5432/postgres --dir /tmp/x
 *     -> prints the pooled URL (the target's user and database, the pooler's port)
 *   npx tsx libs/testing/src/pgbouncer-cli.ts stop --dir /tmp/x
 *
 * Then: DATABASE_URL=<printed URL> DATABASE_URL_UNPOOLED=<target> npm test
 * runs the server engine's app connections through it.
 */
import { parseArgs } from 'node:util';
import { startPgBouncer, stopPgBouncer } from './pgbouncer';

const USAGE = 'usage: pgbouncer-cli.ts start --target URL --dir DIR [--pool-size N] | stop --dir DIR';

const [command, ...rest] = process.argv.slice(2);
const { values } = parseArgs({
  args: rest,
  options: { target: { type: 'string' }, dir: { type: 'string' }, 'pool-size': { type: 'string' } },
  strict: true,
});
try {
  if (command === 'start' && values.target && values.dir) {
    const bouncer = await startPgBouncer({ target: values.target, dir: values.dir, poolSize: Number(values['pool-size'] ?? 20) });
    process.stdout.write(`${bouncer.via(values.target)}\n`);
  } else if (command === 'stop' && values.dir) {
    await stopPgBouncer(values.dir);
  } else {
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
  }
} catch (error) {
  process.stderr.write(`pgbouncer: ${(error as Error).message}\n`);
  process.exit(1);
}
