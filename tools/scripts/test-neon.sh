#!/usr/bin/env bash
# `npm run test:neon`: every integration suite again, through the two Neon
# drivers (@neondatabase/serverless), against the Postgres server at
# DATABASE_URL: the WebSocket Pool via a loopback WebSocket-to-TCP bridge, and
# neon() over HTTP via a loopback /sql endpoint (libs/testing/src/neon). Tests that
# need a session (interactive transactions) are skipped on neon-http, by name.
# With DATABASE_URL_UNPOOLED set too, both drivers reach the server through
# DATABASE_URL (a pooler, as Neon's pooled endpoint) and the harness makes its
# databases on DATABASE_URL_UNPOOLED.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ -z "${DATABASE_URL:-}" ]; then
  echo "test:neon needs DATABASE_URL (a Postgres server the Neon drivers reach through loopback helpers)," >&2
  echo "e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run test:neon" >&2
  exit 2
fi
export NX_DAEMON=${NX_DAEMON:-false} NX_TUI=${NX_TUI:-false}
export SKATEHUBBA_TEST_ENGINES=neon-ws,neon-http
if [ -n "${DATABASE_URL_UNPOOLED:-}" ] && [ "$DATABASE_URL" != "$DATABASE_URL_UNPOOLED" ]; then
  echo "engines: neon-ws + neon-http -> ${DATABASE_URL%%\?*} (pooler), databases on ${DATABASE_URL_UNPOOLED%%\?*}"
else
  echo "engines: neon-ws + neon-http -> ${DATABASE_URL%%\?*}"
fi
npx nx run-many -t test -p identity spots gamification notifications audit db seed api-example --parallel="${NX_PARALLEL:-2}" --outputStyle=static "$@"
