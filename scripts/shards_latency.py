#!/usr/bin/env python3
"""Measures search latency of a running hanserve: p50/p99 over rounds of the queries of shards_compare.py.

Usage: shards_latency.py URL [ROUNDS]     e.g. shards_latency.py http://127.0.0.1:8080 20

Client-side wall time per request on one connection at a time (limit=10, the default page), and the
server's own took_ms. Run it once against hanserve on a single index and once on the shards.
"""
import json
import sys
import time
import urllib.parse
import urllib.request

from shards_compare import QUERIES


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    url, rounds = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 20
    for query in QUERIES:  # warm up caches and connections
        urllib.request.urlopen(f"{url}/search?q={urllib.parse.quote(query)}", timeout=30).read()
    wall, took = [], []
    for _ in range(rounds):
        for query in QUERIES:
            started = time.perf_counter()
            with urllib.request.urlopen(f"{url}/search?q={urllib.parse.quote(query)}", timeout=30) as response:
                body = json.load(response)
            wall.append((time.perf_counter() - started) * 1000)
            took.append(body["took_ms"])
    print(f"{len(wall)} searches: client p50 {percentile(wall, 50):.2f} ms, p99 {percentile(wall, 99):.2f} ms; "
          f"server took_ms p50 {percentile(took, 50):.2f} ms, p99 {percentile(took, 99):.2f} ms")


if __name__ == "__main__":
    main()
