#!/usr/bin/python3
"""Sizes the "exactness by verification" lever of a positionless layout: what a query of three or more
characters would cost if its bigrams were ANDed without positions and every candidate were checked
against its stored text, against today's phrase query over positions.

Usage: /usr/bin/python3 bench/verify_cost.py INDEX QUERIES.txt [--rounds 3]

For each CJK query of three or more characters: all matches of the phrase of bigrams (what HanSearch
runs), and all candidates of the AND of the same bigrams, each candidate's document data read, its
text normalized (NFKC + lowercase) and searched for the query. Prints candidates per true match and
p50/p99 of both ways (each query's fastest round). Python decodes the data, so the verified way is an
upper bound of what Swift would pay; the index keeps its positions, so the AND pays nothing for them
here but would read a smaller index in the real layout.
"""
import argparse
import json
import os
import sys
import time
import unicodedata

import xapian

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
from segment_data import SegmentData  # noqa: E402


def bigrams(text):
    return [text[i:i + 2] for i in range(len(text) - 1)]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def all_matches(database, query):
    enquire = xapian.Enquire(database)
    enquire.set_query(query)
    enquire.set_weighting_scheme(xapian.BoolWeight())
    count = database.get_doccount()
    return enquire.get_mset(0, count, count)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("index")
    parser.add_argument("queries")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    database = xapian.Database(args.index)
    stored = SegmentData(database)
    queries = []
    for line in open(args.queries, encoding="utf-8"):
        text = unicodedata.normalize("NFKC", line.strip()).lower()
        if len(text) >= 3 and all("\u3400" <= c <= "\u9fff" for c in text):
            queries.append(text)
    phrase_ms, verify_ms = [], []
    matches = candidates = 0
    for text in queries:
        terms = bigrams(text)
        phrase = xapian.Query(xapian.Query.OP_PHRASE, terms, len(terms))
        conjunction = xapian.Query(xapian.Query.OP_AND, terms)
        best_phrase = best_verify = float("inf")
        for _ in range(args.rounds):
            start = time.perf_counter()
            found = all_matches(database, phrase).size()
            best_phrase = min(best_phrase, time.perf_counter() - start)
            start = time.perf_counter()
            mset = all_matches(database, conjunction)
            verified = sum(
                text in unicodedata.normalize("NFKC", json.loads(stored.of(item.document))["x"]).lower()
                for item in mset)
            best_verify = min(best_verify, time.perf_counter() - start)
        matches += found
        candidates += mset.size()
        phrase_ms.append(best_phrase * 1000)
        verify_ms.append(best_verify * 1000)
        # Title terms also make phrase matches; a segment matched by its title alone is not verified here.
        if verified > found:
            print(f"  {text}: {verified} verified > {found} phrase matches")
    print(f"{len(queries)} queries of 3+ characters: {matches} matches, {candidates} AND candidates "
          f"({candidates / max(1, matches):.2f} per match)")
    for name, values in (("phrase over positions", phrase_ms), ("AND + verify text", verify_ms)):
        print(f"{name:22}: all-matches p50 {percentile(values, 0.5):.3f} ms, p99 {percentile(values, 0.99):.3f} ms")
    for label, fraction in (("p50", 0.5), ("p99", 0.99)):
        print(f"verify ÷ phrase, {label}: {percentile(verify_ms, fraction) / percentile(phrase_ms, fraction):.2f}")


if __name__ == "__main__":
    main()
