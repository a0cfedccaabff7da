import { parseArgs } from 'node:util';
import { PROFILE_NAMES, PROFILES, type ProfileName, type SeedCounts } from './profiles';

/** Default port for the served PGlite: clear of a local server on 5432 and of PgBouncer's 6432. */
export const DEFAULT_PORT = 5499;
export const DEFAULT_SEED = 1;

export interface SeedOptions {
  command: 'serve' | 'load';
  port: number;
  seed: number;
  profile: ProfileName;
  counts: SeedCounts;
  reset: boolean;
  allowRemote: boolean;
  dataDir: string | undefined;
  help: boolean;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const USAGE = `Usage: nx run seed:serve [-- options]     serve a seeded embedded Postgres (PGlite)
       nx run seed:load  [-- options]     migrate and seed, then exit

With DATABASE_URL set, both migrate and seed that database instead.

Options:
  --profile small|medium|large   row counts (default small; large = 100k users, 20k spots, 1M check-ins)
  --users N --spots N --checkins N   override one table's count
  --seed N                       deterministic seed (default ${DEFAULT_SEED}); same seed, same rows and ids
  --port N                       port to serve on (default ${DEFAULT_PORT})
  --data-dir PATH                PGlite data directory (default .data/seed-pglite)
  --reset                        wipe the database first (the only way this tool deletes data)
  --allow-remote                 allow a DATABASE_URL that is not on this machine (a Neon dev branch)
  --help`;

const count = (name: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`--${name} must be a whole number >= 0, got ${value}`);
  return n;
};

export function parseOptions(argv: readonly string[]): SeedOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        port: { type: 'string' },
        seed: { type: 'string' },
        profile: { type: 'string' },
        users: { type: 'string' },
        spots: { type: 'string' },
        checkins: { type: 'string' },
        reset: { type: 'boolean', default: false },
        'allow-remote': { type: 'boolean', default: false },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  const command = positionals[0] ?? 'serve';
  if (command !== 'serve' && command !== 'load') throw new UsageError(`unknown command ${command}: use serve or load`);
  const profile = (values.profile ?? 'small') as ProfileName;
  if (!PROFILE_NAMES.includes(profile)) throw new UsageError(`--profile must be one of ${PROFILE_NAMES.join(', ')}, got ${values.profile}`);
  const port = count('port', values.port) ?? DEFAULT_PORT;
  if (port < 1 || port > 65535) throw new UsageError(`--port must be 1-65535, got ${port}`);
  const base = PROFILES[profile];
  return {
    command,
    port,
    seed: count('seed', values.seed) ?? DEFAULT_SEED,
    profile,
    counts: {
      ...base,
      users: count('users', values.users) ?? base.users,
      spots: count('spots', values.spots) ?? base.spots,
      checkins: count('checkins', values.checkins) ?? base.checkins,
    },
    reset: values.reset,
    allowRemote: values['allow-remote'],
    dataDir: values['data-dir'],
    help: values.help,
  };
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[?::1\]?)$/i;

/**
 * Refuses the runs a seed must never do. Returns the message to print, or
 * undefined when the run may go ahead.
 */
export function guardMessage(env: NodeJS.ProcessEnv, options: Pick<SeedOptions, 'allowRemote'>): string | undefined {
  if (env.NODE_ENV === 'production') {
    return 'refusing to seed: NODE_ENV=production. Seeds are for local and development databases; there are no production seeds. Unset NODE_ENV to seed a development database.';
  }
  const url = env.DATABASE_URL;
  if (!url) return undefined;
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return 'refusing to seed: DATABASE_URL is not a valid URL (expected postgres://user@host:port/database).';
  }
  if (!host) return 'refusing to seed: DATABASE_URL has no host (expected postgres://user@host:port/database).';
  if (!LOOPBACK.test(host) && !options.allowRemote) {
    return `refusing to seed ${host}: it is not on this machine. If it is a development database (a Neon dev branch), pass --allow-remote; never point a seed at production.`;
  }
  return undefined;
}
