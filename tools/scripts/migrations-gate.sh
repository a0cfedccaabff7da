#!/usr/bin/env bash
# Fails when the schema in libs/ and the committed migrations disagree, when
# the migration snapshot chain is broken, or when squawk finds a risky statement.
# `drizzle-kit check` alone is not a drift gate: it validates the snapshot chain only.
set -euo pipefail
cd "$(dirname "$0")/../.."

step() { printf '\n== %s\n' "$*"; }

step "drift: drizzle-kit generate must find nothing to do"
# No stdin: an ambiguous change (a rename) would prompt; drizzle-kit then exits 0
# having written nothing, which the output check below catches.
# It runs on a scratch copy of migrations/ so the gate never writes into the repo.
scratch="tmp/migrations-gate-$$"  # relative: drizzle-kit prefixes "./" to --out
mkdir -p "$scratch"
trap 'rm -rf "$scratch"' EXIT
cp -R migrations/. "$scratch/"
# drizzle-kit loads the schema's TypeScript itself: the source condition makes the
# workspace packages resolve to src/ (without it, to a dist/ that may be stale or missing).
out=$(NODE_OPTIONS="${NODE_OPTIONS:-} --conditions=@skatehubba/source" npx drizzle-kit generate --dialect=postgresql --schema=./libs/db/src/schema.ts --out="$scratch" </dev/null 2>&1) \
  || { echo "$out"; echo "drizzle-kit generate failed"; exit 1; }
if ! grep -q "No schema changes" <<<"$out"; then
  echo "$out"
  echo
  echo "The schema in libs/ and migrations/ disagree. Run 'npm run db:generate', review the SQL, and commit it."
  exit 1
fi
# A migration written by `npm run db:generate` and not yet committed is the
# normal state while a schema change is being made (the README's steps run
# `npm test` before the commit): say so locally; in CI, where the checkout is
# a commit, anything uncommitted is a generated file that was never reviewed.
if [ -n "$(git status --porcelain -- migrations)" ]; then
  git status --short -- migrations
  if [ "${CI:-}" = "true" ]; then
    echo "migrations/ has files that are not committed: review and commit them (git add migrations)."
    exit 1
  fi
  echo "note: migrations/ has uncommitted changes; commit them with the schema change (git add migrations)."
fi
echo "schema and committed migrations agree"

step "drizzle-kit check: snapshot chain"
npx drizzle-kit check </dev/null

step "squawk: migration lint (.squawk.toml)"
npx squawk migrations/*.sql
