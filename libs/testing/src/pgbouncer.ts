import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { LOGINS } from './engine';
import { giveToServerUser, serverUser } from './server-user';

const run = promisify(execFile);

/**
 * PgBouncer on loopback in transaction mode, as Neon runs its pooled
 * endpoint, in front of a local server: for CI (`.ci/run` starts one for
 * the whole run through pgbouncer-cli.ts), for the leak test (one with a pool
 * of two server connections) and for `npm run bench` (pooled next to
 * direct). Debian's package, 1.18: `apt-get install pgbouncer`.
 *
 * One `[databases]` entry, `* = host=... port=...`: any database a client
 * names is served from the target server, so each test file's own database
 * works without a config change. The pooler only ever connects to the
 * databases its clients name; the harness creates, migrates and clones
 * databases on the direct URL, so it never holds a connection to a template
 * (a clone fails while anyone is connected to its source).
 */
export interface PgBouncer {
  port: number;
  /** The folder holding pgbouncer.ini, its users file, log and pid file. */
  dir: string;
  /** `url` (a URL of the target server) with the pooler's host and port instead: same user, database and parameters. */
  via(url: string): string;
  /** One SHOW command on the admin console (`SHOW POOLS`, `SHOW SERVERS`), as the target URL's user. */
  show<R = Record<string, unknown>>(what: string): Promise<R[]>;
  stop(): Promise<void>;
}

export interface PgBouncerOptions {
  /** The server to pool, as a URL: its host, port and user (trust auth on loopback, as the local server). */
  target: string;
  /** Server connections per database and user (`default_pool_size`). Default 20. */
  poolSize?: number;
  /** Logins that may connect, besides the target URL's user: by default the app's and support's (`LOGINS`). */
  users?: string[];
  /** Folder for the config, log and pid file (created); default a new temp folder under /tmp. */
  dir?: string;
}

/** The pgbouncer binary: on PATH, or where Debian's package puts it (/usr/sbin, not on a non-root PATH). */
export function pgbouncerBinary(): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin']) {
    if (dir && existsSync(join(dir, 'pgbouncer'))) return join(dir, 'pgbouncer');
  }
  return undefined;
}

export const PGBOUNCER_MISSING = 'PgBouncer is not installed: apt-get install -y pgbouncer (Debian 12 ships 1.18)';

/**
 * Starts PgBouncer as a daemon on a free loopback port and waits until it
 * serves a query on the target's database. Stop it with `stop()` (or
 * `stopPgBouncer(dir)` from another process).
 */
export async function startPgBouncer(options: PgBouncerOptions): Promise<PgBouncer> {
  const binary = pgbouncerBinary();
  if (!binary) throw new Error(PGBOUNCER_MISSING);
  const target = new URL(options.target);
  const dir = options.dir ?? (await mkdtempForServer());
  await mkdir(dir, { recursive: true });
  await giveToServerUser(dir);
  const admin = decodeURIComponent(target.username || 'postgres');
  const users = [...new Set([admin, ...(options.users ?? Object.values(LOGINS))])];
  await writeFile(join(dir, 'users.txt'), users.map((user) => `"${user}" ""\n`).join(''));
  await giveToServerUser(join(dir, 'users.txt'));

  // A port taken between choosing it and PgBouncer binding it fails the
  // start; another free port is tried, up to five.
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    await writeFile(join(dir, 'pgbouncer.ini'), pgbouncerIni({ dir, port, target, poolSize: options.poolSize ?? 20 }));
    await giveToServerUser(join(dir, 'pgbouncer.ini'));
    try {
      await run(binary, ['-d', join(dir, 'pgbouncer.ini')], { ...(await serverUser()), timeout: 30_000 });
      const bouncer = handle(dir, port, admin);
      await waitUntilServing(bouncer.via(options.target), dir);
      return bouncer;
    } catch (error) {
      lastError = error;
      await stopPgBouncer(dir, { keepDir: true });
    }
  }
  throw new Error(`PgBouncer did not start (log: ${join(dir, 'pgbouncer.log')}): ${(lastError as Error).message}`, { cause: lastError });
}

/** Stops the PgBouncer whose pid file is in `dir` (SIGTERM: immediate shutdown) and removes the folder. */
export async function stopPgBouncer(dir: string, { keepDir = false } = {}): Promise<void> {
  const pid = Number((await readFile(join(dir, 'pgbouncer.pid'), 'utf8').catch(() => '')).trim());
  if (pid > 0) {
    try {
      process.kill(pid, 'SIGTERM');
      const until = Date.now() + 10_000;
      while (Date.now() < until && isRunning(pid)) await new Promise((resolve) => setTimeout(resolve, 50));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
  if (!keepDir) await rm(dir, { recursive: true, force: true });
}

function handle(dir: string, port: number, admin: string): PgBouncer {
  const via = (url: string) => {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String(port);
    return u.toString();
  };
  return {
    port,
    dir,
    via,
    async show<R>(what: string) {
      const adminConsole = new pg.Client({ connectionString: via(`postgres://${encodeURIComponent(admin)}@127.0.0.1/pgbouncer`) });
      adminConsole.on('error', () => undefined);
      await adminConsole.connect();
      try {
        // The admin console speaks the simple query protocol only: no parameters.
        return (await adminConsole.query(`SHOW ${what}`)).rows as R[];
      } finally {
        await adminConsole.end();
      }
    },
    stop: () => stopPgBouncer(dir),
  };
}

function pgbouncerIni({ dir, port, target, poolSize }: { dir: string; port: number; target: URL; poolSize: number }): string {
  const admin = decodeURIComponent(target.username || 'postgres');
  const host = target.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
  return `; Written by libs/testing/src/pgbouncer.ts; removed with this folder.
[databases]
; Any database a client names, from the target server.
* = host=${host} port=${target.port || 5432}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${port}
; Loopback TCP only: no socket file to clash with a system PgBouncer's.
unix_socket_dir =
; As the local server: trust on loopback. The users file lists who may connect.
auth_type = trust
auth_file = ${join(dir, 'users.txt')}
; Neon's pooled endpoint is PgBouncer in transaction mode: a server connection
; is a client's only for one transaction, then the next client's.
pool_mode = transaction
default_pool_size = ${poolSize}
; Test files run in parallel, each with pools of up to 20 connections per login.
max_client_conn = 2000
; Every test file's database gets a pool; drop pools idle for a minute.
autodb_idle_timeout = 60
admin_users = ${admin}
stats_users = ${admin}
; Thousands of test connections: log only what goes wrong.
log_connections = 0
log_disconnections = 0
logfile = ${join(dir, 'pgbouncer.log')}
pidfile = ${join(dir, 'pgbouncer.pid')}
`;
}

async function waitUntilServing(url: string, dir: string): Promise<void> {
  const until = Date.now() + 15_000;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      const log = await readFile(join(dir, 'pgbouncer.log'), 'utf8').catch(() => '');
      if (/Address already in use|FATAL/.test(log) || Date.now() > until) {
        throw new Error(`${(error as Error).message}; last log lines:\n${log.split('\n').slice(-5).join('\n')}`, { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

// Under /tmp, not the caller's TMPDIR: the server user must reach it.
const mkdtempForServer = () => mkdtemp('/tmp/skatehubba-pgbouncer-');

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A free TCP port on loopback, as the OS hands one out. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
