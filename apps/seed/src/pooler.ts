import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The PgBouncer launcher of the test harness (libs/testing), run as a command: apps do not import the testing lib. */
const CLI = fileURLToPath(new URL('../../../libs/testing/src/pgbouncer-cli.ts', import.meta.url));

export interface Pooler {
  /** What the figures say they went through. */
  label: string;
  /** `url` (a URL of the direct server) through the pooler: same user, database and parameters. */
  via(url: string): string;
  stop(): Promise<void>;
}

/**
 * The pooler a bench compares with the direct connection:
 *  - DATABASE_URL, when DATABASE_URL_UNPOOLED names the server and
 *    DATABASE_URL another endpoint in front of it (Neon's pair, or a
 *    PgBouncer already running);
 *  - else a PgBouncer of the bench's own, in transaction mode on a free
 *    loopback port in front of the direct server, stopped by `stop()`;
 *  - else undefined, with the reason (PgBouncer not installed).
 */
export async function openPooler(
  direct: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ pooler: Pooler; skipped?: undefined } | { pooler?: undefined; skipped: string }> {
  const pooled = env.DATABASE_URL;
  if (env.DATABASE_URL_UNPOOLED && pooled && pooled !== env.DATABASE_URL_UNPOOLED) {
    const target = new URL(pooled);
    return {
      pooler: {
        label: `DATABASE_URL (${target.host})`,
        via: (url) => {
          const u = new URL(url);
          u.host = target.host;
          return u.toString();
        },
        stop: async () => undefined,
      },
    };
  }
  if (!['/usr/sbin/pgbouncer', ...(env.PATH ?? '').split(':').map((d) => `${d}/pgbouncer`)].some((p) => existsSync(p))) {
    return { skipped: 'PgBouncer is not installed (apt-get install -y pgbouncer), and DATABASE_URL_UNPOOLED is not set' };
  }
  const dir = await mkdtemp('/tmp/skatehubba-bench-pgbouncer-');
  const { stdout } = await run(process.execPath, ['--import', 'tsx', CLI, 'start', '--target', direct, '--dir', dir]);
  const port = new URL(stdout.trim()).port;
  return {
    pooler: {
      label: `PgBouncer on 127.0.0.1:${port} (transaction mode), started by the bench`,
      via: (url) => {
        const u = new URL(url);
        u.hostname = '127.0.0.1';
        u.port = port;
        return u.toString();
      },
      stop: async () => {
        await run(process.execPath, ['--import', 'tsx', CLI, 'stop', '--dir', dir]);
      },
    },
  };
}
