import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { createDb, databaseUrls, DataDirLockedError, DataDirOpenError, type DbHandle } from '@skatehubba/db';
import { describeFailure, describeTarget, type Target } from './failures';
import { actionLines, runMaintenance, summaryLine } from './maintenance';

/**
 * `npx nx run maintenance:run`: one run of the scheduled database
 * maintenance (README, "Maintenance"). Exit codes: 0 done; 1 failed while
 * running (each failure one line with the next step); 2 refused before
 * anything was opened (an option, no database named).
 */
const USAGE = `Usage: DATABASE_URL=postgres://... npx nx run maintenance:run
       npx nx run maintenance:run -- --data-dir .data/seed-pglite

Runs the audit trail's partition maintenance (maintain_audit_logs(): move
rows out of the default partition, create partitions ahead, retire months
past retention) and session pruning (prune_sessions()), each in its own
transaction, and prints one line per action and a summary.

DATABASE_URL    the database to maintain, as a login that is a member of
                skatehubba_owner (the migrations' login; on Neon, neondb_owner,
                on the direct, unpooled host)
DATABASE_URL_UNPOOLED  used instead of DATABASE_URL when set (Neon's name for
                the direct URL next to the pooled one)
--data-dir PATH a local PGlite folder instead (the seed's: .data/seed-pglite);
                stop seed:serve first, it holds the folder
--help`;

class Refusal extends Error {}

const say = (line: string) => process.stdout.write(`${line}\n`);
const note = (line: string) => process.stderr.write(`${line}\n`);

function target(argv: string[]): Target | 'help' {
  let values: { 'data-dir'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({ args: argv, options: { 'data-dir': { type: 'string' }, help: { type: 'boolean' } }, strict: true }));
  } catch (error) {
    throw new Refusal(`${(error as Error).message}\n${USAGE}`);
  }
  if (values.help) return 'help';
  const url = databaseUrls().direct;
  if (url && values['data-dir']) throw new Refusal('give either DATABASE_URL or --data-dir, not both');
  if (values['data-dir']) {
    const dataDir = resolve(values['data-dir']);
    // A folder with no PG_VERSION holds no database: opening it would initialise an empty one.
    if (!existsSync(join(dataDir, 'PG_VERSION'))) {
      throw new Refusal(`${dataDir} holds no database. Seed one first (npx nx run seed:load), or point DATABASE_URL at a server.`);
    }
    return { kind: 'pglite', dataDir };
  }
  if (!url) {
    throw new Refusal(
      'DATABASE_URL is not set: point it at the database to maintain, as a login that is a member of skatehubba_owner (DATABASE_URL=postgres://... npx nx run maintenance:run), or pass --data-dir .data/seed-pglite for the local seed database.',
    );
  }
  try {
    new URL(url);
  } catch {
    throw new Refusal('DATABASE_URL is not a URL: expected postgres://user:password@host:port/database');
  }
  return { kind: 'server', url };
}

async function open(where: Target): Promise<DbHandle> {
  if (where.kind === 'server') return createDb({ driver: 'node-postgres', url: where.url, max: 1 });
  try {
    return await createDb({ driver: 'pglite', dataDir: where.dataDir });
  } catch (error) {
    if (error instanceof DataDirLockedError || error instanceof DataDirOpenError) throw new Refusal(error.message);
    throw error;
  }
}

async function main(): Promise<number> {
  const where = target(process.argv.slice(2));
  if (where === 'help') {
    say(USAGE);
    return 0;
  }
  const handle = await open(where);
  try {
    // Reach the database once first, so an unreachable one is one line, not one per task.
    await handle.db.execute(sql`SELECT 1`);
    // Every driver's drizzle database is a PgDatabase; the union type does not say so.
    const report = await runMaintenance(handle.db as unknown as Parameters<typeof runMaintenance>[0]);
    for (const line of actionLines(report)) say(line);
    let failed = false;
    for (const [task, result] of [
      ['audit maintenance', report.audit],
      ['session pruning', report.sessions],
      ['notification pruning', report.notifications],
      ['leaderboard roll', report.leaderboards],
    ] as const) {
      if (result.ok) continue;
      failed = true;
      const hint = describeFailure(result.error, where);
      note(`maintenance: ${task} failed on ${describeTarget(where)}: ${hint ?? (result.error as Error)?.stack ?? String(result.error)}`);
    }
    say(summaryLine(report));
    return failed ? 1 : 0;
  } finally {
    await handle.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof Refusal) {
      note(`maintenance: ${error.message}`);
      process.exit(2);
    }
    const url = databaseUrls().direct;
    const hint = url ? describeFailure(error, { kind: 'server', url }) : undefined;
    note(`maintenance: ${hint ?? (error as Error)?.stack ?? String(error)}`);
    process.exit(1);
  },
);
