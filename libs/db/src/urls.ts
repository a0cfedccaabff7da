/**
 * Where each kind of traffic goes, named as Neon and its integrations name
 * the variables:
 *
 *  - `DATABASE_URL`: the pooled endpoint (on Neon the `-pooler` host, a
 *    PgBouncer in transaction mode). App traffic: the API's requests, each a
 *    short transaction or a single statement.
 *  - `DATABASE_URL_UNPOOLED`: the direct endpoint (the same host without
 *    `-pooler`). Migrations, the seed, maintenance, test-database creation:
 *    anything that holds a session or a long transaction, or runs DDL.
 *  - `DATABASE_URL_REPLICAS`: comma-separated read replica URLs (on Neon, each
 *    a read replica compute's pooled host), for reads that may be stale.
 *
 * With one server and no pooler (a laptop, CI without PgBouncer), only
 * `DATABASE_URL` is set and it serves as both.
 */
export const DATABASE_URL_ENV = {
  app: 'DATABASE_URL',
  direct: 'DATABASE_URL_UNPOOLED',
  replicas: 'DATABASE_URL_REPLICAS',
} as const;

export interface DatabaseUrls {
  /** App traffic: `DATABASE_URL`. */
  app?: string;
  /** Sessions, DDL and long transactions: `DATABASE_URL_UNPOOLED`, else `DATABASE_URL` (one server, no pooler). */
  direct?: string;
  /** Reads that may be stale: `DATABASE_URL_REPLICAS`, comma-separated; empty when unset. */
  replicas: string[];
}

/**
 * The URLs of this process's environment. An empty variable counts as unset
 * (scripts blank one with `DATABASE_URL=` to mean "none").
 */
export function databaseUrls(env: NodeJS.ProcessEnv = process.env): DatabaseUrls {
  const app = env[DATABASE_URL_ENV.app] || undefined;
  const direct = env[DATABASE_URL_ENV.direct] || app;
  const replicas = (env[DATABASE_URL_ENV.replicas] ?? '')
    .split(',')
    .map((url) => url.trim())
    .filter(Boolean);
  return { app, direct, replicas };
}

/**
 * Whether `url` names Neon's pooled endpoint: Neon adds `-pooler` to the
 * first label of the compute's host name (`ep-name-123456-pooler.region...`);
 * the direct host is the same name without it.
 */
export function isNeonPoolerUrl(url: string): boolean {
  return /^[^.]+-pooler(\.|$)/i.test(hostOf(url));
}

/** `url` with Neon's `-pooler` suffix removed from its host: the direct endpoint of the same compute. */
export function neonDirectUrl(url: string): string {
  const u = new URL(url);
  u.hostname = u.hostname.replace(/^([^.]+)-pooler(?=\.|$)/i, '$1');
  return u.toString();
}

/** `host:port/database` of a URL, never its password: for messages. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname}`;
  } catch {
    return '(not a URL)';
  }
}

/** The URL with its password replaced by `***`: for messages that show a whole URL. */
export function redactUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}
