import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as audit from '@skatehubba/audit';
import { schema } from '@skatehubba/db';
import * as gamification from '@skatehubba/gamification';
import * as identity from '@skatehubba/identity';
import * as notifications from '@skatehubba/notifications';
import * as spots from '@skatehubba/spots';
import { describeSchema, type DomainInput } from './model';
import { renderSchemaDoc } from './render';
import { readTableReasons, readTriggers } from './sources';

const root = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));
export const SCHEMA_DOC_PATH = root('docs/schema.md');

/** The domain libs, in the order the reference presents them. */
const DOMAINS: DomainInput[] = [
  { name: 'identity', folder: 'libs/identity', packageName: '@skatehubba/identity', exports: identity },
  { name: 'spots', folder: 'libs/spots', packageName: '@skatehubba/spots', exports: spots },
  { name: 'gamification', folder: 'libs/gamification', packageName: '@skatehubba/gamification', exports: gamification },
  { name: 'notifications', folder: 'libs/notifications', packageName: '@skatehubba/notifications', exports: notifications },
  { name: 'audit', folder: 'libs/audit', packageName: '@skatehubba/audit', exports: audit },
];

/** The reference for the real schema: aggregator tables and enums, doc comments, migration triggers. */
export async function generateSchemaDoc(): Promise<string> {
  const reasons = Object.assign({}, ...(await Promise.all(DOMAINS.map((d) => readTableReasons(root(`${d.folder}/src`))))));
  const triggers = await readTriggers(root('migrations'));
  return renderSchemaDoc(describeSchema({ schema, domains: DOMAINS, reasons, triggers }));
}

async function main(argv: string[]) {
  const check = argv.includes('--check');
  const fileArg = argv.indexOf('--file');
  // --file checks or writes another path (tests use it on a scratch copy).
  const path = fileArg >= 0 && argv[fileArg + 1] ? argv[fileArg + 1]! : SCHEMA_DOC_PATH;
  const expected = await generateSchemaDoc();
  const shown = relative(process.cwd(), path);
  if (check) {
    const committed = await readFile(path, 'utf8').catch(() => null);
    if (committed === expected) {
      console.log(`${shown} is up to date`);
      return;
    }
    if (committed === null) {
      console.error(`${shown} is missing. Run \`npm run docs\` and commit it.`);
    } else {
      const a = committed.split('\n');
      const b = expected.split('\n');
      const line = a.findIndex((text, i) => text !== b[i]);
      console.error(`${shown} differs from the schema (first difference at line ${(line === -1 ? b.length : line) + 1}).`);
      console.error('It is generated: run `npm run docs` and commit the result; do not edit it by hand.');
    }
    process.exitCode = 1;
    return;
  }
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, expected);
  console.log(`wrote ${shown}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
