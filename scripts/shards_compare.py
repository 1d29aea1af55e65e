#!/usr/bin/env python3
"""Checks that a sharded index answers exactly like a single index holding the same documents.

Usage: shards_compare.py HANINDEX SINGLE_INDEX SHARD_LIST

For every query below, runs `hanindex search --json --limit 100000` on both and asserts the same total
and the same ids in the same order with the same scores. Ties: Xapian breaks equal scores by docid, and
docids differ between one index and a multi-database of shards (Xapian interleaves them), so within a
run of equal scores (relative difference < 1e-9) the ids are compared sorted by segment id; the order
of distinct scores must match exactly.
"""
import json
import subprocess
import sys

QUERIES = [
    "软件", "安装", "系统", "配置文件", "内核", "网络", "用户", "数据", "中文", "服务器", "源代码",
    "硬件", "驱动", "进程", "权限", "版本", "命令行", "翻译", "目录", "附录", "软件包", "的",
    "debian", "apt", "linux", "2021年", "安装 系统", "网络 OR 服务器", "安装 -系统", "title:附录",
    "\"Debian 软件\"", "文件系统", "不存在的词语组合甲乙丙",
]
TOLERANCE = 1e-9


def search(hanindex, index, query):
    out = subprocess.run([hanindex, "search", "--index", index, "--json", "--limit", "100000", "--", query],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def canonical(hits):
    """(id, score) pairs with each run of equal scores sorted by id."""
    runs, current = [], []
    for hit in hits:
        if current and abs(current[-1]["score"] - hit["score"]) > TOLERANCE * max(1.0, abs(hit["score"])):
            runs.append(current)
            current = []
        current.append(hit)
    if current:
        runs.append(current)
    return [(hit["id"], hit["score"]) for run in runs for hit in sorted(run, key=lambda h: h["id"])]


def main():
    hanindex, single, shards = sys.argv[1:4]
    failures, matched = [], 0
    for query in QUERIES:
        one, many = search(hanindex, single, query), search(hanindex, shards, query)
        if one["total"] != many["total"]:
            failures.append(f"{query}: total {one['total']} (single) != {many['total']} (shards)")
            continue
        if len(one["hits"]) != one["total"]:
            failures.append(f"{query}: {len(one['hits'])} hits returned of {one['total']}")
            continue
        a, b = canonical(one["hits"]), canonical(many["hits"])
        if [i for i, _ in a] != [i for i, _ in b]:
            first = next(n for n, (x, y) in enumerate(zip(a, b)) if x[0] != y[0])
            failures.append(f"{query}: order differs at rank {first + 1}: {a[first]} (single) vs {b[first]} (shards)")
            continue
        bad = [(x, y) for x, y in zip(a, b) if abs(x[1] - y[1]) > TOLERANCE * max(1.0, abs(x[1]))]
        if bad:
            failures.append(f"{query}: scores differ, e.g. {bad[0]}")
            continue
        matched += one["total"] > 0
        print(f"shards-compare: {query!r}: {one['total']} hits, same ids, order and scores")
    if matched < len(QUERIES) // 2:
        failures.append(f"only {matched} of {len(QUERIES)} queries found anything: the comparison proves little")
    if failures:
        print("shards-compare: FAILED\n  " + "\n  ".join(failures), file=sys.stderr)
        sys.exit(1)
    print(f"shards-compare: all {len(QUERIES)} queries equal ({matched} with hits)")


if __name__ == "__main__":
    main()
