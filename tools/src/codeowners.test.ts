import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * .github/CODEOWNERS and the README's "Map: who owns what" say the same
 * thing: every project in the map has exactly one CODEOWNERS line, owned by
 * the team the map names (`platform` -> @skatehubba/platform, `identity team`
 * -> @skatehubba/identity-team, ...; a project owned by "whoever changes the
 * schema" has a line with no owner), there is no line for anything the map
 * does not list, and every project under libs/ and apps/ is in the map.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));

interface MapRow {
  path: string;
  owner: string;
}

async function readmeMap(): Promise<MapRow[]> {
  const readme = await readFile(join(root, 'README.md'), 'utf8');
  const section = readme.split('\n## Map: who owns what\n')[1]!.split('\n## ')[0]!;
  return [...section.matchAll(/^\| `([^`]+)` \|[^|]*\| ([^|]+?) \|/gm)].map((m) => ({ path: m[1]!.replace(/\/$/, ''), owner: m[2]! }));
}

async function codeowners(): Promise<Map<string, string[]>> {
  const text = await readFile(join(root, '.github', 'CODEOWNERS'), 'utf8');
  const entries = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const [pattern, ...owners] = line.replace(/#.*/, '').trim().split(/\s+/);
    if (!pattern) continue;
    expect(entries.has(pattern), `${pattern} appears twice in CODEOWNERS`).toBe(false);
    entries.set(pattern, owners);
  }
  return entries;
}

/** The handle for an owner as the map writes it; none for an owner that is not a team. */
function handles(owner: string): string[] {
  if (owner === 'platform') return ['@skatehubba/platform'];
  const team = /^([a-z]+) team$/.exec(owner);
  if (team) return [`@skatehubba/${team[1]}-team`];
  if (owner === 'whoever changes the schema') return [];
  throw new Error(`the README map names an owner CODEOWNERS cannot express: "${owner}"`);
}

describe('CODEOWNERS', () => {
  it('gives every project in the README map to the team the map names', async () => {
    const map = await readmeMap();
    expect(map.map((row) => row.path)).toEqual(
      expect.arrayContaining(['libs/identity', 'libs/spots', 'libs/gamification', 'migrations', 'tools']),
    );
    const entries = await codeowners();
    expect(Object.fromEntries(map.map((row) => [`/${row.path}/`, entries.get(`/${row.path}/`)]))).toEqual(
      Object.fromEntries(map.map((row) => [`/${row.path}/`, handles(row.owner)])),
    );
  });

  it('has no line for a path the map does not list, besides the workspace default', async () => {
    const listed = new Set((await readmeMap()).map((row) => `/${row.path}/`));
    const entries = await codeowners();
    expect([...entries.keys()].filter((pattern) => pattern !== '*' && !listed.has(pattern))).toEqual([]);
    expect(entries.get('*')).toEqual(['@skatehubba/platform']);
  });

  it('every project under libs/ and apps/ is in the map', async () => {
    const listed = new Set((await readmeMap()).map((row) => row.path));
    const projects: string[] = [];
    for (const group of ['libs', 'apps']) {
      for (const dir of await readdir(join(root, group), { withFileTypes: true })) {
        if (dir.isDirectory()) projects.push(`${group}/${dir.name}`);
      }
    }
    expect(projects.filter((path) => !listed.has(path))).toEqual([]);
  });
});
