import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, rm } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build, type Platform } from 'esbuild';
import ts from 'typescript';

/**
 * Builds one workspace package into `dist/` so that plain Node and any
 * bundler can load it, without tsx and without this workspace:
 *
 *   tsx tools/src/build/build-package.ts libs/contracts [--platform neutral]
 *
 * - JavaScript: esbuild bundles each entry of the package's `exports` (the
 *   `@skatehubba/source` path) into `dist/<name>.js`, ES modules, with code
 *   the entries share split into chunks (so `./factories` and `.` share one
 *   `users` table object and one error class), and every package import left
 *   external: workspace packages and third-party ones resolve from the
 *   consumer's node_modules, as declared in package.json.
 * - Declarations: tsc, from the same sources, to `dist/**.d.ts`, with each
 *   relative import rewritten to a file Node's resolution finds (`./values`
 *   -> `./values.js`, `./inputs` -> `./inputs/index.js`). The sources use
 *   extensionless imports (moduleResolution bundler); plain tsc output keeps
 *   them, which Node ESM cannot load and TypeScript's node16/nodenext
 *   resolution cannot read. The program resolves other workspace packages
 *   without the source condition, through their built `types`, as a consumer
 *   would: the build checks the published declarations, not the sources.
 *
 * Why not tsc for the JavaScript too: its output keeps the extensionless
 * imports (TypeScript rewrites only `.ts` extensions written in the source,
 * `rewriteRelativeImportExtensions`), so every relative import in every lib
 * would have to change. Why not a declaration bundler (api-extractor,
 * rollup-plugin-dts): a new dependency for what a 20-line transformer on the
 * compiler's own API does.
 *
 * It fails when an entry imports a package its package.json does not declare
 * (a consumer's install would not bring it), and when the declarations do not
 * typecheck against the dependencies' built declarations.
 */

const SOURCE_CONDITION = '@skatehubba/source';
const root = fileURLToPath(new URL('../../..', import.meta.url));

interface PackageJson {
  name: string;
  exports: Record<string, string | Record<string, string>>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/** `{ "./factories": { "@skatehubba/source": "./src/factories.ts", "import": "./dist/factories.js" } }` -> entries. */
export function entriesOf(pkg: PackageJson): { name: string; source: string; out: string }[] {
  return Object.entries(pkg.exports)
    .filter(([subpath, target]) => subpath !== './package.json' && typeof target === 'object')
    .map(([subpath, target]) => {
      const conditions = target as Record<string, string>;
      const source = conditions[SOURCE_CONDITION];
      const out = conditions.import;
      if (!source || !out) throw new Error(`${pkg.name}: export "${subpath}" needs a "${SOURCE_CONDITION}" and an "import" condition`);
      if (!out.startsWith('./dist/') || !out.endsWith('.js')) throw new Error(`${pkg.name}: export "${subpath}" must import ./dist/*.js`);
      return { name: out.slice('./dist/'.length, -'.js'.length), source, out };
    });
}

/** The package a bare specifier names: `drizzle-orm/pg-core` -> `drizzle-orm`, `@scope/x/y` -> `@scope/x`. */
const packageOf = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

/** A relative specifier as a file Node finds: `./x` -> `./x.js`, `./dir` -> `./dir/index.js`; anything else unchanged. */
function withExtension(specifier: string, fromFile: string): string {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return specifier;
  if (/\.(js|mjs|cjs|json)$/.test(specifier)) return specifier;
  const base = resolve(dirname(fromFile), specifier);
  if (existsSync(`${base}.ts`) || existsSync(`${base}.d.ts`)) return `${specifier}.js`;
  if (existsSync(join(base, 'index.ts'))) return `${specifier}/index.js`;
  throw new Error(`${relative(root, fromFile)}: cannot resolve ${specifier}`);
}

/** A declaration transformer: every relative module specifier (import, export, import("...") types) gets its file. */
function rewriteRelativeSpecifiers(context: ts.TransformationContext) {
  const { factory } = context;
  return (node: ts.SourceFile | ts.Bundle) => {
    if (!ts.isSourceFile(node)) return node;
    const file = node.fileName;
    const literal = (text: string) => factory.createStringLiteral(withExtension(text, file));
    const visit = (n: ts.Node): ts.Node => {
      if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier)) {
        return factory.updateImportDeclaration(n, n.modifiers, n.importClause, literal(n.moduleSpecifier.text), n.attributes);
      }
      if (ts.isExportDeclaration(n) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) {
        return factory.updateExportDeclaration(n, n.modifiers, n.isTypeOnly, n.exportClause, literal(n.moduleSpecifier.text), n.attributes);
      }
      if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument) && ts.isStringLiteral(n.argument.literal)) {
        return factory.updateImportTypeNode(
          n,
          factory.updateLiteralTypeNode(n.argument, literal(n.argument.literal.text)),
          n.attributes,
          n.qualifier,
          n.typeArguments,
          n.isTypeOf,
        );
      }
      return ts.visitEachChild(n, visit, context);
    };
    return ts.visitEachChild(node, visit, context);
  };
}

function emitDeclarations(projectDir: string, outDir: string) {
  const configPath = join(projectDir, 'tsconfig.lib.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(`${configPath}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`);
      },
    },
  );
  if (!parsed) throw new Error(`cannot read ${configPath}`);
  const options: ts.CompilerOptions = {
    ...parsed.options,
    outDir,
    rootDir: join(projectDir, 'src'),
    declaration: true,
    emitDeclarationOnly: true,
    // A package's declarations stand alone: no maps into sources it does not ship, no build info.
    declarationMap: false,
    composite: false,
    incremental: false,
    tsBuildInfoFile: undefined,
    // Other workspace packages resolve as a consumer's would: through their built `types`.
    customConditions: (parsed.options.customConditions ?? []).filter((c) => c !== SOURCE_CONDITION),
  };
  const program = ts.createProgram({ rootNames: parsed.fileNames, options });
  const result = program.emit(undefined, undefined, undefined, true, { afterDeclarations: [rewriteRelativeSpecifiers] });
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...result.diagnostics];
  if (diagnostics.length) {
    const host = { getCanonicalFileName: (f: string) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' };
    throw new Error(`declarations of ${relative(root, projectDir)}:\n${ts.formatDiagnostics(diagnostics, host)}`);
  }
}

export async function buildPackage(projectDir: string, { platform = 'node' as Platform } = {}) {
  const pkg = JSON.parse(await readFile(join(projectDir, 'package.json'), 'utf8')) as PackageJson;
  const entries = entriesOf(pkg);
  const outDir = join(projectDir, 'dist');
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });

  const result = await build({
    absWorkingDir: projectDir,
    entryPoints: Object.fromEntries(entries.map((e) => [e.name, e.source])),
    outdir: outDir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform,
    target: 'es2022',
    packages: 'external',
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
    conditions: [SOURCE_CONDITION],
  });

  const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);
  const builtins = new Set(builtinModules);
  const imported = new Set(
    Object.values(result.metafile.outputs)
      .flatMap((output) => output.imports)
      .filter((i) => i.external && !i.path.startsWith('node:') && !builtins.has(i.path))
      .map((i) => packageOf(i.path)),
  );
  const undeclared = [...imported].filter((name) => !declared.has(name) && name !== pkg.name).sort();
  if (undeclared.length) throw new Error(`${pkg.name} imports ${undeclared.join(', ')}: declare them in its package.json dependencies`);

  emitDeclarations(projectDir, outDir);
  return { pkg, entries, imported: [...imported].sort() };
}

/** Files a package ships besides its code: the migrations, for `migrateDb()` outside the workspace. */
export async function copyMigrations(projectDir: string) {
  await cp(join(root, 'migrations'), join(projectDir, 'dist', 'migrations'), {
    recursive: true,
    filter: (source) => !source.endsWith('project.json'),
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { platform: { type: 'string', default: 'node' }, migrations: { type: 'boolean', default: false } },
  });
  const [dir] = positionals;
  if (!dir) {
    console.error('usage: build-package.ts <project dir> [--platform node|neutral|browser] [--migrations]');
    process.exit(2);
  }
  const projectDir = resolve(root, dir);
  const started = performance.now();
  const { pkg, entries } = await buildPackage(projectDir, { platform: values.platform as Platform });
  if (values.migrations) await copyMigrations(projectDir);
  console.log(`${pkg.name}: ${entries.map((e) => e.out).join(', ')} and declarations in ${Math.round(performance.now() - started)} ms`);
}
