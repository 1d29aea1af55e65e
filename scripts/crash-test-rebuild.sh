#!/usr/bin/env bash
# Crash safety of `hanindex rebuild`: SIGKILLs it at random moments while it rebuilds a bulk-built index
# of the dev corpus that updates left with replaced segments, and after each kill checks
# (scripts/index_check.py, reading Xapian directly) that the index opens and shows exactly the segments
# it showed before: the old index or the rebuilt one, never a mix or nothing. A last rebuild without a
# kill must reclaim every replaced segment and leave nothing beside the index.
#
#   scripts/crash-test-rebuild.sh [KILLS]        (default 8)
#
# Environment: HANSEARCH_CORPUS (default Tests/Data/dev.jsonl), HANINDEX (default: the debug build), SEED.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

kills=${1:-8}
corpus=${HANSEARCH_CORPUS:-Tests/Data/dev.jsonl}
seed=${SEED:-$RANDOM}
[ -f "$corpus" ] || { echo "crash-test-rebuild: no corpus at $corpus (set HANSEARCH_CORPUS)" >&2; exit 1; }
hanindex=${HANINDEX:-$(debug_binary hanindex)}
python=$(python_with_xapian)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
RANDOM=$seed

echo "crash-test-rebuild: $corpus, $kills kills, seed $seed"
# The index to rebuild: a bulk build, then a third of the reports changed, so that they are listed as deleted.
"$hanindex" index "$corpus" --index "$work/updated" >/dev/null
head -n $(( $(wc -l < "$corpus") / 3 )) "$corpus" | sed 's/"body": *"/"body": "改 /' > "$work/changed.jsonl"
"$hanindex" index "$work/changed.jsonl" --index "$work/updated" >/dev/null
"$hanindex" stats --index "$work/updated" | grep -q "replaced or deleted" \
    || { echo "crash-test-rebuild: the updated index lists no replaced segments" >&2; exit 1; }
"$python" scripts/index_check.py dump "$work/updated" "$work/reference.json"
start=$(date +%s%N)
cp -r "$work/updated" "$work/clean"
"$hanindex" rebuild --index "$work/clean" >/dev/null
full_ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "uninterrupted rebuild: ${full_ms} ms; $("$python" scripts/index_check.py same "$work/clean" --reference "$work/reference.json")"

index="$work/index"
killed=0
for round in $(seq 1 "$kills"); do
    rm -rf "$index"
    cp -r "$work/updated" "$index"
    delay_ms=$(( 20 + (RANDOM * 32768 + RANDOM) % (full_ms + 1) ))
    run_and_kill_after "$delay_ms" "$hanindex" rebuild --index "$index"
    "$hanindex" stats --index "$index" >/dev/null 2>"$work/stats-err" \
        || { echo "round $round ($outcome): the index does not open: $(cat "$work/stats-err")" >&2; exit 1; }
    result=$("$python" scripts/index_check.py same "$index" --reference "$work/reference.json") \
        || { echo "round $round ($outcome): FAILED" >&2; exit 1; }
    echo "round $round: $outcome: $result"
done

"$hanindex" rebuild --index "$index" >/dev/null
leftovers=$(find "$work" -maxdepth 1 -name 'index.*')
[ -z "$leftovers" ] || { echo "crash-test-rebuild: left beside the index: $leftovers" >&2; exit 1; }
"$hanindex" stats --index "$index" | grep -q "replaced or deleted" \
    && { echo "crash-test-rebuild: the last rebuild left replaced segments" >&2; exit 1; }
echo "rebuild to completion: $("$python" scripts/index_check.py same "$index" --reference "$work/reference.json")"
echo "crash-test-rebuild: OK — $killed of $kills rebuilds killed mid-way, every state the whole old or new index"
