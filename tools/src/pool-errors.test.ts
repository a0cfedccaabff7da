import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * An idle pooled connection that the server ends (a restart, a failover,
 * `DROP DATABASE ... WITH (FORCE)`: 57P01) is reported as an 'error' event on
 * the pool or client; with no listener, Node ends the process. Every pool and
 * client the project opens, tools and benches included, has one.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const sources = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter((f) => f && !f.endsWith('.test.ts') && !f.includes('node_modules/'));

const OPENS = /(?:const|let)\s+(\w+)\s*(?::[^=]+)?=\s*new\s+(?:pg\.)?(?:Pool|Client|NeonPool|NeonClient)\s*\(/g;
const ASSIGNS = /(?<![.\w])(\w+)\s*=\s*new\s+(?:pg\.)?(?:Pool|Client|NeonPool|NeonClient)\s*\(/g;

function openedWithoutListener(file: string): string[] {
  const text = readFileSync(`${root}${file}`, 'utf8');
  const names = new Set([...text.matchAll(OPENS)].map((m) => m[1]!).concat([...text.matchAll(ASSIGNS)].map((m) => m[1]!)));
  return [...names].filter((name) => !new RegExp(`\\b${name}\\.on\\(\\s*'error'`).test(text)).map((name) => `${file}: ${name}`);
}

describe('pools and clients', () => {
  it('finds the places that open connections (the scan is not blind)', () => {
    const opening = sources.filter((f) => [...readFileSync(`${root}${f}`, 'utf8').matchAll(OPENS)].length > 0);
    expect(opening).toEqual(expect.arrayContaining(['libs/db/src/client.ts', 'apps/seed/src/bench-access.ts', 'apps/seed/src/bench.ts']));
  });

  it('every one has an error listener', () => {
    expect(sources.flatMap(openedWithoutListener)).toEqual([]);
  });
});
