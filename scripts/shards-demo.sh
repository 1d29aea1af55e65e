#!/usr/bin/env bash
# Demo of a sharded index (README "Scaling out"): starts two xapian-tcpsrv on loopback serving the shard
# folders shards/1 and shards/2, indexes the dev corpus into them (FNV-1a of each id picks the shard),
# shows the per-shard stats and starts hanserve on both shards. Ctrl-C stops the server and the shards.
# The shard servers log to shards/1.log and shards/2.log.
# Settings (environment): HANSEARCH_DEV_CORPUS (default Tests/Data/dev.jsonl), SHARD_PORTS
# (default "7001 7002"), PORT (hanserve, default 8080), SHARD_TIMEOUT (ms, default 2000).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

corpus="${HANSEARCH_DEV_CORPUS:-Tests/Data/dev.jsonl}"
[ -f "$corpus" ] || { echo "shards-demo: $corpus not found (set HANSEARCH_DEV_CORPUS)" >&2; exit 1; }
read -r -a ports <<<"${SHARD_PORTS:-7001 7002}"
[ "${#ports[@]}" -eq 2 ] || { echo "shards-demo: SHARD_PORTS must name two ports" >&2; exit 1; }

swift build --product hanindex
swift build --product hanserve
bin="$(swift build --show-bin-path)"

pids=()
cleanup() { for pid in "${pids[@]}"; do kill -- "-$pid" 2>/dev/null || true; done; }
trap cleanup EXIT
shards=()
for n in 1 2; do
    port="${ports[$((n - 1))]}"
    mkdir -p "shards/$n"
    setsid xapian-tcpsrv --writable --quiet --interface 127.0.0.1 --port "$port" "shards/$n" >>"shards/$n.log" 2>&1 &
    pids+=($!)
    shards+=("tcp://127.0.0.1:$port")
    for _ in $(seq 1 50); do
        python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && break
        sleep 0.1
    done
done
list="$(IFS=,; echo "${shards[*]}")"
echo "shards-demo: shards $list"
"$bin/hanindex" index --index "$list" "$corpus"
"$bin/hanindex" stats --index "$list"
echo "shards-demo: try  curl 'http://127.0.0.1:${PORT:-8080}/search?q=%E5%AE%89%E8%A3%85'  (Ctrl-C stops everything)"
"$bin/hanserve" --index "$list" --shard-timeout "${SHARD_TIMEOUT:-2000}" --port "${PORT:-8080}"
