import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The packages are consumable from outside this workspace: built with
 * `nx run-many -t build`, packed with `npm pack` as a registry would serve
 * them, unpacked into a temporary project's node_modules (third-party
 * dependencies linked from the workspace's), and loaded there by plain
 * `node` (no tsx, no source condition), by esbuild, and by tsc with Node's
 * own module resolution (nodenext).
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);
/** Everything @skatehubba/db needs, and the SDK's two. */
const PACKAGES = ['enums', 'contracts', 'schema-kit', 'identity', 'spots', 'gamification', 'notifications', 'audit', 'db'];
/** Plain Node: no tsx, and none of the NODE_OPTIONS (the source condition) the workspace's tests run with. */
const plainEnv = { ...process.env, NODE_OPTIONS: '' };

let consumer: string;

beforeAll(async () => {
  // Cached by Nx when nothing changed; a fresh clone builds them (about two minutes on two cores).
  await run('npx', ['nx', 'run-many', '-t', 'build', '-p', ...PACKAGES, '--outputStyle=static'], {
    cwd: root,
    env: { ...plainEnv, NX_DAEMON: 'false', NX_TUI: 'false' },
  });
  consumer = await mkdtemp(join(tmpdir(), 'skatehubba-consumer-'));
  const tarballs = join(consumer, 'tarballs');
  await mkdir(join(consumer, 'node_modules', '@skatehubba'), { recursive: true });
  await mkdir(tarballs);
  const thirdParty = new Set<string>();
  for (const name of PACKAGES) {
    const dir = join(root, 'libs', name);
    const { stdout } = await run('npm', ['pack', '--pack-destination', tarballs, '--json'], { cwd: dir, env: plainEnv });
    const [packed] = JSON.parse(stdout) as [{ filename: string }];
    const target = join(consumer, 'node_modules', '@skatehubba', name);
    await mkdir(target);
    await run('tar', ['-xzf', join(tarballs, packed.filename), '-C', target, '--strip-components=1']);
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies }))
      if (!dep.startsWith('@skatehubba/')) thirdParty.add(dep);
  }
  for (const dep of thirdParty) {
    await mkdir(join(consumer, 'node_modules', dep, '..'), { recursive: true });
    await symlink(join(root, 'node_modules', dep), join(consumer, 'node_modules', dep));
  }
  await writeFile(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
}, 600_000);

afterAll(async () => {
  if (consumer) await rm(consumer, { recursive: true, force: true });
});

describe('the packages, outside the workspace', () => {
  it('ship their build and nothing else: dist and package.json', async () => {
    const contracts = join(consumer, 'node_modules', '@skatehubba', 'contracts');
    expect((await readdir(contracts)).sort()).toEqual(['dist', 'package.json']);
    expect(await readdir(join(contracts, 'dist'))).toEqual(expect.arrayContaining(['index.js', 'index.d.ts']));
    expect(await readdir(join(consumer, 'node_modules', '@skatehubba', 'db', 'dist', 'migrations'))).toEqual(
      expect.arrayContaining(['0000_schema.sql', 'meta']),
    );
  });

  it('load in plain Node: the SDK contract, and the data layer on an in-memory PGlite with its migrations', async () => {
    await writeFile(
      join(consumer, 'main.mjs'),
      `
import { checkInInput, httpStatusOf, PAGE_LIMIT_MAX, STANCES } from '@skatehubba/contracts';
import { createDb, migrateDb, spots, toDataRuleError, DataRuleError } from '@skatehubba/db';

const parsed = checkInInput.safeParse({ spot_id: '00000000-0000-4000-8000-000000000001', trick: 'kickflip', trick_status: 'landed', stance: 'regular', created_at: 'x' });
const handle = await createDb({ driver: 'pglite' });
await migrateDb(handle);
const [spot] = await handle.db.insert(spots).values({ name: 'Venice Pit', latitude: 33.98, longitude: -118.47 }).returning();
const refused = await handle.db.insert(spots).values({ name: 'Nowhere', latitude: 91, longitude: 0 }).catch(toDataRuleError);
await handle.close();
console.log(JSON.stringify({
  stances: STANCES,
  pageMax: PAGE_LIMIT_MAX,
  refusedKeys: parsed.error.issues[0].keys,
  spot: spot.name,
  refusal: refused instanceof DataRuleError ? { ...refused.toJSON(), status: httpStatusOf(refused.kind) } : String(refused),
}));
`,
    );
    const { stdout } = await run(process.execPath, ['main.mjs'], { cwd: consumer, env: plainEnv });
    expect(JSON.parse(stdout)).toEqual({
      stances: ['regular', 'goofy'],
      pageMax: 100,
      refusedKeys: ['created_at'],
      spot: 'Venice Pit',
      refusal: { rule: 'latitude_out_of_range', kind: 'invalid', message: expect.any(String), facts: {}, status: 400 },
    });
  }, 120_000);

  it('bundle for the browser from the built contracts entry, with no drizzle or driver in it', async () => {
    await writeFile(join(consumer, 'sdk.js'), "export { checkInInput, httpStatusOf, PAGE_LIMIT_MAX } from '@skatehubba/contracts';\n");
    const result = await build({
      absWorkingDir: consumer,
      entryPoints: ['sdk.js'],
      bundle: true,
      write: false,
      metafile: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs).toEqual(
      expect.arrayContaining(['node_modules/@skatehubba/contracts/dist/index.js', 'node_modules/@skatehubba/enums/dist/index.js']),
    );
    expect(inputs.filter((path) => /drizzle|pglite|neondatabase|\/pg\/|\/ws\//.test(path))).toEqual([]);
  });

  it('typecheck a TypeScript consumer with Node module resolution (nodenext) against the built declarations', async () => {
    await writeFile(
      join(consumer, 'consumer.ts'),
      `
import { checkInInput, type CheckinWire, type CheckInInput, type PageWire } from '@skatehubba/contracts';
import type { Stance } from '@skatehubba/contracts';
import { httpStatusOf, type DataRuleErrorWire } from '@skatehubba/db';

const body: CheckInInput = { spot_id: '00000000-0000-4000-8000-000000000001', trick: 'kickflip', trick_status: 'landed', stance: 'goofy' };
const page: PageWire<CheckinWire> = { items: [], next_cursor: null };
const stance: Stance = checkInInput.parse(body).stance;
const status: 400 | 403 | 404 | 409 = httpStatusOf('conflict');
const wire: DataRuleErrorWire = { rule: 'duplicate_checkin', kind: 'conflict', message: '', facts: {} };
// @ts-expect-error: a wire timestamp is a string, not a Date
const wrong: CheckinWire['created_at'] = new Date();
export { page, stance, status, wire, wrong };
`,
    );
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const args = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--skipLibCheck', 'consumer.ts'];
    const result = await run(process.execPath, [tsc, ...args], { cwd: consumer, env: plainEnv }).catch(
      (error: { stdout: string }) => error,
    );
    expect(result.stdout).toBe('');
  }, 120_000);
});
