#!/usr/bin/env bash
# `npm run test:affected`: lint, typecheck and test only the projects a change
# touches, against NX_BASE (default: the previous commit; on a one-commit clone,
# the empty tree, so everything runs).
set -euo pipefail
cd "$(dirname "$0")/../.."
export NX_DAEMON=${NX_DAEMON:-false} NX_TUI=${NX_TUI:-false}
base=${NX_BASE:-$(git rev-parse -q --verify HEAD~1 || git hash-object -t tree /dev/null)}
head=${NX_HEAD:-HEAD}
echo "affected: $base..$head"
npx nx sync:check
npx nx affected -t lint typecheck test --base="$base" --head="$head" --parallel="${NX_PARALLEL:-2}" --outputStyle=static "$@"
bash tools/scripts/migrations-gate.sh
