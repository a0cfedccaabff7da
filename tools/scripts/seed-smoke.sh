#!/usr/bin/env bash
# The README's main job as a newcomer runs it, through Nx, on the embedded
# database in the default folder: `npx nx run seed:load`, then
# `npx nx run seed:serve` until a Postgres client reads rows from it, then a
# stop as Ctrl-C does; and one refused run, which must exit non-zero through Nx.
set -euo pipefail
cd "$(dirname "$0")/../.."
unset DATABASE_URL DATABASE_URL_UNPOOLED  # the embedded default, whatever the caller's shell has
export NX_DAEMON=${NX_DAEMON:-false} NX_TUI=${NX_TUI:-false}
port=5499
url="postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable"
log=$(mktemp)
serve_pid=
cleanup() {
  if [ -n "$serve_pid" ] && kill -0 "$serve_pid" 2>/dev/null; then kill -TERM -- "-$serve_pid" 2>/dev/null || true; fi
  rm -f "$log"
}
trap cleanup EXIT

echo "-- npx nx run seed:load"
npx nx run seed:load

echo "-- npx nx run seed:serve (until psql reads rows)"
setsid npx nx run seed:serve >"$log" 2>&1 </dev/null &
serve_pid=$!
rows=
for _ in $(seq 1 120); do
  if rows=$(PGCONNECT_TIMEOUT=5 timeout 20 psql "$url" -Atc 'SELECT count(*) FROM checkins' 2>/dev/null </dev/null); then break; fi
  if ! kill -0 "$serve_pid" 2>/dev/null; then cat "$log"; echo "seed:serve exited before it served"; exit 1; fi
  sleep 1
done
[ -n "$rows" ] && [ "$rows" -gt 0 ] || { cat "$log"; echo "seed:serve did not serve rows within 120 s"; exit 1; }
echo "psql read $rows check-ins from the served database"
# Ctrl-C: SIGINT to the whole process group, as a terminal sends it.
kill -INT -- "-$serve_pid"
for _ in $(seq 1 30); do kill -0 "$serve_pid" 2>/dev/null || break; sleep 1; done
if kill -0 "$serve_pid" 2>/dev/null; then cat "$log"; echo "seed:serve did not stop within 30 s of Ctrl-C"; exit 1; fi
serve_pid=
if [ -e .data/seed-pglite/skatehubba.lock ]; then cat "$log"; echo "seed:serve stopped without releasing .data/seed-pglite"; exit 1; fi
echo "seed:serve stopped and released its folder"

echo "-- NODE_ENV=production npx nx run seed:load (must be refused)"
if NODE_ENV=production npx nx run seed:load >"$log" 2>&1; then
  cat "$log"; echo "a refused seed exited 0 through Nx"; exit 1
fi
grep -q 'refusing to seed: NODE_ENV=production' "$log" || { cat "$log"; echo "the refusal did not say why"; exit 1; }
echo "refused through Nx with a non-zero exit, as it should"
