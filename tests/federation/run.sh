#!/usr/bin/env bash
# The federation and GraphQL-over-HTTP check, as CI runs it (and as you can run it locally):
#
#   1. npm ci (exact versions from package-lock.json, into tests/federation/node_modules)
#   2. a fresh PostgreSQL database, dropped again at exit
#   3. the server binary on it (`serve`, demo data, a random JWT secret, a free local port)
#      and a bearer token from its `token` subcommand
#   4. compose.mjs   with @apollo/composition and @theguild/federation-composition, each
#                    with no errors and no hints:
#                    schema.graphql + the "profiles" subgraph -> supergraph for step 5;
#                    the same + neighbours/*.graphql (other teams' subgraphs with their own
#                    Direction, Channel, PageInfo, Node, DateTime, UserError, ...);
#                    and it checks that a Relay-style neighbour that also declares
#                    Query.node/nodes (relay/documents.graphql) fails with INVALID_FIELD_SHARING
#   5. gateway.mjs   Apollo Gateway over the server and the profiles subgraph: a query that
#                    needs _entities from the server, with and without Authorization; then
#                    queries with errors at different depths, and one with keys selected out
#                    of alphabetical order, sent directly and through the gateway: the server
#                    must answer in the spec's shape (null propagation, selection order) and
#                    the gateway the same (identical data JSON, errors at the same paths)
#   6. audits.mjs    graphql-http's server audits: every MUST and SHOULD passes
#
# Needs Node 20.17+ with npm, the built server (cargo build) and PostgreSQL; no psql, curl or
# global npm packages.
#
#   BIN                 the server binary, relative to the repository root or absolute
#                       (default target/debug/conversations-graph)
#   SCHEMA_FILE         the subgraph SDL compose.mjs composes (default schema.graphql at the
#                       repository root; a relative path is taken from tests/federation/)
#   TEST_DATABASE_URL   the PostgreSQL server to create the database on, as in `cargo test`
#                       (default postgres://postgres@127.0.0.1:5432/postgres)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$here"

step() { printf '\n== federation: %s (%s)\n' "$1" "$(date -u +%H:%M:%S)"; }
die() { echo "federation: $*" >&2; exit 1; }

bin="${BIN:-target/debug/conversations-graph}"
[[ "$bin" = /* ]] || bin="$root/$bin"
[ -x "$bin" ] || die "no server binary at $bin: run \`cargo build\` first (or set BIN)"

command -v node >/dev/null || die "node is not installed (Node 20.17 or newer is needed)"
node -e 'const [a, b] = process.versions.node.split(".").map(Number);
         process.exit(a > 20 || (a === 20 && b >= 17) ? 0 : 1)' ||
  die "Node $(node --version) is too old: Node 20.17 or newer is needed"

export ADMIN_DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
db="federation_check_$(node -e 'console.log(require("node:crypto").randomBytes(6).toString("hex"))')"
work="$(mktemp -d)"
server_pid=""
db_created=""

cleanup() {
  local status=$?
  set +e
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
  fi
  if [ "$status" != 0 ] && [ -s "$work/server.log" ]; then
    echo "-- last lines of the server log --" >&2
    tail -n 40 "$work/server.log" >&2
  fi
  if [ -n "$db_created" ]; then
    node support.mjs drop "$db" || echo "federation: could not drop database $db" >&2
  fi
  rm -rf "$work"
  if [ "$status" = 0 ]; then
    step "passed in ${SECONDS}s"
  else
    echo "federation: FAILED (exit $status) after ${SECONDS}s" >&2
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step "npm ci"
node --version
npm ci --no-audit --no-fund --ignore-scripts --loglevel=error

step "server on a fresh PostgreSQL database ($db)"
node support.mjs create "$db"
db_created=1
port="$(node support.mjs free-port)"
secret="$(node -e 'console.log(require("node:crypto").randomBytes(32).toString("hex"))')"
export CONVERSATIONS_URL="http://127.0.0.1:$port/graphql"
(
  cd "$root"
  # exec: the subshell becomes the server, so $! is the server's own pid.
  DATABASE_URL="$(node "$here/support.mjs" url "$db")" SEED_DEMO=true JWT_SECRET="$secret" \
    LISTEN_ADDR="127.0.0.1:$port" RUST_LOG="${RUST_LOG:-warn}" NO_COLOR=1 \
    exec "$bin" serve
) >"$work/server.log" 2>&1 &
server_pid=$!
node support.mjs wait-ready "http://127.0.0.1:$port/readyz" "$server_pid" 60
echo "serving $CONVERSATIONS_URL (pid $server_pid)"
TOKEN="$(JWT_SECRET="$secret" "$bin" token)"
export TOKEN

step "compose"
node compose.mjs

step "gateway"
node gateway.mjs

step "GraphQL over HTTP audits"
node audits.mjs
