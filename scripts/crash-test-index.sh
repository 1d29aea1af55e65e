#!/usr/bin/env bash
# Crash safety of `hanindex index`: SIGKILLs the indexer at random moments while it indexes the dev
# corpus in small batches, and after each kill checks (scripts/index_check.py, reading Xapian directly)
# that the index opens and holds exactly the first k batches of the input, each document with exactly
# the segments of an uninterrupted run: no duplicates, no partial documents, no partial batches.
# Every run is the same command, so each one resumes the last; a last run without a kill must end at
# exactly the uninterrupted run's index.
#
#   scripts/crash-test-index.sh [KILLS]        (default 20)
#
# Environment: HANSEARCH_CORPUS (default Tests/Data/dev.jsonl, in the repository), BATCH_SIZE
# (default 10 reports per commit), XAPIAN_FLUSH_THRESHOLD (default 50: Xapian flushes on its own every
# 50 changed segments, so batches are larger than the flush threshold, as with big batches on a big corpus),
# HANINDEX (the binary; default: the debug build), SEED (for the random kill moments), MODE: `update`
# (default: `--no-bulk`, the batch-by-batch path that updates an index in place) or `bulk` (a new index is
# built in temporary shards and appears only when complete: every state must be no index or the whole one).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

kills=${1:-20}
corpus=${HANSEARCH_CORPUS:-Tests/Data/dev.jsonl}
batch=${BATCH_SIZE:-10}
export XAPIAN_FLUSH_THRESHOLD=${XAPIAN_FLUSH_THRESHOLD:-50}
seed=${SEED:-$RANDOM}
mode=${MODE:-update}
case "$mode" in
    update) flags=(--no-bulk) ;;
    bulk) flags=() ;;
    *) echo "crash-test-index: MODE must be update or bulk, not $mode" >&2; exit 2 ;;
esac
[ -f "$corpus" ] || { echo "crash-test-index: no corpus at $corpus (set HANSEARCH_CORPUS)" >&2; exit 1; }
hanindex=${HANINDEX:-$(debug_binary hanindex)}
python=$(python_with_xapian)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
RANDOM=$seed

# The command under test; every run below is exactly this.
index_cmd() { "$hanindex" index "$corpus" --index "$1" --batch-size "$batch" ${flags[@]+"${flags[@]}"}; }

echo "crash-test-index: $mode mode, $corpus, batches of $batch, XAPIAN_FLUSH_THRESHOLD=$XAPIAN_FLUSH_THRESHOLD, $kills kills, seed $seed"
start=$(date +%s%N)
index_cmd "$work/reference" >/dev/null
full_ms=$(( ($(date +%s%N) - start) / 1000000 ))
"$python" scripts/index_check.py dump "$work/reference" "$work/reference.json"
echo "uninterrupted run: ${full_ms} ms"

index="$work/index"
killed=0
for round in $(seq 1 "$kills"); do
    # Every fourth round starts from nothing, so kills before the first commit are covered too.
    if (( round % 4 == 1 )); then rm -rf "$index"; fi
    delay_ms=$(( 20 + (RANDOM * 32768 + RANDOM) % (full_ms + 1) ))
    run_and_kill_after "$delay_ms" "$hanindex" index "$corpus" --index "$index" --batch-size "$batch" ${flags[@]+"${flags[@]}"}
    if [ -d "$index" ] && ! "$hanindex" stats --index "$index" >/dev/null 2>"$work/stats-err"; then
        if ! grep -q "no index at" "$work/stats-err"; then
            echo "round $round ($outcome): the index does not open: $(cat "$work/stats-err")" >&2
            exit 1
        fi
    fi
    if [ -d "$index" ]; then
        result=$("$python" scripts/index_check.py prefix "$index" --reference "$work/reference.json" \
                 --corpus "$corpus" --batch-size "$batch") || { echo "round $round ($outcome): FAILED" >&2; exit 1; }
    else
        result="no index yet"
    fi
    echo "round $round: $outcome: $result"
done

index_cmd "$index" >/dev/null
echo "re-run to completion: $("$python" scripts/index_check.py same "$index" --reference "$work/reference.json")"
echo "crash-test-index: OK — $killed of $kills runs killed mid-way, every state a whole number of committed batches"
