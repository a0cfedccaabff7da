import { execFile } from 'node:child_process';
import { chown } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The OS user to run Postgres' own binaries and PgBouncer as. Both refuse to
 * run as root (initdb, pg_ctl: "cannot be run as root"; PgBouncer: "should
 * not run as root"), so a root process (a container, CI) runs them as
 * `postgres`, the user Debian's packages create; anyone else runs them as
 * themselves (undefined).
 */
export async function serverUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const [{ stdout: uid }, { stdout: gid }] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
  } catch {
    throw new Error(
      'running as root, and there is no postgres OS user to run the database servers and PgBouncer as (both refuse root): install postgresql (it creates one) or run as another user',
    );
  }
}

/** Hands a folder the test made to the server user, so the binaries run as it can write there. */
export async function giveToServerUser(path: string): Promise<void> {
  const user = await serverUser();
  if (user) await chown(path, user.uid, user.gid);
}

/**
 * Runs a server binary to completion as the server user; rejects with its
 * output when it exits non-zero, so a failed initdb or pg_ctl says why.
 */
export async function runAsServerUser(file: string, args: string[], options: { timeoutMs?: number } = {}): Promise<string> {
  const user = await serverUser();
  try {
    const { stdout } = await run(file, args, {
      ...user,
      timeout: options.timeoutMs ?? 120_000,
      env: { ...process.env, LC_ALL: 'C.UTF-8' },
    });
    return stdout;
  } catch (error) {
    const e = error as Error & { stdout?: string; stderr?: string };
    throw new Error(`${file} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`.trim(), { cause: error });
  }
}
