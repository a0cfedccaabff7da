import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject } from 'vitest';
import { databaseTest, withDatabase, withUser } from '@skatehubba/testing';
import { actionLines, runMaintenance, summaryLine } from './maintenance';

// The job's one run on this engine's migrated database: what it does and
// says. On the server, also the real process against that database, as the
// migrations' login (it works) and as the API's (it is refused, one line).
const engine = inject('engine');
const it = databaseTest({});
const main = fileURLToPath(new URL('./main.ts', import.meta.url));
const root = fileURLToPath(new URL('../../..', import.meta.url));

function run(url: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', main], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: url, DATABASE_URL_UNPOOLED: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** An old trail row (`monthsAgo` months back: lands in the default partition) and a session that ended 40 days ago. */
async function work(t: { query(text: string): Promise<unknown> }, monthsAgo: number) {
  const user = crypto.randomUUID();
  await t.query(
    `INSERT INTO audit_logs (action, target_table, target_id, changes, created_at) VALUES ('insert', 'users', '${user}', '{}', now() - interval '${monthsAgo} months')`,
  );
  await t.query(
    `INSERT INTO users (id, handle, email, display_name) VALUES ('${user}', 'm_${user.slice(0, 8)}', 'm.${user.slice(0, 8)}@example.test', 'M')`,
  );
  await t.query(
    `INSERT INTO sessions (user_id, token_hash, created_at, expires_at) VALUES ('${user}', encode(sha256('${user}'::bytea), 'hex'), now() - interval '50 days', now() - interval '40 days')`,
  );
}

describe('runMaintenance()', { timeout: 120_000 }, () => {
  it('runs both tasks, each in its own transaction, and reports every action', async ({ t }) => {
    await work(t, 7);
    const report = await runMaintenance(t.db);
    expect(report.audit.ok && report.sessions.ok && report.notifications.ok && report.leaderboards.ok).toBe(true);
    const lines = actionLines(report);
    expect(lines).toEqual([
      expect.stringMatching(/^audit_logs: created audit_logs_\d{4}_\d{2}$/),
      'audit_logs: moved 1 row from the default partition into audit_logs_default',
      'sessions: pruned 1 session that ended over 30 days ago',
    ]);
    expect(summaryLine(report)).toMatch(
      /^maintenance done: audit_logs: 1 created, 1 moved into \(1 row\), 0 retired \(0 rows\); sessions: 1 pruned; /,
    );

    const again = await runMaintenance(t.db);
    expect(actionLines(again)).toEqual([]);
    expect(summaryLine(again)).toMatch(
      /^maintenance done: audit_logs: nothing to do; sessions: 0 pruned; notifications: 0 pruned; leaderboards: from \d{4}-\d{2}-\d{2}; partitions \d{4}-\d{2} \.\. \d{4}-\d{2} \(\d+ months, 3 ahead\) \+ default$/,
    );
  });

  it.runIf(engine === 'postgres')(
    'nx run maintenance:run on the server: works as the owner’s login, refused in one line as the API’s',
    async ({ t }) => {
      await work(t, 9);
      const [{ name }] = (await t.query<{ name: string }>('SELECT current_database() AS name')) as [{ name: string }];
      const url = withDatabase(inject('postgresUrl'), name);

      const asApp = await run(withUser(url, 'skatehubba_app'));
      expect(asApp.code).toBe(1);
      const refused = asApp.stderr.trim().split('\n');
      expect(refused).toHaveLength(4);
      for (const line of refused) {
        expect(line).toMatch(
          /^maintenance: (audit maintenance|session pruning|notification pruning|leaderboard roll) failed on .*: skatehubba_app may not run maintenance .*member of skatehubba_owner/,
        );
      }
      expect(asApp.stdout).toMatch(
        /^maintenance failed: audit_logs: FAILED; sessions: FAILED; notifications: FAILED; leaderboards: FAILED/m,
      );

      const asOwner = await run(url);
      expect(asOwner.stderr).toBe('');
      expect(asOwner.code).toBe(0);
      expect(asOwner.stdout).toContain('audit_logs: moved 1 row from the default partition into audit_logs_default');
      expect(asOwner.stdout).toContain('sessions: pruned 1 session that ended over 30 days ago');
    },
  );
});
