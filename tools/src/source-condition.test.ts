import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SOURCE_CONDITION } from '../../vitest.shared.ts';

/**
 * Inside the workspace every package resolves to its TypeScript source under
 * the `@skatehubba/source` export condition; without it, to the built dist/,
 * which may be stale or missing. A Node entry point that forgets the
 * condition would run yesterday's build silently, so this test reads every
 * place the workspace starts Node on its own code and requires the condition
 * there, and holds each package's exports to one shape.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const readJson = async <T>(path: string) => JSON.parse(await readFile(join(root, path), 'utf8')) as T;

interface Pkg {
  name: string;
  files?: string[];
  scripts?: Record<string, string>;
  exports?: Record<string, string | Record<string, string>>;
  nx?: { targets?: Record<string, { command?: string }> };
}

async function projects(): Promise<string[]> {
  const dirs = ['tools'];
  for (const group of ['libs', 'apps']) {
    for (const entry of await readdir(join(root, group), { withFileTypes: true }))
      if (entry.isDirectory()) dirs.push(`${group}/${entry.name}`);
  }
  return dirs;
}

/** Commands that run the workspace's TypeScript in Node: tsx, `node --import tsx`, and drizzle-kit (which loads the schema). */
const RUNS_SOURCE = /\btsx\b|(?:^|npx |\S+=\S+ )drizzle-kit generate/;

describe('the source condition', () => {
  it('is the one TypeScript, vite and the tests use', async () => {
    expect(SOURCE_CONDITION).toBe('@skatehubba/source');
    const base = await readJson<{ compilerOptions: { customConditions?: string[] } }>('tsconfig.base.json');
    expect(base.compilerOptions.customConditions).toEqual([SOURCE_CONDITION]);
  });

  it('is passed to every npm script and Nx target that runs workspace code in Node', async () => {
    const commands: [where: string, command: string][] = [];
    const rootPkg = await readJson<Pkg>('package.json');
    for (const [name, command] of Object.entries(rootPkg.scripts ?? {})) commands.push([`package.json scripts.${name}`, command]);
    const nx = await readJson<{ targetDefaults: Record<string, { command?: string }> }>('nx.json');
    for (const [name, target] of Object.entries(nx.targetDefaults)) if (target.command) commands.push([`nx.json ${name}`, target.command]);
    for (const dir of await projects()) {
      const pkg = await readJson<Pkg>(`${dir}/package.json`);
      for (const [name, target] of Object.entries(pkg.nx?.targets ?? {})) {
        if (target.command) commands.push([`${dir} target ${name}`, target.command]);
      }
    }
    for (const script of ['tools/scripts/test.sh', 'tools/scripts/migrations-gate.sh', 'tools/scripts/seed-smoke.sh', '.ci/run']) {
      for (const line of (await readFile(join(root, script), 'utf8')).split('\n')) {
        if (!line.trim().startsWith('#')) commands.push([script, line]);
      }
    }
    const running = commands.filter(([, command]) => RUNS_SOURCE.test(command));
    expect(running.length).toBeGreaterThanOrEqual(10);
    // The build script itself is the exception: it imports no workspace package, and builds dist/ from src/.
    const missing = running.filter(
      ([, command]) => !command.includes(`--conditions=${SOURCE_CONDITION}`) && !command.includes('build-package.ts'),
    );
    expect(missing).toEqual([]);
  });

  it('comes first in every built package, before types, import and default into dist/', async () => {
    for (const dir of await projects()) {
      const pkg = await readJson<Pkg>(`${dir}/package.json`);
      if (!pkg.nx?.targets || !('build' in pkg.nx.targets)) continue;
      expect(pkg.files, pkg.name).toEqual(['dist']);
      for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
        if (subpath === './package.json') continue;
        const conditions = target as Record<string, string>;
        const name = conditions[SOURCE_CONDITION]!.replace(/^\.\/src\/(.+)\.ts$/, '$1');
        expect(conditions, `${pkg.name} ${subpath}`).toEqual({
          [SOURCE_CONDITION]: `./src/${name}.ts`,
          types: `./dist/${name}.d.ts`,
          import: `./dist/${name}.js`,
          default: `./dist/${name}.js`,
        });
        // Node and TypeScript take the first condition that matches, in key order.
        expect(Object.keys(conditions), `${pkg.name} ${subpath}`).toEqual([SOURCE_CONDITION, 'types', 'import', 'default']);
      }
    }
  });

  it('every lib but the test harness has a build', async () => {
    const libs = (await projects()).filter((dir) => dir.startsWith('libs/'));
    const unbuilt: string[] = [];
    for (const dir of libs) if (!('build' in ((await readJson<Pkg>(`${dir}/package.json`)).nx?.targets ?? {}))) unbuilt.push(dir);
    // libs/testing opens test databases for this workspace's own suites and never leaves it.
    expect(unbuilt).toEqual(['libs/testing']);
  });
});
