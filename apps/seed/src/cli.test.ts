import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, truncate } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { DATA_DIR_LOCK_FILE } from '@skatehubba/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The seed CLI end to end, as a developer runs it: a child process, real
 * PGlite on disk, a real Postgres client over the wire.
 */
const main = fileURLToPath(new URL('./main.ts', import.meta.url));
const root = fileURLToPath(new URL('../../..', import.meta.url));
// What the Nx targets run: one process, so Ctrl-C reaches the seed itself.
const node = [process.execPath, '--import', 'tsx'];
const tiny = ['--users', '30', '--spots', '8', '--checkins', '120'];
// The server the seed runs on: the direct URL (a pooler in DATABASE_URL serves app traffic, not the seed).
const serverUrl = process.env.DATABASE_URL_UNPOOLED || process.env.DATABASE_URL;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(node[0]!, [...node.slice(1), main, ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: '', DATABASE_URL_UNPOOLED: '', NODE_ENV: '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'skatehubba-seed-cli-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('guards', { timeout: 60_000 }, () => {
  it('refuses NODE_ENV=production with exit 2 and says what to do', async () => {
    const r = await run(['load', '--data-dir', join(dir, 'never'), ...tiny], { NODE_ENV: 'production' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refusing to seed: NODE_ENV=production/);
  });

  it('refuses a remote DATABASE_URL without --allow-remote, before connecting', async () => {
    const r = await run(['load', ...tiny], { DATABASE_URL: 'postgres://app@db.skatehubba.example:5432/app' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refusing to seed db\.skatehubba\.example: .*pass --allow-remote/);
  });

  it('answers a bad option with usage and exit 2', async () => {
    const r = await run(['load', '--profile', 'huge']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^seed: --profile must be one of small, medium, large, got huge$/m);
  });
});

describe('options and checks before anything is opened', { timeout: 60_000 }, () => {
  it.each([
    [['load', '--users', '-5'], /^seed: --users must be a whole number >= 0, got "-5"$/m],
    [['serve', '--port', 'abc'], /^seed: --port must be a whole number from 0 to 65535 \(0: any free port\), got "abc"$/m],
    [['load', '--anchor', 'yesterday'], /^seed: --anchor must be a calendar day as YYYY-MM-DD/m],
    [['load', '--nope'], /^seed: unknown option --nope$/m],
  ])('%j exits 2 with its own message', async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('checks the port before it opens or seeds anything', async () => {
    const taken = createServer();
    const port = await new Promise<number>((resolve) =>
      taken.listen(0, '127.0.0.1', () => resolve((taken.address() as { port: number }).port)),
    );
    try {
      const dataDir = join(dir, 'port-taken');
      const started = Date.now();
      const r = await run(['serve', '--port', String(port), '--data-dir', dataDir, ...tiny]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        new RegExp(
          `^seed: port ${port} on 127\\.0\\.0\\.1 is in use .*Pass --port N for another port, or --port 0 for any free one\\.$`,
          'm',
        ),
      );
      // Nothing was created, let alone seeded: the refusal came first.
      expect(existsSync(dataDir)).toBe(false);
      expect(r.stdout).not.toMatch(/^seeded /m);
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      taken.close();
    }
  });
});

describe('load on the embedded database', { timeout: 180_000 }, () => {
  it('creates a missing folder with its parents, seeds, says what it reuses, and starts over only with --reset', async () => {
    const dataDir = join(dir, 'nested', 'a', 'b');
    const first = await run(['load', '--data-dir', dataDir, ...tiny, '--anchor', '2026-06-01']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/checkins\s+120\s/);
    expect(first.stdout).toContain(
      `seeded ${dataDir} (profile small (counts overridden), seed 1: 30 riders, 8 spots, 120 check-ins, timeline ending 2026-06-01)`,
    );
    expect(first.stdout).toMatch(/riders to log in as/);

    const same = await run(['load', '--data-dir', dataDir, ...tiny]);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stderr).toContain(
      `${dataDir} already holds profile small, seed 1, timeline ending 2026-06-01: 30 riders, 8 spots, 120 check-ins; reusing it unchanged.`,
    );
    expect(same.stderr).not.toMatch(/You asked for/);

    const other = await run(['load', '--data-dir', dataDir, '--profile', 'medium', '--seed', '99']);
    expect(other.code, other.stderr).toBe(0);
    expect(other.stderr).toContain('reusing it unchanged');
    expect(other.stderr).toContain('You asked for profile medium, seed 99: 10,000 riders, 2,500 spots, 100,000 check-ins.');
    expect(other.stderr).toContain(
      `To re-seed it that way (deletes what it holds): npx nx run seed:load -- --reset --data-dir ${dataDir} --profile medium --seed 99`,
    );
    expect(other.stdout).not.toMatch(/^seeded /m);

    const reset = await run(['load', '--data-dir', dataDir, '--reset', '--users', '12', '--spots', '4', '--checkins', '40']);
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stderr).toMatch(/users\s+12\s/);
  });

  it('diagnoses a folder it cannot open in one line, with the command that starts over', async () => {
    const dataDir = join(dir, 'broken');
    expect((await run(['load', '--data-dir', dataDir, ...tiny])).code).toBe(0);
    await truncate(join(dataDir, 'global', 'pg_control'), 100);
    const r = await run(['load', '--data-dir', dataDir, ...tiny]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `^seed: cannot open the embedded database in ${dataDir} \\(made by PostgreSQL 18; PGlite said: .*\\)\\. It was left half-written`,
        'm',
      ),
    );
    expect(r.stderr).toContain(`Start over (deletes what it holds): npx nx run seed:load -- --reset --data-dir ${dataDir}`);
    expect(r.stderr).not.toMatch(/RuntimeError|wasm-function|\n {4}at /);
    const again = await run(['load', '--reset', '--data-dir', dataDir, ...tiny]);
    expect(again.code, again.stderr).toBe(0);
  });

  it('stops on Ctrl-C mid-seed, rolls back, and exits 130 with the folder usable', async () => {
    const dataDir = join(dir, 'interrupted');
    const child = spawn(
      node[0]!,
      [...node.slice(1), main, 'load', '--data-dir', dataDir, '--users', '3000', '--spots', '300', '--checkins', '60000'],
      {
        cwd: root,
        env: { ...process.env, DATABASE_URL: '', DATABASE_URL_UNPOOLED: '', NODE_ENV: '' },
      },
    );
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    while (!/checkins/.test(stderr) && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toMatch(/^seed: interrupted before the seed committed: nothing was kept\. Run the same command again to seed\.$/m);
    expect(existsSync(join(dataDir, DATA_DIR_LOCK_FILE))).toBe(false);
    const next = await run(['load', '--data-dir', dataDir, ...tiny]);
    expect(next.code, next.stderr).toBe(0);
    expect(next.stdout).toMatch(/seeded .*30 riders, 8 spots, 120 check-ins/);
  });
});

interface Served {
  port: number;
  stdout: () => string;
  child: ChildProcessWithoutNullStreams;
  exited: Promise<number | null>;
}

async function startServe(dataDir: string, extra: string[] = []): Promise<Served> {
  const child = spawn(node[0]!, [...node.slice(1), main, 'serve', '--port', '0', '--data-dir', dataDir, ...tiny, ...extra], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: '', DATABASE_URL_UNPOOLED: '', NODE_ENV: '' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const deadline = Date.now() + 90_000;
  while (!stdout.includes('Ctrl-C to stop')) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`serve did not come up:\n${stdout}\n${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const port = Number(/127\.0\.0\.1:(\d+)\/postgres/.exec(stdout)![1]);
  return { port, stdout: () => stdout, child, exited };
}

/** The act-as block the seed prints: the rider, the login lines (servers only) and the statements to paste. */
function actAsBlock(stdout: string) {
  const m = /^ {2}act as @(\S+) .*\n((?: {4}.*\n)+)/m.exec(stdout);
  if (!m) throw new Error(`no act-as block in:\n${stdout}`);
  const lines = m[2]!
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return {
    handle: m[1]!,
    psql: lines.find((l) => l.startsWith('psql ')),
    alter: lines.find((l) => l.startsWith('ALTER ROLE')),
    sql: lines.filter((l) => !l.startsWith('psql ') && !l.startsWith('ALTER ROLE')),
  };
}

/**
 * Runs the printed statements on `app` as psql would, and holds what that
 * session sees to the policies: only the rider's sessions, saved spots and
 * progress, every live check-in (no other rider's archived one), their own
 * email through current_rider_email() but no users.email or
 * sessions.token_hash. `admin` (the seed's login, which no policy binds)
 * counts the truth first; after COMMIT nothing of the rider is left.
 */
async function expectActingAsRider(admin: pg.Client, app: pg.Client, block: ReturnType<typeof actAsBlock>) {
  const id = (await admin.query<{ id: string }>('SELECT id FROM users WHERE handle = $1', [block.handle])).rows[0]!.id;
  // A row for the check-in policy to hide: another rider's archived check-in (live ones are public).
  await admin.query(
    'UPDATE checkins SET archived_at = now() WHERE id = (SELECT id FROM checkins WHERE user_id <> $1 AND archived_at IS NULL LIMIT 1)',
    [id],
  );
  const { rows: truth } = await admin.query<Record<string, string>>(
    `SELECT email,
            (SELECT count(*) FROM sessions WHERE user_id = $1) AS sessions,
            (SELECT count(*) FROM saved_spots WHERE user_id = $1) AS saved_spots,
            (SELECT count(*) FROM user_achievements WHERE user_id = $1) AS progress,
            (SELECT count(*) FROM checkins WHERE archived_at IS NULL OR user_id = $1) AS checkins,
            (SELECT count(*) FROM sessions WHERE user_id <> $1) > 0
              AND (SELECT count(*) FROM saved_spots WHERE user_id <> $1) > 0
              AND (SELECT count(*) FROM user_achievements WHERE user_id <> $1) > 0
              AND (SELECT count(*) FROM checkins WHERE archived_at IS NOT NULL AND user_id <> $1) > 0 AS others_to_hide
       FROM users WHERE id = $1`,
    [id],
  );
  const { others_to_hide: othersToHide, ...rider } = truth[0]!;
  expect(othersToHide).toBe(true);

  const [begin, setRider, example, commit] = block.sql;
  expect([begin, commit]).toEqual(['BEGIN;', 'COMMIT;']);
  await app.query(begin!);
  await app.query(setRider!);
  expect((await app.query(example!)).rows).toEqual([
    { current_rider_email: rider.email, sessions: rider.sessions, saved_spots: rider.saved_spots },
  ]);
  // Everything the session can see, unfiltered: the policies alone narrow it to the rider.
  const seen = await app.query<Record<string, string>>(
    `SELECT current_rider_email() AS email,
            (SELECT count(*) FROM sessions) AS sessions,
            (SELECT count(*) FROM saved_spots) AS saved_spots,
            (SELECT count(*) FROM user_achievements) AS progress,
            (SELECT count(*) FROM checkins) AS checkins`,
  );
  expect(seen.rows[0]).toEqual(rider);
  expect((await app.query('SELECT current_user AS role')).rows).toEqual([{ role: 'authenticated' }]);
  for (const secret of ['SELECT email FROM users', 'SELECT token_hash FROM sessions']) {
    await app.query('SAVEPOINT probe');
    await expect(app.query(secret), secret).rejects.toMatchObject({ code: '42501' });
    await app.query('ROLLBACK TO SAVEPOINT probe');
  }
  await app.query(commit!);
  const after = await app.query<{ claims: string | null }>(`SELECT nullif(current_setting('request.jwt.claims', true), '') AS claims`);
  expect(after.rows).toEqual([{ claims: null }]);
}

describe('serve', { timeout: 180_000 }, () => {
  it('serves the seeded database over the Postgres protocol, with working logins, and stops cleanly on Ctrl-C', async () => {
    const served = await startServe(join(dir, 'serve'));
    const url = `postgres://postgres@127.0.0.1:${served.port}/postgres`;
    try {
      expect(served.stdout()).toMatch(/psql "postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres\?sslmode=disable"/);
      expect(served.stdout()).toMatch(/drizzle-kit studio/);

      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const { rows } = await client.query<{ users: number; checkins: number }>(
        'SELECT (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM checkins)::int AS checkins',
      );
      expect(rows[0]).toEqual({ users: 30, checkins: 120 });
      // Each printed token authenticates its rider the way an API would: by its SHA-256.
      const logins = [...served.stdout().matchAll(/^ {4}@(\S+)\s+\d+ check-ins {2}(\S+)$/gm)].map((m) => ({ handle: m[1], token: m[2] }));
      expect(logins).toHaveLength(3);
      for (const { handle, token } of logins) {
        const found = await client.query<{ handle: string }>(
          `SELECT u.handle FROM sessions s JOIN users u ON u.id = s.user_id
            WHERE s.token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex') AND s.revoked_at IS NULL AND s.expires_at > now()`,
          [token],
        );
        expect(found.rows).toEqual([{ handle }]);
      }
      await client.end();
    } finally {
      served.child.kill('SIGINT');
    }
    expect(await served.exited).toBe(0);
    expect(served.stdout()).toContain('stopped cleanly');
  });

  it('gives a client that connects to an idle server a clean session: no setting, temp table or transaction of the last one', async () => {
    const served = await startServe(join(dir, 'sessions'));
    const url = `postgres://postgres@127.0.0.1:${served.port}/postgres`;
    try {
      const first = new pg.Client({ connectionString: url });
      await first.connect();
      await first.query("SELECT set_config('skatehubba.actor_id', '00000000-0000-4000-8000-000000000001', false)");
      await first.query('CREATE TEMP TABLE left_behind (x int)');
      await first.query('BEGIN');
      await first.query("UPDATE users SET display_name = 'not committed' WHERE id = (SELECT id FROM users LIMIT 1)");
      await first.end();

      const next = new pg.Client({ connectionString: url });
      await next.connect();
      const { rows } = await next.query<{ actor: string | null; temp: string | null; uncommitted: number }>(
        `SELECT nullif(current_setting('skatehubba.actor_id', true), '') AS actor, to_regclass('pg_temp.left_behind')::text AS temp,
                (SELECT count(*)::int FROM users WHERE display_name = 'not committed') AS uncommitted`,
      );
      expect(rows).toEqual([{ actor: null, temp: null, uncommitted: 0 }]);
      // And the next client is not inside the last one's transaction: its write commits on its own.
      await next.query("UPDATE users SET display_name = 'committed' WHERE id = (SELECT id FROM users ORDER BY id LIMIT 1)");
      await next.end();
      const check = new pg.Client({ connectionString: url });
      await check.connect();
      expect((await check.query('SELECT count(*)::int AS n FROM users WHERE display_name = $1', ['committed'])).rows).toEqual([{ n: 1 }]);
      await check.end();
    } finally {
      served.child.kill('SIGINT');
    }
    expect(await served.exited).toBe(0);
  });

  it('prints how to act as the app role with a rider, and psql acting so sees exactly what the policies allow', async () => {
    const served = await startServe(join(dir, 'act-as'));
    const url = `postgres://postgres@127.0.0.1:${served.port}/postgres`;
    try {
      const block = actAsBlock(served.stdout());
      // The busiest rider listed above, through the psql line above: the served PGlite has one login.
      expect(served.stdout()).toMatch(new RegExp(`^ {4}@${block.handle} `, 'm'));
      expect([block.psql, block.alter]).toEqual([undefined, undefined]);
      expect(served.stdout()).toContain("PGlite's session is always a superuser");
      const admin = new pg.Client({ connectionString: url });
      const app = new pg.Client({ connectionString: url });
      for (const c of [admin, app]) c.on('error', () => undefined);
      await admin.connect();
      await app.connect();
      try {
        await expectActingAsRider(admin, app, block);
        // The rider and the role ended with the transaction: the shared session is the superuser's again.
        expect((await app.query('SELECT current_user AS role')).rows).toEqual([{ role: 'postgres' }]);
      } finally {
        await app.end();
        await admin.end();
      }
    } finally {
      served.child.kill('SIGINT');
    }
    expect(await served.exited).toBe(0);
  });

  it('locks its folder: a second opener (load, --reset, serve) is refused at once, naming the holder; a stale lock is taken over', async () => {
    const dataDir = join(dir, 'locked');
    const served = await startServe(dataDir);
    const pid = served.child.pid!;
    try {
      for (const args of [['load'], ['load', '--reset'], ['serve', '--port', '0']]) {
        const r = await run([...args, '--data-dir', dataDir, ...tiny]);
        expect(r.code, args.join(' ')).toBe(2);
        expect(r.stderr).toContain(`seed: ${dataDir} is in use by pid ${pid} (`);
        expect(r.stderr).toContain(
          `Stop that process first (Ctrl-C in its terminal, or kill ${pid}), or use another folder with --data-dir.`,
        );
      }
      // --reset was refused before it deleted anything: the server still serves every row.
      const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${served.port}/postgres` });
      await client.connect();
      expect((await client.query('SELECT count(*)::int AS n FROM checkins')).rows).toEqual([{ n: 120 }]);
      await client.end();
    } finally {
      // A crash: no chance to release the lock.
      served.child.kill('SIGKILL');
    }
    await served.exited;
    expect(existsSync(join(dataDir, DATA_DIR_LOCK_FILE))).toBe(true);
    const after = await run(['load', '--data-dir', dataDir, ...tiny]);
    expect(after.code, after.stderr).toBe(0);
    expect(after.stderr).toContain(`took over ${dataDir} from pid ${pid}, which no longer runs`);
    expect(after.stderr).toContain('30 riders, 8 spots, 120 check-ins; reusing it unchanged');
  });
});

describe('connection failures', { timeout: 60_000 }, () => {
  it('says in one line that nothing listens, and what to do', async () => {
    const port = await freePort();
    const r = await run(['load', ...tiny], { DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/postgres` });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      `seed: cannot connect to 127.0.0.1:${port}/postgres: connection refused. Is the Postgres server up? Start it (here: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start), or unset DATABASE_URL to use the embedded database.`,
    );
  });

  it.runIf(serverUrl)('says in one line that the connection was lost mid-seed, and that nothing was kept', async () => {
    const admin = new pg.Client({ connectionString: serverUrl });
    admin.on('error', () => undefined);
    await admin.connect();
    const db = `skatehubba_seed_drop_${process.pid}`;
    await admin.query(`CREATE DATABASE ${db}`);
    try {
      const target = new URL(serverUrl!);
      target.pathname = `/${db}`;
      const child = spawn(node[0]!, [...node.slice(1), main, 'load', '--users', '3000', '--spots', '300', '--checkins', '60000'], {
        cwd: root,
        env: { ...process.env, DATABASE_URL: target.toString(), DATABASE_URL_UNPOOLED: '', NODE_ENV: '' },
      });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      while (!/saved_spots/.test(stderr) && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
      // What a server restart does to the seed's connection.
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [db]);
      expect(await exited).toBe(1);
      expect(stderr).toMatch(
        /^seed: the connection to [^ ]+ was lost \([^)]+\): the server restarted or shut down, or the database was dropped\. Nothing was committed by the step that failed; run the same command again\.$/m,
      );
      expect(stderr).not.toMatch(/\n {4}at /);
      const check = new pg.Client({ connectionString: target.toString() });
      await check.connect();
      expect((await check.query('SELECT count(*)::int AS n FROM users')).rows).toEqual([{ n: 0 }]);
      await check.end();
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      await admin.end();
    }
  });

  it.runIf(serverUrl)('says in one line that the database does not exist, and how to create it', async () => {
    const target = new URL(serverUrl!);
    target.pathname = '/skatehubba_no_such_db';
    const r = await run(['load', ...tiny], { DATABASE_URL: target.toString() });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(
      /^seed: database "skatehubba_no_such_db" does not exist on [^ ]+\. Create it \(createdb -h .* skatehubba_no_such_db\), or point DATABASE_URL at an existing database\.$/,
    );
  });
});

describe.runIf(serverUrl)('load on a Postgres server', { timeout: 180_000 }, () => {
  const url = serverUrl ?? '';
  const databases = [`skatehubba_seed_a_${process.pid}`, `skatehubba_seed_b_${process.pid}`];
  let admin: pg.Client;

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
    for (const db of databases) await admin.query(`CREATE DATABASE ${db}`);
  });
  afterAll(async () => {
    for (const db of databases) await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await admin.end();
  });

  it('prints how to act as the app role on the server: its own login, then a rider; psql so sees what the policies allow', async () => {
    const db = `skatehubba_seed_act_${process.pid}`;
    await admin.query(`CREATE DATABASE ${db}`);
    // What the test harness and a deployment do (roles span the server): the API's role may log in.
    await admin.query('ALTER ROLE skatehubba_app LOGIN');
    const target = new URL(url);
    target.pathname = `/${db}`;
    const owner = new pg.Client({ connectionString: target.toString() });
    owner.on('error', () => undefined);
    try {
      const r = await run(['load', ...tiny], { DATABASE_URL: target.toString() });
      expect(r.code, r.stderr).toBe(0);
      const block = actAsBlock(r.stdout);
      const appUrl = new URL(target);
      appUrl.username = 'skatehubba_app';
      appUrl.password = '';
      expect(block.psql).toBe(`psql "${appUrl.toString()}"`);
      expect(block.alter).toBeUndefined();
      await owner.connect();
      const app = new pg.Client({ connectionString: /^psql "(.*)"$/.exec(block.psql!)![1] });
      app.on('error', () => undefined);
      await app.connect();
      try {
        // The login alone is an anonymous request (migration 0006): no rider's rows until the printed switch.
        expect((await app.query('SELECT current_user AS role')).rows).toEqual([{ role: 'anonymous' }]);
        await expect(app.query('SELECT count(*) FROM sessions')).rejects.toMatchObject({ code: '42501' });
        await expectActingAsRider(owner, app, block);
        expect((await app.query('SELECT current_user AS role')).rows).toEqual([{ role: 'anonymous' }]);
      } finally {
        await app.end();
      }
    } finally {
      await owner.end().catch(() => undefined);
      await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    }
  });

  it('gives identical table contents for the same --seed in two empty databases', async () => {
    const digests: string[] = [];
    for (const db of databases) {
      const target = new URL(url);
      target.pathname = `/${db}`;
      const r = await run(['load', '--seed', '7', '--anchor', '2026-06-01', ...tiny], { DATABASE_URL: target.toString() });
      expect(r.code, r.stderr).toBe(0);
      const client = new pg.Client({ connectionString: target.toString() });
      await client.connect();
      const parts: string[] = [];
      for (const table of ['users', 'spots', 'achievements', 'sessions', 'saved_spots', 'checkins', 'user_achievements']) {
        const { rows } = await client.query(`SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS d FROM ${table} x`);
        parts.push(`${table}:${rows[0].d}`);
      }
      await client.end();
      digests.push(parts.join(' '));
    }
    expect(digests[0]).toBe(digests[1]);
  });
});
