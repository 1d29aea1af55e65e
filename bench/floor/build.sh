#!/bin/sh
# Compiles bench/floor/floor.cpp against Debian's libxapian (libxapian-dev) into OUT (default
# .build-bench/floor) and prints the binary's path.
set -e
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/../../.build-bench/floor}"
mkdir -p "$out"
g++ -O2 -std=c++17 -o "$out/floor" "$here/floor.cpp" $(pkg-config --cflags --libs xapian-core) -pthread
echo "$out/floor"
