import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb, migrateDb } from '@skatehubba/db';

/**
 * The maintenance job end to end, as a scheduler runs it: a child process
 * (`node --import tsx`, what the Nx target runs), against a real PGlite
 * folder on disk or nothing at all.
 */
const main = fileURLToPath(new URL('./main.ts', import.meta.url));
const root = fileURLToPath(new URL('../../..', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', main, ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: '', DATABASE_URL_UNPOOLED: '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'skatehubba-maintenance-'));
  dirs.push(dir);
  return dir;
};

describe('nx run maintenance:run', { timeout: 60_000 }, () => {
  it('refuses to start without a database (exit 2), saying what to set', async () => {
    const result = await run([]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^maintenance: DATABASE_URL is not set: .*member of skatehubba_owner.*--data-dir/);
  });

  it('refuses an unknown option and a folder with no database (exit 2)', async () => {
    const unknown = await run(['--dry-run']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown option '--dry-run'/);
    const empty = await tempDir();
    const noDatabase = await run(['--data-dir', empty]);
    expect(noDatabase.code).toBe(2);
    expect(noDatabase.stderr).toBe(
      `maintenance: ${empty} holds no database. Seed one first (npx nx run seed:load), or point DATABASE_URL at a server.\n`,
    );
  });

  it('fails with one line and the next step when the server is down (exit 1)', async () => {
    // Port 9 (discard) on loopback: nothing listens there.
    const result = await run([], { DATABASE_URL: 'postgres://postgres@127.0.0.1:9/postgres' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^maintenance: cannot connect to 127\.0\.0\.1:9\/postgres: connection refused\. Is the Postgres server up\?/),
    ]);
  });

  it('on a migrated PGlite folder: moves a stray row, prunes an ended session, prints each action and a summary; a second run has nothing to do', async () => {
    const dataDir = await tempDir();
    const db = await createDb({ driver: 'pglite', dataDir });
    try {
      await migrateDb(db);
      await db.client.exec(`
          INSERT INTO audit_logs (action, target_table, target_id, changes, created_at)
          VALUES ('insert', 'users', 'stray', '{}', now() - interval '5 months');
          INSERT INTO users (id, handle, email, display_name) VALUES ('6f1c0c4e-3f57-4a8e-9d55-6e1b1f0a2b3c', 'cli_rider', 'cli@example.test', 'CLI');
          INSERT INTO sessions (user_id, token_hash, created_at, expires_at)
          VALUES ('6f1c0c4e-3f57-4a8e-9d55-6e1b1f0a2b3c', repeat('a', 64), now() - interval '50 days', now() - interval '40 days');`);
    } finally {
      await db.close();
    }

    const first = await run(['--data-dir', dataDir]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const lines = first.stdout.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^audit_logs: created audit_logs_\d{4}_\d{2}$/),
      'audit_logs: moved 1 row from the default partition into audit_logs_default',
      'sessions: pruned 1 session that ended over 30 days ago',
      expect.stringMatching(
        /^maintenance done: audit_logs: 1 created, 1 moved into \(1 row\), 0 retired \(0 rows\); sessions: 1 pruned; notifications: 0 pruned; leaderboards: from \d{4}-\d{2}-\d{2}; partitions \d{4}-\d{2} \.\. \d{4}-\d{2} \(5 months, 3 ahead\) \+ default$/,
      ),
    ]);

    const second = await run(['--data-dir', dataDir]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(
      /^maintenance done: audit_logs: nothing to do; sessions: 0 pruned; notifications: 0 pruned; leaderboards: from \d{4}-\d{2}-\d{2}; partitions /,
    );
  }, 300_000);
});
