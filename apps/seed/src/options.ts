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
  /** Start of the UTC day the timeline ends at (ms), or undefined for today. */
  anchor: number | undefined;
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

With DATABASE_URL set, both migrate and seed that database instead; with
DATABASE_URL_UNPOOLED set too (Neon's direct URL next to its pooled one), that one.

Options:
  --profile small|medium|large   row counts (default small; large = 100k users, 20k spots, 1M check-ins)
  --users N --spots N --checkins N   override one table's count
  --seed N                       deterministic seed (default ${DEFAULT_SEED}); same seed, same rows and ids
  --anchor YYYY-MM-DD            the UTC day the timeline ends at (default today): check-ins span the 180 days before it
  --port N                       port to serve on, 1-65535, or 0 for any free port (default ${DEFAULT_PORT})
  --data-dir PATH                PGlite data directory, created if missing (default .data/seed-pglite)
  --reset                        wipe the database first (the only way this tool deletes data)
  --allow-remote                 allow a DATABASE_URL that is not on this machine (a Neon dev branch)
  --help`;

const wholeNumber = (name: string, value: string | undefined, max = Number.MAX_SAFE_INTEGER): number | undefined => {
  if (value === undefined) return undefined;
  const n = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? 'a whole number >= 0' : `a whole number from 0 to ${max} (0: any free port)`;
    throw new UsageError(`--${name} must be ${range}, got ${JSON.stringify(value)}`);
  }
  return n;
};

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `--anchor YYYY-MM-DD`: the start of that UTC day. */
function anchorDay(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = DAY_RE.exec(value.trim());
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value.trim()) {
    throw new UsageError(
      `--anchor must be a calendar day as YYYY-MM-DD (the UTC day the seed's timeline ends at), got ${JSON.stringify(value)}`,
    );
  }
  return ms;
}

const VALUE_OPTIONS = new Set(['port', 'seed', 'profile', 'users', 'spots', 'checkins', 'data-dir', 'anchor']);

/**
 * `--users -5` would reach parseArgs as an option named 5; glue a value that
 * starts with a dash to its option, so the option's own check answers it.
 */
function glueDashValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (arg.startsWith('--') && VALUE_OPTIONS.has(arg.slice(2)) && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

export function parseOptions(argv: readonly string[]): SeedOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: glueDashValues(argv),
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
        anchor: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    // Node's own wording suggests `-- "--x"` tricks; say what is wrong in this tool's terms.
    const { code, message } = error as { code?: string; message: string };
    const option = /'(-[^' ]+)/.exec(message)?.[1] ?? '';
    const why =
      code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
        ? `unknown option ${option}`
        : code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && /argument missing/.test(message)
          ? `${option} needs a value`
          : code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE'
            ? `${option} takes no value`
            : message;
    throw new UsageError(`${why}\n\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  const command = positionals[0] ?? 'serve';
  if (command !== 'serve' && command !== 'load') throw new UsageError(`unknown command ${command}: use serve or load`);
  const profile = (values.profile ?? 'small') as ProfileName;
  if (!PROFILE_NAMES.includes(profile)) throw new UsageError(`--profile must be one of ${PROFILE_NAMES.join(', ')}, got ${values.profile}`);
  const port = wholeNumber('port', values.port, 65_535) ?? DEFAULT_PORT;
  const base = PROFILES[profile];
  return {
    command,
    port,
    seed: wholeNumber('seed', values.seed) ?? DEFAULT_SEED,
    profile,
    counts: {
      ...base,
      users: wholeNumber('users', values.users) ?? base.users,
      spots: wholeNumber('spots', values.spots) ?? base.spots,
      checkins: wholeNumber('checkins', values.checkins) ?? base.checkins,
    },
    reset: values.reset,
    allowRemote: values['allow-remote'],
    dataDir: values['data-dir'],
    anchor: anchorDay(values.anchor),
    help: values.help,
  };
}

/** Hosts on this machine: the only ones a seed may touch without --allow-remote. */
export const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[?::1\]?)$/i;

/**
 * Which variable names the server the seed runs on: the direct URL
 * (`DATABASE_URL_UNPOOLED`, as Neon names it) when set, since the seed holds
 * one long transaction and migrates first, which a transaction pooler must
 * not carry; else `DATABASE_URL`; else none (the embedded database).
 */
export function seedUrlName(env: NodeJS.ProcessEnv): 'DATABASE_URL_UNPOOLED' | 'DATABASE_URL' | undefined {
  if (env.DATABASE_URL_UNPOOLED) return 'DATABASE_URL_UNPOOLED';
  return env.DATABASE_URL ? 'DATABASE_URL' : undefined;
}

/**
 * Refuses the runs a seed must never do. Returns the message to print, or
 * undefined when the run may go ahead.
 */
export function guardMessage(env: NodeJS.ProcessEnv, options: Pick<SeedOptions, 'allowRemote'>): string | undefined {
  if (env.NODE_ENV === 'production') {
    return 'refusing to seed: NODE_ENV=production. Seeds are for local and development databases; there are no production seeds. Unset NODE_ENV to seed a development database.';
  }
  const name = seedUrlName(env);
  const url = name && env[name];
  if (!name || !url) return undefined;
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return `refusing to seed: ${name} is not a valid URL (expected postgres://user@host:port/database).`;
  }
  if (!host) return `refusing to seed: ${name} has no host (expected postgres://user@host:port/database).`;
  if (!LOOPBACK.test(host) && !options.allowRemote) {
    return `refusing to seed ${host}: it is not on this machine. If it is a development database (a Neon dev branch), pass --allow-remote; never point a seed at production.`;
  }
  return undefined;
}
