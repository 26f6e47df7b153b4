#!/usr/bin/env bash
# The client compile check, as CI runs it (and as you can run it locally): real client
# operations compiled against the client schema, with 0 errors and 0 warnings.
#
#   1. npm ci --ignore-scripts (exact versions from package-lock.json, into
#      tests/clients/node_modules; relay-compiler ships its native binaries in the package)
#   2. scripts/check-schema.mjs  the schema is a client schema: no federation machinery, Relay's
#                                Node / Query.node contract, the connection shapes
#   3. scripts/relay.mjs         relay-compiler over relay/ (a Relay app: @connection +
#                                @refetchable pagination, a search, two mutations), artifacts in
#                                a scratch directory, then tsc over the components + artifacts
#   4. scripts/codegen.mjs       graphql-codegen (codegen.ts) over operations/*.graphql (Apollo
#                                Client / urql style), then tsc over the generated types + usage.ts
#
# Any error, warning or unexpected output line of a compiler fails its step. Needs Node 20.17+
# with npm; no global packages, no network after npm ci, no cargo.
#
#   bash tests/clients/run.sh                 against <repo>/schema.api.graphql
#   API_SCHEMA=path bash tests/clients/run.sh against another client schema
#   SKIP_INSTALL=1   reuse an existing tests/clients/node_modules
#   KEEP_WORK=1      keep the scratch directory (artifacts, generated types) even on success
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

die() { echo "clients: $*" >&2; exit 1; }
now() { if [ -n "${EPOCHREALTIME:-}" ]; then echo "${EPOCHREALTIME/,/.}"; else date +%s; fi; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
step() { printf '\n== clients: %s (%s)\n' "$1" "$(date -u +%H:%M:%S)"; }

for arg in "$@"; do
  case "$arg" in
    -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument $arg (see --help)" ;;
  esac
done

command -v node >/dev/null || die "node is not installed (Node 20.17 or newer is needed)"
command -v npm >/dev/null || die "npm is not installed"
node -e 'const [a, b] = process.versions.node.split(".").map(Number);
         process.exit(a > 20 || (a === 20 && b >= 17) ? 0 : 1)' ||
  die "Node $(node --version) is too old: Node 20.17 or newer is needed"

work="$(mktemp -d)"
status=1
cleanup() {
  if [ "$status" = 0 ] && [ -z "${KEEP_WORK:-}" ]; then rm -rf "$work"; else echo "clients: scratch directory kept: $work"; fi
}
trap cleanup EXIT
export WORK_DIR="$work"

# The schema, as an absolute path (API_SCHEMA is relative to where run.sh was started).
if [ -n "${API_SCHEMA:-}" ]; then
  case "$API_SCHEMA" in /*) ;; *) API_SCHEMA="$PWD/$API_SCHEMA" ;; esac
else
  API_SCHEMA="$root/schema.api.graphql"
fi
[ -f "$API_SCHEMA" ] || die "no client schema at $API_SCHEMA: regenerate schema.api.graphql (\`conversations-graph schema --api\`), or set API_SCHEMA"
export API_SCHEMA
echo "clients: schema $API_SCHEMA"

cd "$here"
names=()
results=()
times=()
record() { names+=("$1"); results+=("$2"); times+=("$3"); }

step "npm ci"
t0="$(now)"
if [ -n "${SKIP_INSTALL:-}" ] && [ -d node_modules ]; then
  echo "SKIP_INSTALL set: reusing node_modules"
else
  npm ci --ignore-scripts --no-audit --no-fund
fi
record "npm ci" ok "$(since "$t0")"

for check in "check-schema:client schema" "relay:relay-compiler" "codegen:graphql-codegen"; do
  script="${check%%:*}"
  name="${check#*:}"
  step "$name"
  t0="$(now)"
  if node "scripts/$script.mjs"; then record "$name" ok "$(since "$t0")"; else record "$name" FAIL "$(since "$t0")"; fi
done

passed=0
failed=0
printf '\n== clients: summary (schema %s)\n' "$API_SCHEMA"
for i in "${!names[@]}"; do
  printf '  %-4s  %-18s %6ss\n' "${results[$i]}" "${names[$i]}" "${times[$i]}"
  if [ "${results[$i]}" = ok ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
echo "clients: $passed of ${#results[@]} steps ok"
[ "$failed" = 0 ] && status=0
exit "$status"
