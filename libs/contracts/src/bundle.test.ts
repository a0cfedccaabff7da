import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';

/**
 * The SDK imports this package: bundled for a browser and for Node, it must
 * hold zod and @skatehubba/enums and nothing of the server (no drizzle-orm,
 * no drizzle-zod, no database driver). The size is printed so a change that
 * doubles what every client downloads shows up in the test output.
 */
const entry = fileURLToPath(new URL('./index.ts', import.meta.url));
/** Metafile paths are relative to this: `node_modules/zod/...`, `libs/enums/src/values.ts`. */
const root = fileURLToPath(new URL('../../..', import.meta.url));

/** Server-side packages: the ORM, its zod bridge, and every driver (eslint.config.mjs's DRIVERS). */
const SERVER_ONLY =
  /^node_modules\/(drizzle-orm|drizzle-zod|pg|pg-[a-z-]+|postgres|ws|@electric-sql\/[^/]+|@neondatabase\/[^/]+)\/|^libs\/enums\/src\/pg\.ts$/;

const serverOnlyInputs = (metafile: Metafile) => Object.keys(metafile.inputs).filter((path) => SERVER_ONLY.test(path));

async function bundle(options: Pick<BuildOptions, 'entryPoints' | 'stdin' | 'platform' | 'mainFields'>) {
  const result = await build({
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    minify: true,
    logLevel: 'silent',
    absWorkingDir: root,
    // The workspace's own packages resolve to their source, as everywhere in the workspace.
    conditions: ['@skatehubba/source'],
    ...options,
  });
  const metafile = result.metafile;
  return { metafile, code: result.outputFiles[0]!.contents, inputs: Object.values(metafile.outputs)[0]!.inputs };
}

describe('the SDK entry (@skatehubba/contracts)', () => {
  it.for<[string, Pick<BuildOptions, 'platform' | 'mainFields'>]>([
    ['browser', { platform: 'browser' }],
    ['Node', { platform: 'node' }],
    // neutral: no node builtins and no browser globals; only what the code itself imports.
    ['any platform', { platform: 'neutral', mainFields: ['module', 'main'] }],
  ])('bundles for %s with zod and enums and nothing of the server', async ([target, options]) => {
    const result = await bundle({ entryPoints: [entry], ...options });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((path) => path.startsWith('node_modules/zod/'))).toBe(true);
    expect(inputs.some((path) => path === 'libs/enums/src/values.ts')).toBe(true);
    expect(serverOnlyInputs(result.metafile)).toEqual([]);
    const code = result.code;
    const own = Object.entries(result.inputs)
      .filter(([path]) => path.startsWith('libs/'))
      .reduce((sum, [, input]) => sum + input.bytesInOutput, 0);
    const sizes = { minified: code.byteLength, gzip: gzipSync(code).byteLength, own };
    console.log(
      `@skatehubba/contracts bundle (${target}): ${sizes.minified} bytes minified, ${sizes.gzip} bytes gzip; ` +
        `${sizes.own} bytes minified of it are contracts and enums, the rest is zod`,
    );
    // Ceilings, not targets. zod's classic API (z.string().min() ...) is not
    // tree-shaken: its locales and JSON Schema support come with it, about 95%
    // of the bundle, and an app that uses zod already ships them. Past the
    // ceilings, look at what came in (metafile inputs).
    expect(sizes.gzip).toBeLessThan(120_000);
    expect(sizes.own).toBeLessThan(30_000);
  });

  it('would catch a server import: the same check on a file that imports @skatehubba/enums/pg finds drizzle', async () => {
    const probe = await bundle({
      platform: 'node',
      stdin: {
        contents: "export * from './index';\nexport { stanceEnum } from '@skatehubba/enums/pg';\n",
        resolveDir: fileURLToPath(new URL('.', import.meta.url)),
        sourcefile: 'probe.ts',
        loader: 'ts',
      },
    });
    expect(serverOnlyInputs(probe.metafile)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^node_modules\/drizzle-orm\//), 'libs/enums/src/pg.ts']),
    );
  });
});
