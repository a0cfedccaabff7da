import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig, type ViteUserConfig } from 'vitest/config';

/**
 * The export condition under which every workspace package resolves to its
 * TypeScript source (`"@skatehubba/source": "./src/index.ts"` in each
 * package.json); without it a package resolves to its built `dist/`, which is
 * for consumers outside the workspace (README, "Using the packages outside
 * this workspace"). tsconfig.base.json sets it for TypeScript, the Nx targets
 * and npm scripts pass `--conditions` to Node, and this config sets it for
 * vite's resolver and for every Node process a test starts (NODE_OPTIONS).
 */
export const SOURCE_CONDITION = '@skatehubba/source';

/** Vite's resolver and the Node processes tests spawn resolve workspace packages to their source. */
export const workspaceSource = {
  resolve: { conditions: [SOURCE_CONDITION, ...defaultClientConditions] },
  ssr: { resolve: { conditions: [SOURCE_CONDITION, ...defaultServerConditions] } },
  test: { env: { NODE_OPTIONS: [process.env.NODE_OPTIONS, `--conditions=${SOURCE_CONDITION}`].filter(Boolean).join(' ') } },
} satisfies ViteUserConfig;

// Loaded by each project's vitest.config.ts through a relative import: vite
// bundles config files and leaves workspace packages external, which Node
// cannot load as .ts. The setup file itself belongs to the testing lib.
const globalSetup = fileURLToPath(new URL('./libs/testing/src/global-setup.ts', import.meta.url));

/**
 * The vitest config every data-layer project uses. Test files are sorted by
 * name into engines:
 *  - `*.test.ts`       unit: no database.
 *  - `*.int.test.ts`   integration: run on PGlite always, and again on the
 *                      Postgres server when DATABASE_URL is set (and through
 *                      the Neon drivers for `npm run test:neon`). Same files,
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
  // Inline projects do not inherit the root config: each gets the source resolution itself.
  const engine = (name: EngineName) => ({
    ...workspaceSource,
    test: { ...workspaceSource.test, ...integration, name, provide: { engine: name } },
  });
  const selected = selectedEngines();
  return defineConfig({
    test: {
      passWithNoTests: false,
      projects: [
        ...(selected.unit
          ? [
              {
                ...workspaceSource,
                test: { ...workspaceSource.test, root, name: 'unit', include: ['src/**/*.test.ts'], exclude: ['src/**/*.int.test.ts'] },
              },
            ]
          : []),
        ...selected.engines.map(engine),
      ],
    },
  });
}

type EngineName = 'pglite' | 'postgres' | 'neon-ws' | 'neon-http';

/**
 * Which engines run. By default: unit tests, PGlite, and the Postgres server
 * when DATABASE_URL (or DATABASE_URL_UNPOOLED) is set. SKATEHUBBA_TEST_ENGINES (comma-separated) picks
 * integration engines explicitly and leaves unit tests out; `npm run
 * test:neon` sets it to `neon-ws,neon-http` (both need DATABASE_URL: the Neon
 * drivers reach that server through loopback helpers in libs/testing/src/neon).
 */
function selectedEngines(): { unit: boolean; engines: EngineName[] } {
  const explicit = process.env.SKATEHUBBA_TEST_ENGINES;
  const server = process.env.DATABASE_URL || process.env.DATABASE_URL_UNPOOLED;
  if (!explicit) return { unit: true, engines: server ? ['pglite', 'postgres'] : ['pglite'] };
  const known: EngineName[] = ['pglite', 'postgres', 'neon-ws', 'neon-http'];
  const engines = explicit.split(',').map((e) => e.trim()) as EngineName[];
  const unknown = engines.filter((e) => !known.includes(e));
  if (unknown.length) throw new Error(`SKATEHUBBA_TEST_ENGINES: unknown engine ${unknown.join(', ')}; use ${known.join(', ')}`);
  return { unit: false, engines };
}
