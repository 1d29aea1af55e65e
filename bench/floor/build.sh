#!/bin/sh
# Compiles bench/floor/floor.cpp and locate.cpp against Debian's libxapian (libxapian-dev) and libzstd (libzstd-dev) into OUT
# (default .build-bench/floor) and prints the two binaries' paths. They link jemalloc (libjemalloc-dev), as hanindex
# does, so that the floor is Xapian's cost under the same allocator.
set -e
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/../../.build-bench/floor}"
mkdir -p "$out"
for tool in floor locate; do
    g++ -O2 -std=c++17 -Wall -o "$out/$tool" "$here/$tool.cpp" $(pkg-config --cflags --libs xapian-core libzstd) -ljemalloc -pthread
    echo "$out/$tool"
done
