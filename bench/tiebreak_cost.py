#!/usr/bin/python3
"""What ordering equal scores by segment id costs a top-10 search, measured inside Xapian alone.

Usage: /usr/bin/python3 bench/tiebreak_cost.py INDEX QUERIES.txt [--rounds 5]

For each CJK query of the file (as bench/sample_queries.py or gen_corpus.py write them), builds the query
HanSearch builds for it (a unigram, a bigram, or a phrase of bigrams) and times the first ten matches
sorted by relevance alone (ties by docid, the order before layout-4) and by relevance then the segment
id in value slot 3 (layout-4), alternating the two in each round so that the machine's load hits both
alike. Each query's time is its fastest of the rounds (a shared machine's spikes are not the query's
cost). Prints p50 and p99 over the queries of each and their ratio.
"""
import argparse
import time
import unicodedata

import xapian

SEGMENT_SLOT = 3


def query_for(text):
    text = unicodedata.normalize("NFKC", text).lower()
    if len(text) == 1:
        return xapian.Query(text)
    bigrams = [text[i:i + 2] for i in range(len(text) - 1)]
    if len(bigrams) == 1:
        return xapian.Query(bigrams[0])
    return xapian.Query(xapian.Query.OP_PHRASE, bigrams, len(bigrams))


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("index")
    parser.add_argument("queries")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    database = xapian.Database(args.index)
    queries = [line.strip() for line in open(args.queries, encoding="utf-8") if line.strip()]
    queries = [query_for(q) for q in queries if all("\u3400" <= c <= "\u9fff" for c in q)]
    timings = {"docid": [[] for _ in queries], "segment id": [[] for _ in queries]}
    for _ in range(args.rounds):
        for number, query in enumerate(queries):
            for name in timings:
                enquire = xapian.Enquire(database)
                enquire.set_query(query)
                if name == "segment id":
                    enquire.set_sort_by_relevance_then_value(SEGMENT_SLOT, False)
                start = time.perf_counter()
                enquire.get_mset(0, 10)
                timings[name][number].append((time.perf_counter() - start) * 1000)
    timings = {name: [min(rounds) for rounds in values] for name, values in timings.items()}
    for name, values in timings.items():
        print(f"ties by {name:10}: top-10 p50 {percentile(values, 0.5):.3f} ms, p99 {percentile(values, 0.99):.3f} ms"
              f" ({len(values)} queries, {args.rounds} rounds)")
    for label, fraction in (("p50", 0.5), ("p99", 0.99)):
        ratio = percentile(timings["segment id"], fraction) / percentile(timings["docid"], fraction)
        print(f"segment id ÷ docid, {label}: {ratio:.2f}")


if __name__ == "__main__":
    main()
