#!/usr/bin/env python3
"""Searches while writes commit, on a large index: hanserve must never answer 5xx because a commit
discarded the revision a search was reading, and every acknowledged write must be searchable after.

Builds an index of at least 200,000 segments from bench/gen_corpus.py's synthetic corpus (given sources
and dates, so that facets count something), starts the real hanserve on loopback, and runs for a fixed
time: --searchers clients searching common words (every third with facets=source,year, every fifth for a
page of 1,000 hits) while --writers clients each POST 10 reports every 50 ms. Fails on any 5xx, any
broken connection, or any acknowledged report that a search does not find at the end.

    scripts/commit-race.py                 CI's short form: 20 s
    scripts/commit-race.py --duration 60   the probe's length
"""
import argparse
import asyncio
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

import serverharness as harness
from soak import Connection, percentile

WORDS = ["的", "文件", "系统", "设置", "使用", "数据", "服务", "时间", "用户", "网络", "显示", "选择"]
SOURCES = ["日报", "晚报", "手册", "周刊"]


def build_corpus(work, documents):
    """The synthetic corpus with a source and a date on every report; returns its path."""
    root = harness.repo_root()
    subprocess.run([sys.executable, os.path.join(root, "bench", "gen_corpus.py"), work, "--docs", str(documents),
                    "--queries", "1"], check=True, stdout=subprocess.DEVNULL)
    plain, dated = os.path.join(work, "corpus.jsonl"), os.path.join(work, "dated.jsonl")
    with open(plain, encoding="utf-8") as source, open(dated, "w", encoding="utf-8") as target:
        for number, line in enumerate(source):
            record = json.loads(line)
            record["source"] = SOURCES[number % len(SOURCES)]
            record["date"] = f"{2018 + number % 7}-{1 + number % 12:02d}-{1 + number % 28:02d}"
            target.write(json.dumps(record, ensure_ascii=False) + "\n")
    os.remove(plain)
    return dated


class Race:
    def __init__(self, port):
        self.port = port
        self.statuses = {}
        self.errors = []
        self.server_errors = []
        self.latencies = []
        self.acknowledged = []
        self.batches = 0

    def record(self, status, data):
        self.statuses[status] = self.statuses.get(status, 0) + 1
        if status >= 500:
            self.server_errors.append(data)

    async def searcher(self, number, deadline):
        connection = Connection(self.port)
        turn = 0
        while time.monotonic() < deadline:
            turn += 1
            parameters = {"limit": 1000 if turn % 5 == 0 else 10}
            if turn % 3 == number % 3:
                parameters["facets"] = "source,year"
            path = harness.search_path(random.choice(WORDS), **parameters)
            started = time.monotonic()
            try:
                status, data = await connection.request("GET", path)
            except (OSError, ConnectionError, asyncio.IncompleteReadError) as error:
                self.errors.append(f"search: {error!r}")
                connection.close()
                continue
            self.latencies.append(time.monotonic() - started)
            self.record(status, data)
        connection.close()

    async def writer(self, number, deadline):
        connection = Connection(self.port)
        batch = 0
        while time.monotonic() < deadline:
            batch += 1
            markers = [f"race{number}x{batch}x{n}" for n in range(10)]
            body = "\n".join(json.dumps(harness.report(f"race/{marker}", marker), ensure_ascii=False) for marker in markers)
            try:
                status, data = await connection.request("POST", "/documents", body.encode(), "application/x-ndjson")
            except (OSError, ConnectionError, asyncio.IncompleteReadError) as error:
                self.errors.append(f"write: {error!r}")
                connection.close()
                continue
            self.record(status, data)
            if status == 200:
                self.acknowledged += markers
                self.batches += 1
            await asyncio.sleep(0.05)
        connection.close()


async def run(port, args):
    race = Race(port)
    deadline = time.monotonic() + args.duration
    await asyncio.gather(*(race.searcher(n, deadline) for n in range(args.searchers)),
                         *(race.writer(n, deadline) for n in range(args.writers)))
    return race


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--documents", type=int, default=10_000, help="synthetic reports (about 22 segments each)")
    parser.add_argument("--searchers", type=int, default=24)
    parser.add_argument("--writers", type=int, default=2)
    parser.add_argument("--binary")
    args = parser.parse_args()
    binary = args.binary or harness.debug_binary("hanserve")
    hanindex = os.path.join(os.path.dirname(binary), "hanindex")
    work = tempfile.mkdtemp(prefix="hanserve-commit-race-")
    index, log = os.path.join(work, "index"), os.path.join(work, "hanserve.log")
    try:
        corpus = build_corpus(work, args.documents)
        started = time.monotonic()
        subprocess.run([hanindex, "index", corpus, "--index", index], check=True, stdout=subprocess.DEVNULL)
        server = harness.Server(binary, index, log)
        segments = harness.request(server.port, "GET", "/stats")[1]["segments"]
        print(f"commit race: index of {segments} segments built in {time.monotonic() - started:.0f} s; "
              f"{args.searchers} searchers, {args.writers} writers posting 10 reports every 50 ms, {args.duration:.0f} s")
        if segments < 200_000:
            harness.fail(f"the index has {segments} segments; the race needs at least 200,000")
        race = asyncio.run(run(server.port, args))
        missing = [marker for marker in race.acknowledged
                   if harness.request(server.port, "GET", harness.search_path(marker))[1].get("total") != 2]
        status = server.stop()
        searches = len(race.latencies)
        print(f"searches: {searches}, p50 {percentile(race.latencies, 0.5):.0f} ms, "
              f"p99 {percentile(race.latencies, 0.99):.0f} ms; write batches acknowledged: {race.batches}; "
              f"statuses {dict(sorted(race.statuses.items()))}")
        print(f"acknowledged reports: {len(race.acknowledged)}, searchable at the end: {len(race.acknowledged) - len(missing)}")
        problems = []
        if race.server_errors:
            problems.append(f"{len(race.server_errors)} answers were 5xx, e.g. {race.server_errors[:2]}")
        if race.errors:
            problems.append(f"{len(race.errors)} broken connections, e.g. {race.errors[:2]}")
        if missing:
            problems.append(f"{len(missing)} acknowledged reports are not searchable, e.g. {missing[:3]}")
        if not race.batches or not searches:
            problems.append("the race did not run: no acknowledged write or no search")
        if status != 0:
            problems.append(f"hanserve exited with {status} on SIGTERM")
        if problems:
            harness.fail("; ".join(problems) + f" (log: {log})")
        print("commit race: OK")
    finally:
        if not os.environ.get("RACE_KEEP"):
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
