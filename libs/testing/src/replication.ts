import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './pgbouncer';
import { giveToServerUser, runAsServerUser } from './server-user';

/**
 * A primary and a streaming hot standby of its own, in a temp folder, on
 * free loopback ports, from the machine's Postgres binaries (Debian's
 * postgresql-15: /usr/lib/postgresql/15/bin): `initdb`, then
 * `pg_basebackup -R` (which writes the standby's primary_conninfo and
 * standby.signal). The machine's own server and its config are not touched.
 * Replication is asynchronous, as a Neon read replica is: the standby
 * applies the primary's WAL shortly after each commit.
 */
export interface StreamingPair {
  /** postgres://postgres@127.0.0.1:P/postgres: the primary (trust auth on loopback). */
  primary: string;
  /** The standby: read-only, `pg_is_in_recovery()` true. */
  standby: string;
  /** The Postgres major version of the binaries used. */
  version: string;
  /** Stops both servers and removes their folder. */
  stop(): Promise<void>;
  /**
   * Waits until the standby has replayed everything the primary has written
   * so far (its current WAL position), up to 30 s: after the migrations, so
   * that a test's first read on the standby finds the tables.
   */
  caughtUp(): Promise<void>;
}

/**
 * The folder with initdb, pg_ctl and pg_basebackup: SKATEHUBBA_PG_BINDIR if
 * set, else the newest /usr/lib/postgresql/<major>/bin (Debian's layout),
 * else undefined (the replica tests then say what to install).
 */
export function postgresBinDir(): string | undefined {
  const explicit = process.env.SKATEHUBBA_PG_BINDIR;
  if (explicit) return explicit;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root)
    .filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, 'bin', 'pg_basebackup')))
    .sort((a, b) => Number(b) - Number(a));
  return majors[0] ? join(root, majors[0], 'bin') : undefined;
}

export const POSTGRES_BINARIES_MISSING =
  'no Postgres server binaries (initdb, pg_ctl, pg_basebackup) under /usr/lib/postgresql/<major>/bin: apt-get install -y postgresql, or set SKATEHUBBA_PG_BINDIR';

/** Settings both servers get: small, fast, loopback only. */
const SERVER_CONF = (port: number, socketDir: string) => `
# libs/testing/src/replication.ts: a throwaway pair for the replica tests.
listen_addresses = '127.0.0.1'
port = ${port}
unix_socket_directories = '${socketDir}'
shared_buffers = 16MB
max_connections = 40
max_wal_senders = 4
# Nothing here survives the test: skip the flushes a crash would need.
fsync = off
full_page_writes = off
`;

export async function startStreamingPair(): Promise<StreamingPair> {
  const bin = postgresBinDir();
  if (!bin) throw new Error(POSTGRES_BINARIES_MISSING);
  const version = execFileSync(join(bin, 'postgres'), ['--version'], { encoding: 'utf8' }).trim();
  // Under /tmp, not TMPDIR: the server user must reach it, and the socket path stays short.
  const dir = await mkdtemp('/tmp/skatehubba-replica-');
  await giveToServerUser(dir);
  const primaryDir = join(dir, 'primary');
  const standbyDir = join(dir, 'standby');
  const [primaryPort, standbyPort] = [await freePort(), await freePort()];
  const started: string[] = [];
  const stop = async () => {
    for (const data of started.reverse()) {
      await runAsServerUser(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await runAsServerUser(join(bin, 'initdb'), [
      '-D',
      primaryDir,
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
      '--no-sync',
      '--no-instructions',
    ]);
    await appendFile(join(primaryDir, 'postgresql.conf'), SERVER_CONF(primaryPort, dir));
    await runAsServerUser(join(bin, 'pg_ctl'), ['-D', primaryDir, '-l', join(dir, 'primary.log'), '-w', '-t', '60', 'start']);
    started.push(primaryDir);
    // -R: standby.signal and primary_conninfo; -X stream: the WAL written
    // during the copy comes along, so the standby starts consistent.
    await runAsServerUser(join(bin, 'pg_basebackup'), [
      '-h',
      '127.0.0.1',
      '-p',
      String(primaryPort),
      '-U',
      'postgres',
      '-D',
      standbyDir,
      '-R',
      '-X',
      'stream',
      '-c',
      'fast',
      '--no-sync',
    ]);
    // The copied postgresql.conf names the primary's port; a later line wins.
    await appendFile(join(standbyDir, 'postgresql.conf'), `port = ${standbyPort}\n`);
    await runAsServerUser(join(bin, 'pg_ctl'), ['-D', standbyDir, '-l', join(dir, 'standby.log'), '-w', '-t', '60', 'start']);
    started.push(standbyDir);
    const primary = `postgres://postgres@127.0.0.1:${primaryPort}/postgres`;
    const standby = `postgres://postgres@127.0.0.1:${standbyPort}/postgres`;
    await waitForStreaming(primary);
    return { primary, standby, version, stop, caughtUp: () => waitForReplay(primary, standby) };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Waits until the standby's replay position reaches the primary's current WAL position, up to 30 s. */
async function waitForReplay(primary: string, standby: string): Promise<void> {
  const [p, s] = [new pg.Client({ connectionString: primary }), new pg.Client({ connectionString: standby })];
  for (const c of [p, s]) c.on('error', () => undefined);
  await Promise.all([p.connect(), s.connect()]);
  try {
    const { rows } = await p.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
    const target = rows[0]!.lsn;
    const until = Date.now() + 30_000;
    for (;;) {
      const { rows: at } = await s.query<{ replayed: string; done: boolean }>(
        'SELECT pg_last_wal_replay_lsn()::text AS replayed, pg_last_wal_replay_lsn() >= $1::pg_lsn AS done',
        [target],
      );
      if (at[0]!.done) return;
      if (Date.now() > until) throw new Error(`the standby replayed to ${at[0]!.replayed}, not ${target}, within 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await Promise.all([p.end(), s.end()]);
  }
}

/** Waits until the primary reports its standby streaming (pg_stat_replication), up to 30 s. */
async function waitForStreaming(primary: string): Promise<void> {
  const client = new pg.Client({ connectionString: primary });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const until = Date.now() + 30_000;
    for (;;) {
      const { rows } = await client.query<{ state: string }>('SELECT state FROM pg_stat_replication');
      if (rows.some((r) => r.state === 'streaming')) return;
      if (Date.now() > until)
        throw new Error(`the standby did not start streaming within 30 s (pg_stat_replication: ${JSON.stringify(rows)})`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await client.end();
  }
}
