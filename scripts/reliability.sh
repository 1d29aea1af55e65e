#!/usr/bin/env bash
# The reliability checks of docs/reliability.md ("Guarantees"): crash safety of hanindex and hanserve, a soak,
# and fuzzing. Loopback only, every step bounded in time.
#
#   scripts/reliability.sh           the short form CI runs (about 5 minutes)
#   scripts/reliability.sh --full    longer: 60 s soak with 500 connections, 10 server kills, 10 min of
#                                    fuzzing per target, and the test suite under ASan and TSan
#                                    (scripts/sanitizers.sh; each sanitizer build takes ~10 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

full=false
[ "${1:-}" = "--full" ] && full=true

step() { echo; echo "== $* ($(date +%T))"; }

step "the long forms of the property tests (a 50 MB report, 600 random substrings against a scan)"
swift build --build-tests
HANSEARCH_FULL_TESTS=1 swift test --skip-build --filter "ExactSearchTests|FoldingTests|HostileInputTests/hugeReport"
step "crash safety of hanindex index (updating in batches)"
scripts/crash-test-index.sh 20
step "crash safety of hanindex index (bulk build of a new index)"
MODE=bulk scripts/crash-test-index.sh 4
step "crash safety of hanindex rebuild"
scripts/crash-test-rebuild.sh 6
if $full; then
    step "crash safety of hanserve"; scripts/crash-test-serve.py --kills 10
    step "soak"; scripts/soak.py --full
    step "searches while writes commit"; scripts/commit-race.py --duration 60
    step "fuzzing"; scripts/fuzz.sh 600
    step "sanitizers"; scripts/sanitizers.sh
else
    step "crash safety of hanserve"; scripts/crash-test-serve.py --kills 3
    step "soak"; scripts/soak.py
    step "searches while writes commit"; scripts/commit-race.py
    step "fuzzing"; scripts/fuzz.sh 20
fi
