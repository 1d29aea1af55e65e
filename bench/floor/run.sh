#!/bin/bash
# bench/floor/run.sh INDEX CORPUS PATTERNS WORK
#
# The engine's floor beside INDEX, which `hanindex index` built from CORPUS, as a Markdown section for
# bench/run's report: Xapian alone adding INDEX's documents as they are (per segment), and as blocks of
# 1 MB of articles with every CJK character positioned (the layout that reaches the size target,
# bench/results/2026-12-02-per-block-floor.md); each one's tables, build time and CPU; and `locate`'s
# exact totals and latency against INDEX. PATTERNS is `hanbench --patterns`' output for the queries.
# WORK holds the tools and scratch indexes; the indexes are removed at the end.
set -euo pipefail
[ $# = 4 ] || { echo "usage: bench/floor/run.sh INDEX CORPUS PATTERNS WORK" >&2; exit 64; }
index="$1" corpus="$2" patterns="$3" work="$4"
here="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$work"
sh "$here/build.sh" "$work/bin" > /dev/null

# folder|label|levers
layouts=("segments|per segment|" "blocks|1 MB blocks, every character positioned|per-block=1048576 unigram-positions")
for layout in "${layouts[@]}"; do
    i="${layout%%|*}" levers="${layout##*|}"
    # shellcheck disable=SC2086
    "$work/bin/floor" dump "$index" "$work/$i.dump" $levers 2> "$work/$i.dump.txt"
    rm -rf "$work/$i"
    /usr/bin/time -f '%e %U %S' -o "$work/$i.time" "$work/bin/floor" build "$work/$i.dump" "$work/$i" 2 > "$work/$i.build.txt"
    rm -f "$work/$i.dump"
done
"$work/bin/locate" "$index" "$work/blocks" "$patterns" 3 > "$work/locate.txt"

PYTHONPATH="$here/.." python3 - "$index" "$corpus" "$work" "${layouts[@]}" <<'EOF'
import json, os, sys
from report import read_corpus  # bench/report.py, on PYTHONPATH

index, corpus, work, layouts = sys.argv[1], sys.argv[2], sys.argv[3], [a.split("|") for a in sys.argv[4:]]
_, text_bytes, _ = read_corpus(corpus)

def tables(path):
    # a bulk build (layout 7) writes no termlist table: 0
    size = lambda t: os.path.getsize(os.path.join(path, t + ".glass")) / 1e6 if os.path.exists(os.path.join(path, t + ".glass")) else 0
    total = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(path) for f in fs)
    return total, " / ".join(f"{size(t):.1f}" for t in ("position", "postlist", "termlist", "docdata"))

def hanindex_time():
    # bench/run's figures of the build, beside the index
    path = os.path.join(os.path.dirname(index), "index.json")
    if not os.path.exists(path):
        return "", ""
    figures = json.load(open(path))
    return f"{figures['elapsed_s']:.1f}", f"{figures['cpu_s']:.1f}"

rows = [("`hanindex index`", tables(index), hanindex_time())]
for folder, label, _ in layouts:
    wall, user, system = open(os.path.join(work, f"{folder}.time")).read().split()
    rows.append((f"Xapian alone, {label}", tables(os.path.join(work, folder)),
                 (f"{float(wall):.1f}", f"{float(user) + float(system):.1f}")))

print("| | index MB | ÷ text | position / postlist / termlist / docdata MB | build wall s | CPU s |")
print("|---|---:|---:|---|---:|---:|")
for label, (total, split), (wall, cpu) in rows:
    print(f"| {label} | {total / 1e6:.1f} | {total / text_bytes:.2f}× | {split} | {wall} | {cpu} |")
print()
print("`locate` (bench/floor/locate.cpp): every matching segment and a ranked top ten with the exact total, "
      "Xapian only, from today's index and from the 1 MB blocks:")
print()
print(open(os.path.join(work, "locate.txt")).read().strip())
EOF
rm -rf "$work/segments" "$work/blocks"
