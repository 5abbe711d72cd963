#!/usr/bin/env bash
# Browser tests: a real `streamtide demo` (simulator-fed) on a free port with a temporary
# database, the Chrome extension packed to a directory, then tests/browser/run.mjs drives
# Debian's headless Chromium (/usr/bin/chromium) through playwright-core against both: the
# extension packed without a server (the first run's onboarding) and packed with
# `--server <the demo>` (the board on the first new tab).
# Screenshots land in target/browser-artifacts/ (copied to docs/screenshots/ only with
# UPDATE_SCREENSHOTS=1).
#
# Needs: cargo, node + npm, chromium (`apt-get install chromium`). Usage: scripts/browser-tests.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
ARTIFACTS="${ARTIFACTS:-$ROOT/target/browser-artifacts}"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
BIN="${STREAMTIDE_BIN:-$TARGET_DIR/debug/streamtide}"

log() { printf '[browser-tests %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }

if [[ ! -x "$CHROMIUM" ]]; then
    echo "error: $CHROMIUM not found; install it with: apt-get install -y chromium" >&2
    exit 1
fi
command -v node >/dev/null || { echo "error: node is required" >&2; exit 1; }

if [[ -z "${STREAMTIDE_BIN:-}" ]]; then
    log "building streamtide"
    cargo build -p streamtide
fi

if [[ ! -d tests/browser/node_modules/playwright-core ]]; then
    log "npm ci (playwright-core only, no browser download)"
    (cd tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi

rm -rf "$ARTIFACTS"
mkdir -p "$ARTIFACTS"
WORK="$(mktemp -d)"
DEMO_PID=""
FAILING_PID=""
cleanup() {
    if [[ -n "$FAILING_PID" ]]; then kill -KILL "$FAILING_PID" 2>/dev/null || true; fi
    if [[ -n "$DEMO_PID" ]] && kill -0 "$DEMO_PID" 2>/dev/null; then
        kill -TERM "$DEMO_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$DEMO_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$DEMO_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

log "packing the extension (no server: the first run asks for one)"
"$BIN" extension pack --dir "$ARTIFACTS/extension" --out "$ARTIFACTS/streamtide-extension.zip"
"$BIN" extension pack --popup-only --out "$ARTIFACTS/streamtide-extension-popup.zip"
"$BIN" extension pack --target firefox --server https://live.example.kr \
    --out "$ARTIFACTS/streamtide-extension-firefox.xpi"
if "$BIN" extension pack --server http://live.example.kr --out "$WORK/refused.zip" 2>"$WORK/refused.err"; then
    echo "error: a plain-http --server elsewhere than this computer was accepted" >&2; exit 1
fi
grep -q "plain http is only for a server on this computer" "$WORK/refused.err"
if command -v python3 >/dev/null; then
    for z in "$ARTIFACTS"/streamtide-extension*.zip "$ARTIFACTS"/streamtide-extension*.xpi; do
        python3 -m zipfile -t "$z" >/dev/null
    done
fi

log "starting streamtide demo (temporary database in $WORK)"
# Port 0: the OS picks a free port; the demo prints the address it got. The working directory is
# the temporary one, so no ./streamtide.toml is picked up and nothing is written to the checkout.
(
    cd "$WORK"
    exec env STREAMTIDE__SERVER__BIND=127.0.0.1:0 RUST_LOG="${RUST_LOG:-warn}" \
        "$BIN" demo --db "sqlite://$WORK/demo.db" --channels 300 --track 20
) >"$WORK/demo.out" 2>"$ARTIFACTS/demo.log" &
DEMO_PID=$!

URL=""
# (The demo writes its simulated past before it serves: allow two minutes for a debug build.)
for _ in $(seq 1 600); do
    URL="$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$WORK/demo.out" | head -n1 || true)"
    [[ -n "$URL" ]] && break
    kill -0 "$DEMO_PID" 2>/dev/null || { cat "$ARTIFACTS/demo.log" >&2; echo "error: demo exited" >&2; exit 1; }
    sleep 0.2
done
[[ -n "$URL" ]] || { echo "error: the demo did not print its address" >&2; exit 1; }
URL="${URL%/}"
# The line after the board's names the simulator's servers; the notification test makes a
# favourite go live through the simulated CHZZK's `POST /__sim/start-live`.
SIM_CHZZK=""
for _ in $(seq 1 50); do
    SIM_CHZZK="$(grep -o 'platform simulator chzzk=http://127\.0\.0\.1:[0-9]*' "$WORK/demo.out" | head -n1 | sed 's/.*chzzk=//' || true)"
    [[ -n "$SIM_CHZZK" ]] && break
    sleep 0.2
done
[[ -n "$SIM_CHZZK" ]] || { echo "error: the demo did not print its simulator's addresses" >&2; exit 1; }
log "demo at $URL (simulated CHZZK at $SIM_CHZZK); waiting for the first live round"

for i in $(seq 1 120); do
    if curl -fsS "$URL/api/v1/live?limit=1" 2>/dev/null | grep -q '"total":[1-9]'; then
        break
    fi
    [[ $i -eq 120 ]] && { echo "error: no live broadcasts after 60 s" >&2; exit 1; }
    sleep 0.5
done

# A second server whose only platform fails (CHZZK at a closed port; SOOP turned off; Twitch and
# YouTube without keys): the board must say so instead of blaming the filters.
log "starting streamtide run with a failing platform"
mkdir -p "$WORK/failing"
(
    cd "$WORK/failing"
    exec env STREAMTIDE__SERVER__BIND=127.0.0.1:0 RUST_LOG=info \
        STREAMTIDE__PLATFORMS__CHZZK__API_BASE=http://127.0.0.1:9 \
        STREAMTIDE__PLATFORMS__SOOP__ENABLED=false STREAMTIDE__HTTP__MAX_RETRIES=0 \
        STREAMTIDE__COLLECTOR__LIVE_INTERVAL=2s \
        "$BIN" run --db "sqlite://$WORK/failing/failing.db"
) >"$WORK/failing.out" 2>"$ARTIFACTS/failing.log" &
FAILING_PID=$!
FAILING_URL=""
for _ in $(seq 1 300); do
    FAILING_URL="$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$ARTIFACTS/failing.log" | head -n1 || true)"
    [[ -n "$FAILING_URL" ]] && break
    kill -0 "$FAILING_PID" 2>/dev/null || { cat "$ARTIFACTS/failing.log" >&2; echo "error: run exited" >&2; exit 1; }
    sleep 0.2
done
FAILING_URL="${FAILING_URL%/}"
for i in $(seq 1 60); do
    curl -sS "$FAILING_URL/healthz" 2>/dev/null | grep -q '"status":"failing"' && break
    [[ $i -eq 60 ]] && { echo "error: /healthz of the failing server never said failing" >&2; exit 1; }
    sleep 0.5
done

log "packing the extension for this server ($URL)"
"$BIN" extension pack --server "$URL" --dir "$ARTIFACTS/extension-server" \
    --out "$ARTIFACTS/streamtide-extension-server.zip"

log "running the browser tests"
STATUS=0
STREAMTIDE_URL="$URL" STREAMTIDE_FAILING_URL="$FAILING_URL" STREAMTIDE_SIM_CHZZK="$SIM_CHZZK" \
    EXTENSION_DIR="$ARTIFACTS/extension" \
    EXTENSION_SERVER_DIR="$ARTIFACTS/extension-server" \
    ARTIFACTS="$ARTIFACTS" CHROMIUM="$CHROMIUM" node tests/browser/run.mjs || STATUS=$?
kill -TERM "$FAILING_PID" 2>/dev/null || true

# The README's pictures are refreshed only on request (UPDATE_SCREENSHOTS=1): they are taken from
# a fresh `demo` with its history, and a test run's small data set would replace them.
if [[ "${UPDATE_SCREENSHOTS:-0}" == 1 ]]; then
    mkdir -p docs/screenshots
    for page in board channel creators rankings board-list extension-onboarding; do
        if [[ -f "$ARTIFACTS/$page.png" ]]; then cp "$ARTIFACTS/$page.png" docs/screenshots/; fi
    done
fi
log "screenshots: $(cd "$ARTIFACTS" && ls ./*.png | tr '\n' ' ')"
exit "$STATUS"
