#!/usr/bin/env bash
# `npm test`: everything a change must pass, in the order that fails fastest.
#   1. nx sync:check     TypeScript project references match the project graph;
#      prettier --check  every file in the one shared format
#   2. lint, typecheck, test for every project (Nx caches what did not change)
#      - unit tests, and integration tests on PGlite (in-process, no server)
#      - with DATABASE_URL set: the same integration tests on that Postgres server
#        (with DATABASE_URL_UNPOOLED set too, the app connections go through
#        DATABASE_URL, a pooler, and databases are made on the server itself)
#   3. the migrations gate: schema vs committed migrations, snapshot chain, squawk
#   4. the schema reference: docs/schema.md must be what `npm run docs` writes
#      (not cached: a hand edit to the file must fail every run)
set -euo pipefail
cd "$(dirname "$0")/../.."

export NX_DAEMON=${NX_DAEMON:-false} NX_TUI=${NX_TUI:-false}
# Two cores: two Nx tasks at once; vitest inside each uses the rest.
parallel=${NX_PARALLEL:-2}

if [ -n "${DATABASE_URL_UNPOOLED:-}" ] && [ -n "${DATABASE_URL:-}" ] && [ "$DATABASE_URL" != "$DATABASE_URL_UNPOOLED" ]; then
  echo "engines: pglite + postgres (app connections through ${DATABASE_URL%%\?*}, databases on ${DATABASE_URL_UNPOOLED%%\?*})"
elif [ -n "${DATABASE_URL:-}${DATABASE_URL_UNPOOLED:-}" ]; then
  echo "engines: pglite + postgres (${DATABASE_URL_UNPOOLED:-$DATABASE_URL}, no pooler)"
else
  echo "engines: pglite only (set DATABASE_URL to also run on a Postgres server)"
fi

npx nx sync:check
echo "== format: prettier --check (npx prettier --write . fixes it)"
npx prettier --check . --log-level warn
npx nx run-many -t lint typecheck test --parallel="$parallel" --outputStyle=static "$@"
bash tools/scripts/migrations-gate.sh
echo
echo "== schema reference: docs/schema.md"
npx tsx --conditions=@skatehubba/source tools/src/schema-docs/main.ts --check
