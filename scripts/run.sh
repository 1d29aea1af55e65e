#!/usr/bin/env bash
# Sets up, builds (release), indexes corpus/ into index/ and runs a sample search.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

swift build -c release --product hanindex
bin="$(swift build -c release --show-bin-path)"

"$bin/hanindex" index corpus --index index
"$bin/hanindex" stats --index index
"$bin/hanindex" search --index index --limit 3 科技服务业
