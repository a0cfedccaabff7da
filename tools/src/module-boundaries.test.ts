import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * Proves the boundaries are enforced, not only declared: each case lints a
 * one-line file placed (virtually, nothing is written) inside a project, with
 * the workspace's real ESLint config and project graph.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
let eslint: ESLint;

async function boundaryErrors(filePath: string, source: string) {
  const [result] = await eslint.lintText(`${source}\nexport const probe = x;\n`, { filePath: `${root}/${filePath}` });
  return (result?.messages ?? []).filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
}

beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

describe('forbidden imports fail lint', () => {
  it.each([
    ['enums depends on nothing', 'libs/enums/src/probe.ts', "import { users as x } from '@skatehubba/identity';"],
    ['identity cannot reach up into spots', 'libs/identity/src/probe.ts', "import { spots as x } from '@skatehubba/spots';"],
    [
      'spots cannot reach sideways into gamification',
      'libs/spots/src/probe.ts',
      "import { achievements as x } from '@skatehubba/gamification';",
    ],
    ['a domain lib cannot import the aggregator', 'libs/spots/src/probe.ts', "import { createDb as x } from '@skatehubba/db';"],
    [
      'production code cannot import the test harness',
      'libs/spots/src/probe.ts',
      "import { openTestDatabase as x } from '@skatehubba/testing';",
    ],
    ['the test harness cannot import domain tables', 'libs/testing/src/probe.ts', "import { users as x } from '@skatehubba/identity';"],
    [
      'contracts (the SDK) cannot import schema-kit',
      'libs/contracts/src/probe.ts',
      "import { asRider as x } from '@skatehubba/schema-kit';",
    ],
    ['contracts cannot import a domain lib', 'libs/contracts/src/probe.ts', "import { users as x } from '@skatehubba/identity';"],
    ['contracts cannot import the aggregator', 'libs/contracts/src/probe.ts', "import { createDb as x } from '@skatehubba/db';"],
  ])('%s', async (_rule, file, source) => {
    const errors = await boundaryErrors(file, source);
    expect(errors.length, `expected a boundary error for ${source} in ${file}`).toBeGreaterThan(0);
  });
});

describe('database drivers are banned below the aggregator (bannedExternalImports)', () => {
  it.each([
    ['a domain lib', 'libs/spots/src/probe.ts', 'type:domain', 'pg', "import x from 'pg';"],
    [
      'a domain lib',
      'libs/identity/src/probe.ts',
      'type:domain',
      '@electric-sql/pglite',
      "import { PGlite as x } from '@electric-sql/pglite';",
    ],
    [
      'a domain lib',
      'libs/audit/src/probe.ts',
      'type:domain',
      '@neondatabase/serverless',
      "import { neon as x } from '@neondatabase/serverless';",
    ],
    [
      'a domain lib',
      'libs/gamification/src/probe.ts',
      'type:domain',
      'drizzle-orm/node-postgres',
      "import { drizzle as x } from 'drizzle-orm/node-postgres';",
    ],
    ["a domain lib's tests", 'libs/spots/src/probe.int.test.ts', 'type:domain', 'ws', "import x from 'ws';"],
    ['schema-kit (util)', 'libs/schema-kit/src/probe.ts', 'type:util', 'pg', "import x from 'pg';"],
    ['enums', 'libs/enums/src/probe.ts', 'type:enums', 'drizzle-orm/pglite', "import { drizzle as x } from 'drizzle-orm/pglite';"],
    ['contracts', 'libs/contracts/src/probe.ts', 'type:contracts', 'pg', "import x from 'pg';"],
    ["contracts' tests", 'libs/contracts/src/probe.test.ts', 'type:contracts', 'ws', "import x from 'ws';"],
  ])('%s cannot import a driver: %s, tagged %s, imports %s', async (_who, file, tag, specifier, source) => {
    expect(await boundaryErrors(file, source)).toEqual([`A project tagged with "${tag}" is not allowed to import "${specifier}"`]);
  });
});

describe('the SDK package holds no ORM either (bannedExternalImports of type:contracts)', () => {
  it.each([
    ['drizzle-orm', "import { sql as x } from 'drizzle-orm';"],
    ['drizzle-orm/pg-core', "import { pgTable as x } from 'drizzle-orm/pg-core';"],
    ['drizzle-zod', "import { createInsertSchema as x } from 'drizzle-zod';"],
  ])('contracts cannot import %s', async (specifier, source) => {
    expect(await boundaryErrors('libs/contracts/src/probe.ts', source)).toEqual([
      `A project tagged with "type:contracts" is not allowed to import "${specifier}"`,
    ]);
  });

  it("contracts cannot import enums' drizzle entry (@skatehubba/enums/pg), by libs/contracts/eslint.config.mjs", async () => {
    // nx lint runs each project's own config; this one adds the ban to the workspace's.
    const own = new ESLint({ cwd: `${root}/libs/contracts` });
    const [result] = await own.lintText("import { stanceEnum as x } from '@skatehubba/enums/pg';\nexport const probe = x;\n", {
      filePath: `${root}/libs/contracts/src/probe.ts`,
    });
    expect(result!.messages.map((m) => m.ruleId)).toContain('no-restricted-imports');
    const [allowed] = await own.lintText("import { stanceSchema as x } from '@skatehubba/enums';\nexport const probe = x;\n", {
      filePath: `${root}/libs/contracts/src/probe.ts`,
    });
    expect(allowed!.messages).toEqual([]);
  });
});

describe('allowed imports pass lint', () => {
  it.each([
    ['spots builds on identity', 'libs/spots/src/probe.ts', "import { users as x } from '@skatehubba/identity';"],
    ['domain libs use enums', 'libs/gamification/src/probe.ts', "import { achievementTierEnum as x } from '@skatehubba/enums/pg';"],
    ['the aggregator composes domains', 'libs/db/src/probe.ts', "import { spots as x } from '@skatehubba/spots';"],
    ['test files use the harness', 'libs/spots/src/probe.int.test.ts', "import { databaseTest as x } from '@skatehubba/testing';"],
    ['domain libs use drizzle itself', 'libs/spots/src/probe.ts', "import { sql as x } from 'drizzle-orm';"],
    ['the aggregator opens connections', 'libs/db/src/probe.ts', "import x from 'pg';"],
    ['the test harness opens connections', 'libs/testing/src/probe.ts', "import { PGlite as x } from '@electric-sql/pglite';"],
    ['contracts build on enums', 'libs/contracts/src/probe.ts', "import { stanceSchema as x } from '@skatehubba/enums';"],
    ['contracts build on zod', 'libs/contracts/src/probe.ts', "import { z as x } from 'zod';"],
    ['schema-kit (util) uses contracts', 'libs/schema-kit/src/probe.ts', "import { isSignedUrl as x } from '@skatehubba/contracts';"],
    ['domain libs use contracts', 'libs/spots/src/probe.ts', "import { checkInInput as x } from '@skatehubba/contracts';"],
    ['the aggregator uses contracts', 'libs/db/src/probe.ts', "import { httpStatusOf as x } from '@skatehubba/contracts';"],
    ['apps use contracts', 'apps/seed/src/probe.ts', "import { PAGE_LIMIT_MAX as x } from '@skatehubba/contracts';"],
    ['tools use contracts', 'tools/src/probe.ts', "import { RULE_KINDS as x } from '@skatehubba/contracts';"],
  ])('%s', async (_rule, file, source) => {
    expect(await boundaryErrors(file, source)).toEqual([]);
  });
});
