import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';

// Module boundaries on two axes. `type` says what a project may be built on;
// `scope` says whose code it may reach into. Both must allow an import.
//
//   type:contracts   -> enums                         (the SDK imports it: no drivers, no drizzle)
//   type:enums       -> nothing                       (no drivers; contracts is built on it)
//   type:util        -> contracts, enums              (no drivers)
//   type:domain      -> domain, util, contracts, enums (no drivers; scopes below keep it downward)
//   type:aggregator  -> domain, util, contracts, enums
//   type:testing     -> util, enums                   (test harness; never production code)
//   type:app, tool   -> anything but testing
//
//   scope:identity      -> shared
//   scope:spots         -> identity, shared
//   scope:gamification  -> identity, shared
//   scope:audit         -> shared
//   scope:notifications -> identity, spots, gamification, shared (it announces their events)
//
// Nothing but apps and tools may import the aggregator, so a domain lib can
// never pull in every other team's tables. Test files may also use the
// testing lib (second block).
const scopeConstraints = [
  {
    sourceTag: 'scope:shared',
    onlyDependOnLibsWithTags: ['scope:shared', 'scope:identity', 'scope:spots', 'scope:gamification', 'scope:audit', 'scope:notifications'],
  },
  { sourceTag: 'scope:identity', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:spots', onlyDependOnLibsWithTags: ['scope:identity', 'scope:shared'] },
  { sourceTag: 'scope:gamification', onlyDependOnLibsWithTags: ['scope:identity', 'scope:shared'] },
  { sourceTag: 'scope:audit', onlyDependOnLibsWithTags: ['scope:shared'] },
  {
    sourceTag: 'scope:notifications',
    onlyDependOnLibsWithTags: ['scope:identity', 'scope:spots', 'scope:gamification', 'scope:shared'],
  },
];

// Database drivers, and drizzle's adapters that load them. Only the
// aggregator (createDb(), migrateDb()), the testing lib, apps and tools open
// connections; enums, util and domain code works on any driver the caller
// brings (and the SDK bundle of enums must stay driver-free).
const DRIVERS = [
  'pg',
  'postgres',
  'ws',
  '@electric-sql/pglite*',
  '@neondatabase/serverless',
  'drizzle-orm/node-postgres*',
  'drizzle-orm/pglite*',
  'drizzle-orm/neon-http*',
  'drizzle-orm/neon-serverless*',
  'drizzle-orm/postgres-js*',
];

// The SDK's package: what the browser and the API's clients load. No ORM
// either: drizzle-orm and drizzle-zod are server code (and most of a bundle).
// `@skatehubba/enums/pg` builds pgEnums with drizzle; libs/contracts's own
// eslint.config.mjs bans that entry by name, since it is a workspace import.
const CONTRACTS_BANNED = [...DRIVERS, 'drizzle-orm*', 'drizzle-zod*'];

const typeConstraints = (testFiles) => [
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:enums'], bannedExternalImports: CONTRACTS_BANNED },
  { sourceTag: 'type:enums', onlyDependOnLibsWithTags: [], bannedExternalImports: DRIVERS },
  { sourceTag: 'type:migrations', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:contracts', 'type:enums'], bannedExternalImports: DRIVERS },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:util', 'type:enums', 'type:migrations'] },
  {
    sourceTag: 'type:domain',
    onlyDependOnLibsWithTags: ['type:domain', 'type:util', 'type:contracts', 'type:enums', ...(testFiles ? ['type:testing'] : [])],
    bannedExternalImports: DRIVERS,
  },
  {
    sourceTag: 'type:aggregator',
    onlyDependOnLibsWithTags: ['type:domain', 'type:util', 'type:contracts', 'type:enums', ...(testFiles ? ['type:testing'] : [])],
  },
  {
    sourceTag: 'type:app',
    onlyDependOnLibsWithTags: [
      'type:aggregator',
      'type:domain',
      'type:util',
      'type:contracts',
      'type:enums',
      ...(testFiles ? ['type:testing'] : []),
    ],
  },
  {
    sourceTag: 'type:tool',
    onlyDependOnLibsWithTags: [
      'type:aggregator',
      'type:domain',
      'type:util',
      'type:contracts',
      'type:enums',
      'type:testing',
      'type:migrations',
    ],
  },
];

const boundaries = (testFiles) => ({
  '@nx/enforce-module-boundaries': [
    'error',
    {
      // A lib with a build (dist/ for consumers outside the workspace) may not
      // import one without. Test files are never built, and the test harness
      // (libs/testing) has no build on purpose: it never leaves the workspace.
      enforceBuildableLibDependency: !testFiles,
      // The one shared vitest config; vite bundles config files and cannot load
      // a workspace package's .ts, so configs import it by path.
      allow: ['../../vitest.shared.ts', '../vitest.shared.ts'],
      banTransitiveDependencies: true,
      checkDynamicDependenciesExceptions: [],
      depConstraints: [...scopeConstraints, ...typeConstraints(testFiles)],
    },
  ],
});

const testFiles = ['**/*.test.ts', '**/*.test-d.ts', '**/test/**/*.ts', '**/vitest.config.ts'];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    ignores: ['**/node_modules', '**/dist', '**/out-tsc', '**/.nx', 'migrations/meta/**'],
  },
  {
    files: ['**/*.ts'],
    rules: {
      ...boundaries(false),
      '@typescript-eslint/consistent-type-imports': 'error',
      // noUncheckedIndexedAccess is on, so `rows[0]!` is how code says "this
      // index exists"; the assertion is the readable form, not a smell.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // `const { token: _token, ...row } = ...` drops a field on purpose.
      '@typescript-eslint/no-unused-vars': [
        'warn',
        { varsIgnorePattern: '^_', argsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: testFiles,
    rules: boundaries(true),
  },
  // Last: turns off every stylistic rule Prettier owns (npm test runs
  // `prettier --check`), so the two never disagree about a line.
  prettier,
];
