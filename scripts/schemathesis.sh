#!/usr/bin/env bash
# Schema-driven fuzzing of the REST API: a real `streamtide demo` on a free loopback port, then
# Schemathesis generates requests from /api/v1/openapi.json and checks that no answer is a 5xx
# and every answer matches the schema the document declares for it.
#
# Schemathesis (pinned) is installed from PyPI into a venv under
# ${HOME}/.cache/streamtide-ci/tools/venv, reused when present. The binary is the debug build in
# $CARGO_TARGET_DIR (built first if missing). Admin writes are fuzzed too, with the demo's admin
# token, against the demo's own throw-away database.
#
#   scripts/schemathesis.sh                  # bounded run (well under 3 minutes)
#   ST_MAX_EXAMPLES=500 scripts/schemathesis.sh
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION="4.32.5"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${HOME:-/tmp}/.cache/streamtide-ci/target}"
TOOLS="${HOME:-/tmp}/.cache/streamtide-ci/tools"
VENV="$TOOLS/venv"
BIN="${STREAMTIDE_BIN:-$CARGO_TARGET_DIR/debug/streamtide}"
MAX_EXAMPLES="${ST_MAX_EXAMPLES:-100}"
# A fixed seed: a commit's run is repeatable.
SEED="${ST_SEED:-20261123}"

if ! [[ -x "$VENV/bin/st" ]] || ! "$VENV/bin/st" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
    mkdir -p "$TOOLS"
    [[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
"$VENV/bin/st" --version

if ! [[ -x "$BIN" ]]; then
    cargo build --locked -p streamtide
fi

WORK="$(mktemp -d)"
PID=""
cleanup() {
    if [[ -n "$PID" ]] && kill -0 "$PID" 2>/dev/null; then
        kill -TERM "$PID" 2>/dev/null || true
        wait "$PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
# A random admin token for this run only, so the admin endpoints are exercised as well.
TOKEN="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"

echo "starting streamtide demo on $BASE"
(
    cd "$WORK"
    exec env STREAMTIDE__SERVER__BIND="127.0.0.1:$PORT" \
        STREAMTIDE__SERVER__ADMIN_TOKEN="$TOKEN" \
        STREAMTIDE__SERVER__RATE_LIMIT_PER_SECOND=0 \
        RUST_LOG="warn" \
        "$BIN" demo --channels 120 --track 10 --db "sqlite://$WORK/demo.db"
) >"$WORK/demo.log" 2>&1 &
PID=$!

for _ in $(seq 1 120); do
    if curl -fsS "$BASE/healthz" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$PID" 2>/dev/null; then
        echo "the demo exited early:"; cat "$WORK/demo.log"; exit 1
    fi
    sleep 0.5
done
curl -fsS "$BASE/healthz" >/dev/null
# Let the first rounds land so reads have data to answer with.
for _ in $(seq 1 60); do
    if curl -fsS "$BASE/api/v1/live?limit=1" | grep -q '"platform"'; then break; fi
    sleep 0.5
done

status=0
# One worker: with two, Hypothesis's concurrent ast.parse calls hit a CPython 3.11 thread-safety
# bug ("AST constructor recursion depth mismatch") and the run aborts at random.
# A hard stop in case the examples take far longer than expected.
# From the scratch directory: Schemathesis keeps state in ./.schemathesis.
(cd "$WORK" && timeout 600 "$VENV/bin/st" run "$BASE/api/v1/openapi.json" \
    --url "$BASE" \
    --checks "${SCHEMATHESIS_CHECKS:-not_a_server_error,response_schema_conformance}" \
    --header "Authorization: Bearer $TOKEN" \
    --max-examples "$MAX_EXAMPLES" \
    --seed "$SEED" \
    --phases examples,coverage,fuzzing \
    --no-shrink \
    --generation-database none \
    --request-timeout 10 \
    --workers 1 \
    --no-color) || status=$?

if grep -qE '\bpanicked\b|request failed' "$WORK/demo.log"; then
    echo "server errors in the demo's log:"
    grep -E '\bpanicked\b|request failed' "$WORK/demo.log" | head -20
    status=1
fi
exit "$status"
