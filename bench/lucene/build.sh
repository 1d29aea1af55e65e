#!/usr/bin/env bash
# Compiles bench/lucene/LucenePeer.java against Debian's Lucene 8 and Gson, and prints the Java class path
# to run it with (`java -cp "$(bench/lucene/build.sh)" LucenePeer ...`).
#
#   bench/lucene/build.sh [OUT_DIR]        (default: .build-bench/lucene, git-ignored)
#
# Installs what is missing with apt-get (liblucene8-java: lucene-core and lucene-analyzers-common with
# CJKAnalyzer; libgoogle-gson-java; openjdk-17-jdk-headless for javac) unless BENCH_NO_INSTALL=1.
# Recompiles only when the source is newer than the class files. Messages go to stderr.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="${1:-$repo/.build-bench/lucene}"
fail() { echo "bench/lucene/build.sh: $*" >&2; exit 1; }

jar() {  # the newest /usr/share/java/NAME-<version>.jar (Debian names them by upstream version)
    ls /usr/share/java/"$1"-[0-9]*.jar 2>/dev/null | sort -V | tail -1
}

need=()
[ -n "$(jar lucene-core)" ] && [ -n "$(jar lucene-analyzers-common)" ] || need+=(liblucene8-java)
[ -f /usr/share/java/gson.jar ] || need+=(libgoogle-gson-java)
command -v javac >/dev/null || need+=(openjdk-17-jdk-headless)
if [ ${#need[@]} -gt 0 ]; then
    [ "${BENCH_NO_INSTALL:-0}" = 1 ] && fail "missing ${need[*]} (apt-get install ${need[*]})"
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    echo "bench/lucene/build.sh: installing ${need[*]}" >&2
    $sudo_cmd apt-get update -qq >&2 || fail "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need[@]}" >&2 \
        || fail "apt-get install ${need[*]} failed"
fi
core="$(jar lucene-core)"
analyzers="$(jar lucene-analyzers-common)"
[ -n "$core" ] && [ -n "$analyzers" ] || fail "no lucene-core / lucene-analyzers-common jar in /usr/share/java"
classpath="$out:$core:$analyzers:/usr/share/java/gson.jar"

if [ ! -f "$out/LucenePeer.class" ] || [ "$here/LucenePeer.java" -nt "$out/LucenePeer.class" ] \
        || [ "$core" -nt "$out/LucenePeer.class" ]; then
    mkdir -p "$out"
    javac -encoding UTF-8 -Xlint:-options -d "$out" -cp "$classpath" "$here/LucenePeer.java" >&2 \
        || fail "javac failed on $here/LucenePeer.java"
fi
echo "$classpath"
