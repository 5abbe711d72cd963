#!/usr/bin/env bash
# Run every fuzz target for SECONDS each (default 20), or, with FUZZ_RUNS=N, for N inputs from a
# fixed seed (what CI does: the same commit fuzzes the same inputs, so CI is repeatable). cargo-fuzz needs nightly flags; on a stable
# toolchain RUSTC_BOOTSTRAP=1 enables them (the sanitizer runtimes ship with stable rustc).
# Longer runs: scripts/fuzz.sh 600   (or: cd fuzz && cargo fuzz run <target>)
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
SECONDS_EACH="${1:-20}"
export RUSTC_BOOTSTRAP=1
# Short panics: the message must survive the tail below.
export RUST_BACKTRACE=0
# cargo-fuzz keeps its sanitizer builds in fuzz/target; a shared CARGO_TARGET_DIR would confuse it.
unset CARGO_TARGET_DIR
# STREAMTIDE_FUZZ_TARGET_DIR puts them elsewhere (their own folder, never the workspace's): CI
# keeps them in its cache, so a fresh clone does not build the sanitized workspace from nothing.
target_dir=()
[[ -n "${STREAMTIDE_FUZZ_TARGET_DIR:-}" ]] && target_dir=(--target-dir "$STREAMTIDE_FUZZ_TARGET_DIR")
CARGO_FUZZ="${CARGO_FUZZ:-cargo fuzz}"
for target in $($CARGO_FUZZ list); do
    if [[ -n "${FUZZ_RUNS:-}" ]]; then what="$FUZZ_RUNS inputs, seed 1"; else what="${SECONDS_EACH}s"; fi
    echo "--- fuzzing $target ($what)"
    # Seeds: corpus/<target> and, for parsers, the real captures in fixtures/. New finds go to a
    # scratch dir so the repository stays clean.
    seeds=()
    [[ -d "corpus/$target" ]] && seeds+=("corpus/$target")
    case "$target" in
        chzzk_parsers) seeds+=(../fixtures/chzzk) ;;
        soop_parsers) seeds+=(../fixtures/soop) ;;
    esac
    scratch="$(mktemp -d)"
    if [[ -n "${FUZZ_RUNS:-}" ]]; then
        budget=(-runs="$FUZZ_RUNS" -seed=1)
    else
        budget=(-max_total_time="$SECONDS_EACH")
    fi
    $CARGO_FUZZ run "${target_dir[@]}" "$target" "$scratch" "${seeds[@]}" -- "${budget[@]}" -rss_limit_mb=2048 2>&1 | awk '!/^INFO|^#[0-9]/' | tail -n 40
    rm -rf "$scratch"
done
echo "fuzz: all targets ran without a crash"
