#!/usr/bin/env bash
# The mutation gate in CI: runs when a change can let a broken rule pass,
# relative to NX_BASE (default: the previous commit):
#   - migrations/ (the rules themselves),
#   - a table file (a file that declares a pgTable) or schema-kit's rule builders,
#   - an integration test (a weakened test lets a mutant survive),
#   - the gate, its mutant list or the test harness.
# Otherwise it says so and skips. SKATEHUBBA_MUTANTS=always runs it anyway;
# a one-commit clone (no previous commit) always runs it.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ "${SKATEHUBBA_MUTANTS:-}" = always ]; then
  echo "mutation gate: runs (SKATEHUBBA_MUTANTS=always)"
  exec npm run test:mutants
fi
base=${NX_BASE:-$(git rev-parse -q --verify HEAD~1 || true)}
if [ -z "$base" ]; then
  echo "mutation gate: runs (no previous commit to compare with)"
  exec npm run test:mutants
fi

reasons=()
while IFS= read -r file; do
  [ -n "$file" ] || continue
  case "$file" in
    migrations/*) reasons+=("$file (migration)") ;;
    libs/testing/*|tools/src/mutants/*|tools/scripts/mutants-ci.sh|vitest.shared.ts) reasons+=("$file (gate or harness)") ;;
    libs/schema-kit/src/*) reasons+=("$file (rule builders)") ;;
    *.int.test.ts) reasons+=("$file (integration test)") ;;
    libs/*/src/*.ts)
      if [ -f "$file" ] && grep -q 'pgTable(' "$file"; then reasons+=("$file (table file)"); fi ;;
  esac
done < <(git diff --name-only "$base" HEAD)

if [ ${#reasons[@]} -eq 0 ]; then
  echo "mutation gate: skipped (no migration, table file, integration test or harness changed since ${base:0:12})"
  exit 0
fi
echo "mutation gate: runs, changed since ${base:0:12}:"
printf '  %s\n' "${reasons[@]}"
exec npm run test:mutants
