#!/usr/bin/env bash
# Sharding test (issue 7): indexes the dev corpus once into one index and once into two remote shards
# served by two xapian-tcpsrv on loopback, and checks that
#   1. per-shard stats add up to the single index, and each shard holds part of it;
#   2. a set of searches gives the same totals, ids, order and scores (scripts/shards_compare.py);
#   3. hanserve on the shards answers like the CLI, and writes go to the shard FNV-1a(id) mod 2 picks;
#   4. a hung shard (SIGSTOP) and a stopped shard (SIGTERM) give the documented errors within the
#      timeout: hanindex exits non-zero naming the shard, hanserve answers 503 shard_unavailable naming
#      it, or with partial=true the live shard's results flagged "partial"; a restarted shard is used again.
# The corpus is the repository's Tests/Data/dev.jsonl (or $HANSEARCH_DEV_CORPUS).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

corpus="${HANSEARCH_DEV_CORPUS:-Tests/Data/dev.jsonl}"
[ -f "$corpus" ] || { echo "shards-test: $corpus not found (set HANSEARCH_DEV_CORPUS)" >&2; exit 1; }
command -v xapian-tcpsrv >/dev/null || { echo "shards-test: xapian-tcpsrv missing (apt-get install xapian-tools)" >&2; exit 1; }

swift build --product hanindex
swift build --product hanserve
bin="$(swift build --show-bin-path)"
work="$(mktemp -d -t hansearch-shards-test-XXXXXX)"
timeout_ms=1000

declare -A shard_pid=()
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    for n in "${!shard_pid[@]}"; do
        kill -CONT -- "-${shard_pid[$n]}" 2>/dev/null || true
        kill -- "-${shard_pid[$n]}" 2>/dev/null || true
    done
}
trap cleanup EXIT
fail() { echo "shards-test: FAILED: $*" >&2; exit 1; }
# Prints the body of GET $1; fails on an HTTP error.
http_get() { python3 -c 'import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=30).read().decode())' "$1"; }

read -r port1 port2 http_port < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(3)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])')
port=([1]=$port1 [2]=$port2)

# Starts shard $1 in its own process group (xapian-tcpsrv forks per connection; signals go to all).
start_shard() {
    setsid xapian-tcpsrv --writable --quiet --interface 127.0.0.1 --port "${port[$1]}" "$work/shard$1" \
        >>"$work/shard$1.log" 2>&1 &
    shard_pid[$1]=$!
    for _ in $(seq 1 100); do
        python3 -c "import socket; socket.create_connection(('127.0.0.1', ${port[$1]}), 0.2)" 2>/dev/null && return
        sleep 0.1
    done
    fail "xapian-tcpsrv on port ${port[$1]} did not start: $(cat "$work/shard$1.log")"
}
start_shard 1
start_shard 2
shards="tcp://127.0.0.1:$port1,tcp://127.0.0.1:$port2"

"$bin/hanindex" index --index "$work/single" "$corpus" >/dev/null
"$bin/hanindex" index --index "$shards" "$corpus" >/dev/null

# 1. Stats: the shards add up to the single index.
"$bin/hanindex" stats --index "$work/single" --json >"$work/single-stats.json"
"$bin/hanindex" stats --index "$shards" --json >"$work/shard-stats.json"
python3 - "$work/single-stats.json" "$work/shard-stats.json" <<'PY'
import json, sys
single, sharded = (json.load(open(p)) for p in sys.argv[1:3])
for key in ("documents", "segments", "terms"):
    assert sharded["total"][key] == single[key], f"total {key}: {sharded['total'][key]} != {single[key]}"
assert len(sharded["shards"]) == 2
for shard in sharded["shards"]:
    assert 0 < shard["stats"]["documents"] < single["documents"], f"shard {shard['shard']} holds {shard['stats']['documents']}"
print("shards-test: stats add up:", [s["stats"]["documents"] for s in sharded["shards"]], "documents =", single["documents"])
PY

# 2. Same answers.
python3 scripts/shards_compare.py "$bin/hanindex" "$work/single" "$shards"

# 3. hanserve on the shards.
"$bin/hanserve" --index "$shards" --shard-timeout "$timeout_ms" --readers 2 --port "$http_port" >"$work/server.log" 2>&1 &
server_pid=$!
url="http://127.0.0.1:$http_port"
for _ in $(seq 1 100); do http_get "$url/health" >/dev/null 2>&1 && break; sleep 0.1; done
http_get "$url/health" >/dev/null || fail "hanserve did not start: $(cat "$work/server.log")"
python3 - "$url" "$bin/hanindex" "$work/single" "$port1" "$port2" <<'PY'
import json, subprocess, sys, urllib.request
url, hanindex, single, port1, port2 = sys.argv[1:6]
def get(path):
    with urllib.request.urlopen(url + path, timeout=30) as r: return json.load(r)
# Every match, not a top 20: hits with equal scores are ordered by docid, which differs between
# one index and two shards (and between two bulk builds), so a cut at 20 may pick different ties.
cli = json.loads(subprocess.run([hanindex, "search", "--index", single, "--json", "--limit", "1000", "安装"],
                                check=True, capture_output=True, text=True).stdout)
server = get("/search?q=%E5%AE%89%E8%A3%85&limit=1000")
assert server["total"] == cli["total"] <= 1000 and "partial" not in server, server.get("total")
assert sorted(h["id"] for h in server["hits"]) == sorted(h["id"] for h in cli["hits"])
single_docs = json.loads(subprocess.run([hanindex, "stats", "--index", single, "--json"],
                                        check=True, capture_output=True, text=True).stdout)["documents"]
assert get("/stats")["documents"] == single_docs, (get("/stats"), single_docs)
# A write lands in the shard that FNV-1a 64 of the id picks, and a delete finds it there.
def fnv1a64(text):
    h = 0xcbf29ce484222325
    for b in text.encode(): h = ((h ^ b) * 0x100000001b3) % 2**64
    return h
for doc_id in ("shards-test-a", "shards-test-b", "shards-test-c"):
    body = json.dumps({"id": doc_id, "title": "分片测试", "body": "鲸鲨分片写入测试" + doc_id}).encode()
    req = urllib.request.Request(url + "/documents", data=body, headers={"Content-Type": "application/json"})
    urllib.request.urlopen(req, timeout=30).read()
    home = [port1, port2][fnv1a64(doc_id) % 2]
    for p in (port1, port2):
        found = json.loads(subprocess.run([hanindex, "search", "--index", f"tcp://127.0.0.1:{p}", "--json", "--", doc_id],
                                          check=True, capture_output=True, text=True).stdout)["total"]
        assert found == (1 if p == home else 0), f"{doc_id} found {found} times in shard {p} (home {home})"
assert get("/search?q=%E9%B2%B8%E9%B2%A8")["total"] == 3
req = urllib.request.Request(url + "/documents/shards-test-a", method="DELETE")
urllib.request.urlopen(req, timeout=30).read()
assert get("/search?q=%E9%B2%B8%E9%B2%A8")["total"] == 2
print("shards-test: hanserve answers like the CLI; writes and deletes go to the shard FNV-1a picks")
PY

# 4. A shard that does not answer: first hung (SIGSTOP), then stopped (SIGTERM), then restarted.
shard1_total="$("$bin/hanindex" search --index "tcp://127.0.0.1:$port1" --json -- 安装 | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')"
all_total="$("$bin/hanindex" search --index "$work/single" --json -- 安装 | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')"
check_down() {  # $1: what happened to shard 2
    local started elapsed status
    started=$(date +%s%N)
    status=0
    "$bin/hanindex" search --index "$shards" --shard-timeout "$timeout_ms" -- 安装 >/dev/null 2>"$work/cli.err" || status=$?
    elapsed=$(( ($(date +%s%N) - started) / 1000000 ))
    [ "$status" -ne 0 ] || fail "hanindex search succeeded with shard 2 $1"
    grep -q "tcp://127.0.0.1:$port2 unavailable" "$work/cli.err" || fail "hanindex did not name shard 2: $(cat "$work/cli.err")"
    [ "$elapsed" -lt $((4 * timeout_ms)) ] || fail "hanindex took ${elapsed} ms with shard 2 $1 (timeout ${timeout_ms} ms)"
    echo "shards-test: shard 2 $1: hanindex failed in ${elapsed} ms: $(cat "$work/cli.err")"
    python3 - "$url" "$port2" "$shard1_total" "$1" "$timeout_ms" <<'PY'
import json, sys, time, urllib.error, urllib.request
url, port2, shard1_total, what, timeout_ms = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
started = time.monotonic()
try:
    urllib.request.urlopen(url + "/search?q=%E5%AE%89%E8%A3%85", timeout=30)
    raise SystemExit(f"search succeeded with shard 2 {what}")
except urllib.error.HTTPError as e:
    body = json.load(e)
    elapsed = (time.monotonic() - started) * 1000
    assert e.code == 503, e.code
    assert body["error"]["code"] == "shard_unavailable", body
    assert f"tcp://127.0.0.1:{port2}" in body["error"]["message"], body
    assert elapsed < 4 * timeout_ms, f"503 took {elapsed:.0f} ms"
    print(f"shards-test: shard 2 {what}: 503 in {elapsed:.0f} ms: {body['error']['message']}")
started = time.monotonic()
with urllib.request.urlopen(url + "/search?q=%E5%AE%89%E8%A3%85&partial=true&limit=1000", timeout=30) as r:
    body = json.load(r)
elapsed = (time.monotonic() - started) * 1000
assert body.get("partial") is True and body["missing_shards"] == [f"tcp://127.0.0.1:{port2}"], body
assert body["total"] == shard1_total, (body["total"], shard1_total)
assert elapsed < 6 * timeout_ms, f"partial answer took {elapsed:.0f} ms"
print(f"shards-test: shard 2 {what}: partial=true gave {body['total']} hits from shard 1 in {elapsed:.0f} ms")
PY
}
kill -STOP -- "-${shard_pid[2]}"
check_down "hung (SIGSTOP)"
kill -CONT -- "-${shard_pid[2]}"
kill -TERM -- "-${shard_pid[2]}"
wait "${shard_pid[2]}" 2>/dev/null || true
unset 'shard_pid[2]'
check_down "stopped (SIGTERM)"
start_shard 2
total="$(http_get "$url/search?q=%E5%AE%89%E8%A3%85" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')"
[ "$total" -eq "$all_total" ] || fail "after restarting shard 2 the server found $total, not $all_total"
echo "shards-test: shard 2 restarted: the server searches both shards again ($total hits)"
# A write to the restarted shard: the server's writer reconnects to it.
python3 - "$url" "$bin/hanindex" "$port2" <<'PY'
import json, subprocess, sys, urllib.request
url, hanindex, port2 = sys.argv[1:4]
doc_id = "shards-test-1"  # FNV-1a 64 of this id is odd: shard 2
body = json.dumps({"id": doc_id, "title": "分片测试", "body": "重启之后写入" + doc_id}).encode()
req = urllib.request.Request(url + "/documents", data=body, headers={"Content-Type": "application/json"})
urllib.request.urlopen(req, timeout=30).read()
found = json.loads(subprocess.run([hanindex, "search", "--index", f"tcp://127.0.0.1:{port2}", "--json", "--", doc_id],
                                  check=True, capture_output=True, text=True).stdout)["total"]
assert found == 1, f"{doc_id} found {found} times in the restarted shard"
print("shards-test: a write after the restart reached shard 2")
PY
echo "shards-test: OK"
