#!/usr/bin/env bash
# The benchmark's one command: builds the release server, installs the pinned load
# generator (once, into bench/.tools), checks pgbench and psql, then runs bench/bench.py,
# which writes BENCHMARKS.md at the root. See bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."

OHA_VERSION=1.16.0

for tool in psql pgbench; do
    if ! "$tool" --version >/dev/null 2>&1; then
        echo "error: $tool is missing; it comes with PostgreSQL (Debian: postgresql-client, postgresql)" >&2
        exit 1
    fi
done
if [ "$(bench/.tools/bin/oha --version 2>/dev/null | awk '{print $2}')" != "$OHA_VERSION" ]; then
    echo "installing oha $OHA_VERSION into bench/.tools (once)"
    cargo install --locked --quiet --version "$OHA_VERSION" --root bench/.tools oha
fi
cargo build --release --locked --quiet --bin conversations-graph --example live_bench
exec python3 bench/bench.py "$@"
