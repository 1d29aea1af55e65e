#!/usr/bin/env bash
# Runs the whole test suite under AddressSanitizer, then ThreadSanitizer, each in its own scratch path
# (.build-asan, .build-tsan) so the normal build is untouched. Slow: each builds everything again.
#
#   scripts/sanitizers.sh [address] [thread]      (default: both)
set -euo pipefail
cd "$(dirname "$0")/.."

sanitizers=("$@")
[ ${#sanitizers[@]} -gt 0 ] || sanitizers=(address thread)
for sanitizer in "${sanitizers[@]}"; do
    scratch=".build-${sanitizer:0:1}san"
    echo "sanitizers: swift test --sanitize=$sanitizer in $scratch"
    # The Swift runtime's crash handler confuses the sanitizers' own reports; they print the stack.
    # Leaks that the test frameworks and toolchain hold until exit are suppressed (scripts/lsan.supp).
    LSAN_OPTIONS="suppressions=$PWD/scripts/lsan.supp" SWIFT_BACKTRACE=enable=no swift test --sanitize="$sanitizer" --scratch-path "$scratch"
done
