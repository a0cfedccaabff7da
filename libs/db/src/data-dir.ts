import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * One process per PGlite data folder. PGlite keeps the folder's pages in the
 * process and writes them back on its own schedule; a second process that
 * opens the same folder works on a stale copy, and whichever closes last
 * overwrites the other's writes (the next open can abort in wasm). Postgres
 * guards its data directory with `postmaster.pid`; this is the same idea for
 * the embedded engine.
 *
 * The lock is a file created with O_EXCL inside the folder, holding the
 * holder's pid, host, command and start time. A lock whose pid no longer runs
 * on this host is stale (a killed process) and is taken over.
 * (proper-lockfile detects staleness by mtime and records no holder; the
 * refusal here must name the holder's pid.)
 */
export const DATA_DIR_LOCK_FILE = 'skatehubba.lock';

export interface DataDirHolder {
  pid: number;
  host: string;
  command: string;
  since: string;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: DataDirHolder,
  ) {
    super(
      `${dataDir} is in use by pid ${holder.pid} (${holder.command}, since ${holder.since}). ` +
        `Stop that process first (Ctrl-C in its terminal, or kill ${holder.pid}), or use another folder with --data-dir.`,
    );
    this.name = 'DataDirLockedError';
  }
}

export interface DataDirLock {
  readonly dataDir: string;
  /** True when a stale lock from a process that no longer runs was taken over. */
  readonly tookOver: DataDirHolder | undefined;
  release(): Promise<void>;
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the pid exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readHolder(file: string): Promise<DataDirHolder | undefined> {
  try {
    const holder = JSON.parse(await readFile(file, 'utf8')) as DataDirHolder;
    return Number.isInteger(holder.pid) ? holder : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Creates `dataDir` (and its parents) if needed and locks it for this
 * process. Throws `DataDirLockedError`, naming the holder, when a live process
 * holds it. Locking again from the process that holds it is refused as well:
 * two PGlite instances on one folder corrupt it just the same.
 */
export async function lockDataDir(dataDir: string, command = process.argv.slice(1).join(' ')): Promise<DataDirLock> {
  const dir = resolve(dataDir);
  await mkdir(dir, { recursive: true });
  const file = join(dir, DATA_DIR_LOCK_FILE);
  const me: DataDirHolder = { pid: process.pid, host: hostname(), command: command.slice(0, 200), since: new Date().toISOString() };
  let tookOver: DataDirHolder | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(`${JSON.stringify(me)}\n`);
      await handle.close();
      let released = false;
      return {
        dataDir: dir,
        tookOver,
        async release() {
          if (released) return;
          released = true;
          // Only remove a lock that is still ours.
          if ((await readHolder(file))?.pid === me.pid) await rm(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readHolder(file);
    if (holder && holder.host === me.host && !running(holder.pid)) {
      // Stale: re-read just before removing, so a lock another opener has just
      // taken over is not removed by mistake.
      const again = await readHolder(file);
      if (again?.pid === holder.pid && again.since === holder.since) {
        await rm(file, { force: true });
        tookOver = holder;
      }
      continue;
    }
    if (holder) throw new DataDirLockedError(dir, holder);
    // A lock file being written this instant (or an empty one from a crash
    // between create and write): give its writer a moment, then judge by age.
    await new Promise((r) => setTimeout(r, 50));
    const age = Date.now() - (await stat(file).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
    if (!(await readHolder(file)) && age > 1_000) await rm(file, { force: true });
  }
  const holder = await readHolder(file);
  if (holder) throw new DataDirLockedError(dir, holder);
  throw new Error(`cannot lock ${dir}: ${file} exists and cannot be read. If no seed or app is using the folder, delete that file.`);
}

/** The folder's `PG_VERSION` (the major version that made it), if it has one. */
export async function readPgVersion(dataDir: string): Promise<string | undefined> {
  return (await readFile(join(dataDir, 'PG_VERSION'), 'utf8').catch(() => undefined))?.trim();
}

/**
 * A data folder PGlite cannot open: left half-written (a process killed while
 * writing, or two processes writing it before it was locked) or made by an
 * engine of another major version. PGlite reports either as a bare wasm abort.
 */
export class DataDirOpenError extends Error {
  constructor(
    readonly dataDir: string,
    override readonly cause: unknown,
    readonly pgVersion: string | undefined,
  ) {
    const made = pgVersion ? `made by PostgreSQL ${pgVersion}` : 'with no PG_VERSION';
    super(
      `cannot open the embedded database in ${dataDir} (${made}; PGlite said: ${String((cause as Error)?.message ?? cause).split('\n')[0]}). ` +
        'It was left half-written (a crash, or two processes writing it) or made by another PGlite version.',
    );
    this.name = 'DataDirOpenError';
  }
}
