#!/usr/bin/env bash
# Sets up, builds (release), indexes corpus/ into index/ if there is no index yet, runs a sample search,
# then starts hanserve and prints its URL (Ctrl-C stops it). PORT=… picks another port.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

# One build of every product: building them one by one re-plans the build each time, and a restart
# recompiled part of Hummingbird (38 s) with nothing changed.
swift build -c release
bin="$(swift build -c release --show-bin-path)"

if [ ! -d index ] || [ -z "$(ls -A index 2>/dev/null)" ]; then
    "$bin/hanindex" index corpus --index index
fi
"$bin/hanindex" stats --index index
"$bin/hanindex" search --index index --limit 3 科技服务业

exec "$bin/hanserve" --index index --host 127.0.0.1 --port "${PORT:-8080}"
