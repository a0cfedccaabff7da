import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * `nx affected` must run every suite a change can break. The integration
 * suites run on the testing lib (the fixture, the global setup, the Neon
 * loopback helpers in libs/testing/src/neon): a change to any of them must
 * mark every project with an integration test as affected, through the
 * project graph itself, not through a cache input that only looks like a
 * dependency.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

/** The Nx name of every project under libs/ and apps/ that has a `*.int.test.ts`. */
async function projectsWithIntegrationTests(): Promise<string[]> {
  const names: string[] = [];
  for (const group of ['libs', 'apps']) {
    for (const dir of await readdir(join(root, group))) {
      const files = await readdir(join(root, group, dir, 'src'), { recursive: true }).catch(() => [] as string[]);
      if (!files.some((f) => f.endsWith('.int.test.ts'))) continue;
      const pkg = JSON.parse(await readFile(join(root, group, dir, 'package.json'), 'utf8')) as { name: string; nx?: { name?: string } };
      names.push(pkg.nx?.name ?? pkg.name);
    }
  }
  return names.sort();
}

async function affectedBy(file: string): Promise<string[]> {
  const { stdout } = await run('npx', ['nx', 'show', 'projects', '--affected', `--files=${file}`, '--json'], {
    cwd: root,
    env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true' },
  });
  return (JSON.parse(stdout) as string[]).sort();
}

describe('nx affected', () => {
  it.for(['libs/testing/src/neon/serve.ts', 'libs/testing/src/global-setup.ts'])(
    'a change to %s affects every project with integration tests',
    async (file) => {
      const expected = await projectsWithIntegrationTests();
      expect(expected).toEqual(expect.arrayContaining(['audit', 'db', 'gamification', 'identity', 'seed', 'spots']));
      expect(await affectedBy(file)).toEqual(expect.arrayContaining(expected));
    },
  );
});
