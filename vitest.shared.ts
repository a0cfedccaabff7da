import { fileURLToPath } from 'node:url';
import { defineConfig, type ViteUserConfig } from 'vitest/config';

// Loaded by each project's vitest.config.ts through a relative import: vite
// bundles config files and leaves workspace packages external, which Node
// cannot load as .ts. The setup file itself belongs to the testing lib.
const globalSetup = fileURLToPath(new URL('./libs/testing/src/global-setup.ts', import.meta.url));

/**
 * The vitest config every data-layer project uses. Test files are sorted by
 * name into engines:
 *  - `*.test.ts`       unit: no database.
 *  - `*.int.test.ts`   integration: run on PGlite always, and again on the
 *                      Postgres server when DATABASE_URL is set. Same files,
 *                      same assertions, each file on its own migrated database.
 */
export function dataLayerVitestConfig(projectDir: string): ViteUserConfig {
  const root = fileURLToPath(projectDir);
  const integration = {
    root,
    include: ['src/**/*.int.test.ts'],
    globalSetup: [globalSetup],
    // PGlite boots in 1-3 s per file on this class of machine, more under load.
    testTimeout: 30_000,
    hookTimeout: 120_000,
  };
  const engines = [
    { test: { ...integration, name: 'pglite', provide: { engine: 'pglite' as const } } },
    ...(process.env.DATABASE_URL
      ? [{ test: { ...integration, name: 'postgres', provide: { engine: 'postgres' as const } } }]
      : []),
  ];
  return defineConfig({
    test: {
      passWithNoTests: false,
      projects: [
        { test: { root, name: 'unit', include: ['src/**/*.test.ts'], exclude: ['src/**/*.int.test.ts'] } },
        ...engines,
      ],
    },
  });
}
