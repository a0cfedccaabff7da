import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The seed CLI end to end, as a developer runs it: a child process, real
 * PGlite on disk, a real Postgres client over the wire.
 */
const main = fileURLToPath(new URL('./main.ts', import.meta.url));
const root = fileURLToPath(new URL('../../..', import.meta.url));
const tsx = join(root, 'node_modules/.bin/tsx');
const tiny = ['--users', '30', '--spots', '8', '--checkins', '120'];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, [main, ...args], { env: { ...process.env, DATABASE_URL: '', NODE_ENV: '', ...env } });
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
    expect(r.stderr).toMatch(/--profile must be one of small, medium, large/);
  });
});

describe('load on the embedded database', { timeout: 180_000 }, () => {
  it('seeds, then reuses the data on the next run, and starts over only with --reset', async () => {
    const dataDir = join(dir, 'load');
    const first = await run(['load', '--data-dir', dataDir, ...tiny]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/checkins\s+120\s/);
    expect(first.stdout).toMatch(/riders:/);

    const second = await run(['load', '--data-dir', dataDir, ...tiny, '--seed', '99']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/already has 30 riders: reusing it \(pass --reset to start over\)/);

    const reset = await run(['load', '--data-dir', dataDir, '--reset', '--users', '12', '--spots', '4', '--checkins', '40']);
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stderr).toMatch(/users\s+12\s/);
  });
});

describe('serve', { timeout: 180_000 }, () => {
  it('serves the seeded database over the Postgres protocol and stops cleanly on Ctrl-C', async () => {
    const port = await freePort();
    const child = spawn(tsx, [main, 'serve', '--port', String(port), '--data-dir', join(dir, 'serve'), ...tiny], {
      env: { ...process.env, DATABASE_URL: '', NODE_ENV: '' },
    });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', () => undefined);
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      const deadline = Date.now() + 90_000;
      while (!stdout.includes('Ctrl-C to stop')) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`serve did not come up:\n${stdout}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(stdout).toContain(`postgres://postgres@127.0.0.1:${port}/postgres`);
      expect(stdout).toMatch(/psql "postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres\?sslmode=disable"/);
      expect(stdout).toMatch(/drizzle-kit studio/);

      const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
      await client.connect();
      const { rows } = await client.query<{ users: number; checkins: number }>(
        'SELECT (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM checkins)::int AS checkins',
      );
      await client.end();
      expect(rows[0]).toEqual({ users: 30, checkins: 120 });
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(stdout).toContain('stopped cleanly');
  });
});

describe.runIf(process.env.DATABASE_URL)('load on a Postgres server', { timeout: 180_000 }, () => {
  const url = process.env.DATABASE_URL ?? '';
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

  it('gives identical table contents for the same --seed in two empty databases', async () => {
    const digests: string[] = [];
    for (const db of databases) {
      const target = new URL(url);
      target.pathname = `/${db}`;
      const r = await run(['load', '--seed', '7', ...tiny], { DATABASE_URL: target.toString() });
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
