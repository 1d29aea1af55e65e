#!/usr/bin/env bash
# Fuzzes the tokenizer, the query parser, the page parser and the JSON Lines readers with libFuzzer
# (and AddressSanitizer), each for a bounded time, then replays the saved corpus in the ordinary build.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     (default 60 s each; targets: tokenizer query page jsonl documents)
#
# The fuzz build lives in its own scratch path (.build-fuzz) so it never disturbs the normal build.
# Inputs that grow coverage are kept in fuzz/corpus/TARGET (seeded from fuzz/seeds/TARGET, committed);
# a crash is saved as fuzz/crashes/TARGET-crash-*, the script stops with status 1, and the input
# becomes a regression test in Tests/HanSearchTests/FuzzRegressionTests.swift.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(tokenizer query page jsonl documents)

echo "fuzz: building hanfuzz with -sanitize=fuzzer,address in .build-fuzz"
build_start=$(date +%s)
swift build -c debug --scratch-path .build-fuzz --product hanfuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING >/dev/null
binary="$(swift build -c debug --scratch-path .build-fuzz --show-bin-path)/hanfuzz"
echo "fuzz: built in $(( $(date +%s) - build_start )) s"

mkdir -p fuzz/crashes
status=0
for target in "${targets[@]}"; do
    corpus="fuzz/corpus/$target"
    mkdir -p "$corpus"
    seeds=()
    [ -d "fuzz/seeds/$target" ] && seeds=("fuzz/seeds/$target")
    log=$(mktemp)
    # SWIFT_BACKTRACE=enable=no: the Swift runtime's crash handler reads memory in ways AddressSanitizer
    # reports as a second, bogus error; libFuzzer and ASan already print the stack.
    if HANFUZZ_TARGET=$target SWIFT_BACKTRACE=enable=no "$binary" "$corpus" "${seeds[@]}" -max_total_time="$seconds" -max_len=65536 \
        -timeout=10 -rss_limit_mb=4096 -artifact_prefix="fuzz/crashes/$target-" -print_final_stats=1 >"$log" 2>&1; then
        runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
        cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 || true)
        echo "fuzz $target: ${seconds} s, $runs inputs, $cov, $(ls "$corpus" | wc -l) in corpus, no crash"
    else
        status=1
        echo "fuzz $target: CRASH — $(grep -m1 -E 'ERROR|Fatal error|invariant' "$log" || tail -1 "$log")"
        grep -E '^artifact_prefix|Test unit written' "$log" || true
        tail -40 "$log" >&2
    fi
    rm -f "$log"
done
exit $status
