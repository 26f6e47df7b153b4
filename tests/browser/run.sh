#!/usr/bin/env bash
# Browser check of the offline GraphiQL: starts the server binary on the embedded SQLite
# default (demo data, demo token) in a temporary directory, opens GET /graphql in headless
# Chromium with every host but the server unreachable, types and runs a query, and waits for
# `"totalCount": 100` in the result pane. Exits non-zero on any failure.
#
#   bash tests/browser/run.sh                 # after `cargo build` (honours CARGO_TARGET_DIR)
#   BIN=target/release/conversations-graph bash tests/browser/run.sh
#
# Installs Debian's chromium when /usr/bin/chromium is missing (needs root or sudo) and the
# check's one npm package (playwright-core, which downloads no browser) with `npm ci`. The
# check itself, from starting the server to the result, is bounded to 2 minutes. The
# screenshot goes to $SCREENSHOT (default: a new file under $TMPDIR, printed at the end).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${BIN:-${CARGO_TARGET_DIR:-target}/debug/conversations-graph}
[[ $bin == /* ]] || bin="$root/$bin"
chromium=${CHROMIUM:-/usr/bin/chromium}

if [[ ! -x $bin ]]; then
    echo "browser check: no server binary at $bin; run \`cargo build\` first or set BIN" >&2
    exit 1
fi

if [[ ! -x $chromium ]]; then
    echo "browser check: $chromium is missing; installing Debian's chromium"
    sudo=()
    [[ $(id -u) -eq 0 ]] || sudo=(sudo)
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
"$chromium" --version

(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)

deadline=$((SECONDS + 120))
work=$(mktemp -d "${TMPDIR:-/tmp}/graphiql-check.XXXXXX")
screenshot=${SCREENSHOT:-$work.png}
server_pid=
cleanup() {
    local status=$?
    if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid" 2>/dev/null || true
        for _ in {1..50}; do
            kill -0 "$server_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [[ $status -ne 0 && -s $work/server.log ]]; then
        echo "browser check: server log (last 20 lines):" >&2
        tail -n 20 "$work/server.log" >&2
    fi
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The embedded default (no DATABASE_URL) seeds the demo data and, with no key configured,
# signs a demo token with a secret of its own; port 0 lets the system pick a free port,
# which the server prints.
(
    cd "$work"
    exec env -u DATABASE_URL -u SEED_DEMO -u JWT_SECRET -u JWT_PUBLIC_KEY_FILE \
        -u JWT_ALGORITHM -u JWT_JWKS_FILE -u JWT_ISSUER -u JWT_AUDIENCE \
        NO_COLOR=1 LISTEN_ADDR=127.0.0.1:0 "$bin" serve >"$work/server.out" 2>"$work/server.log"
) &
server_pid=$!

base= token=
while [[ -z $token ]]; do
    if ! kill -0 "$server_pid" 2>/dev/null; then
        echo "browser check: the server exited before it was ready" >&2
        cat "$work/server.out" >&2
        exit 1
    fi
    if ((SECONDS >= deadline)); then
        echo "browser check: the server printed no demo token in time" >&2
        exit 1
    fi
    sleep 0.2
    base=$(sed -n 's|^GraphiQL: \(http://[^/]*\)/graphql$|\1|p' "$work/server.out" 2>/dev/null || true)
    token=$(sed -n 's|^Authorization: Bearer ||p' "$work/server.out" 2>/dev/null || true)
done
echo "browser check: server at $base (pid $server_pid)"

left=$((deadline - SECONDS))
((left > 10)) || { echo "browser check: no time left for the browser" >&2; exit 1; }
BASE_URL=$base DEMO_TOKEN=$token SCREENSHOT=$screenshot CHROMIUM=$chromium \
    TIMEOUT_MS=$(((left - 5) * 1000)) \
    timeout --kill-after=5 "$left" node "$here/graphiql.mjs"
echo "browser check: passed; screenshot $screenshot"
