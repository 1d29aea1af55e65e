#!/usr/bin/env python3
"""Samples a query file from a JSON Lines corpus, for corpora that come without one (dev.jsonl).

Usage: sample_queries.py CORPUS.jsonl OUT.txt [--queries 200] [--seed 42]

Like bench/gen_corpus.py: substrings of CJK runs of the documents' bodies with the same
length mix (1–10 characters), plus a few strings of random characters expected to match nothing.
Reproducible from the seed.
"""
import argparse
import json
import random
import re

CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
LENGTHS = {1: 0.08, 2: 0.20, 3: 0.20, 4: 0.25, 5: 0.1, 6: 0.08, 8: 0.07, 10: 0.02}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("out")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    runs = []
    with open(a.corpus, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                runs.extend(CJK_RUN.findall(json.loads(line).get("body") or ""))
    if not runs:
        raise SystemExit(f"{a.corpus}: no CJK text")
    chars = [c for r in runs for c in r]
    nmiss = max(1, a.queries // 20)
    queries = []
    for length, fraction in LENGTHS.items():
        fitting = [r for r in runs if len(r) >= length]
        for _ in range(int(round(fraction * (a.queries - nmiss)))):
            run = rng.choice(fitting)
            start = rng.randrange(0, len(run) - length + 1)
            queries.append(run[start:start + length])
    for _ in range(nmiss):
        queries.append("".join(rng.choice(chars) for _ in range(rng.choice([4, 5, 6]))))
    rng.shuffle(queries)
    with open(a.out, "w", encoding="utf-8") as f:
        f.write("\n".join(queries) + "\n")


if __name__ == "__main__":
    main()
