import { test } from 'vitest';
import { openTestDatabase } from './database';

/**
 * The test API of an integration test file: a test that asks for `t` gets
 * this file's own database, migrated by the real migrations, on the engine
 * the vitest project was started for. The database is opened the first time
 * a test (or a `beforeAll` of this API) asks for it, shared by the file's
 * tests, and closed after the file (dropped, on a server). A file whose tests
 * are all skipped on an engine never opens one.
 *
 *   const it = databaseTest({ users, sessions });
 *
 *   it('refuses a second handle', async ({ t }) => { ... t.db ... });
 *   it.for(cases)('accepts %s', async ([value, ok], { t }) => { ... });
 *   it.beforeAll(async ({ t }) => { ... rows every test reads ... });
 *
 * `it.for`, not `it.each`: only `for` hands a case its fixtures.
 */
export function databaseTest<S extends Record<string, unknown>>(schema: S) {
  // eslint-disable-next-line no-empty-pattern -- vitest reads the fixtures a function uses from its destructured first argument
  return test.extend('t', { scope: 'file' }, async ({}, { onCleanup }) => {
    const t = await openTestDatabase(schema);
    onCleanup(() => t.close());
    return t;
  });
}
