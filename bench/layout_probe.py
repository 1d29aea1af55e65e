#!/usr/bin/python3
"""Measures a term layout that HanSearch does not use (yet), to decide issue 5's open question with numbers.

Today HanSearch indexes one Xapian document per segment (paragraph) with positional bigrams; the position
table is half the index and most of the indexing time. The alternative probed here gives up positions:

    one Xapian document per report; its characters and bigrams as terms WITHOUT positions; the normalized
    text as document data. A query is the AND of its bigrams (or its character); every candidate is then
    verified against the stored text, so the answer stays exact.

Prints, for the same corpus and queries, next to tantivy's one-token-per-character index built in this run:
indexing time (time inside Xapian's add_document and commit only: tokenizing and building documents in
Python are excluded), index size with and
without a term list, the share of candidates the verification throws away, and all-matches latency
(Xapian candidates + verification in Python: an upper bound for the same in Swift).

Usage: /usr/bin/python3 bench/layout_probe.py CORPUS.jsonl QUERIES.txt [--work DIR] [--limit N]
"""
import argparse
import os
import json
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers  # noqa: E402  (bench/peers.py: corpus loading, normalization, percentiles)
import xapian  # noqa: E402


def cjk_terms(text):
    """The distinct characters and bigrams of `text`'s CJK runs and its lowercased ASCII words."""
    terms, run, word = set(), [], []

    def flush():
        terms.update(run)
        terms.update(a + b for a, b in zip(run, run[1:]))
        run.clear()
        if word:
            terms.add("".join(word))
            word.clear()

    for ch in text:
        if peers.is_cjk(ch):
            if word:
                terms.add("".join(word))
                word.clear()
            run.append(ch)
        elif ch.isalnum():
            if run:
                flush()
            word.append(ch)
        else:
            flush()
    flush()
    return terms


def query_terms(q):
    """The terms a candidate must hold: the query's bigrams, or its character or word."""
    terms = cjk_terms(q)
    narrower = {t for t in terms if len(t) == 2 and peers.is_cjk(t[0]) or not peers.is_cjk(t[0])}
    return narrower or terms


def build(path, docs, flags, store):
    """Builds the index; returns the seconds spent inside Xapian's add_document and commit (building
    the Document objects in Python is left out, so that the figure is the engine's own cost)."""
    db = xapian.WritableDatabase(path, xapian.DB_CREATE_OR_OVERWRITE | flags)
    seconds = 0.0
    for terms, text in docs:
        doc = xapian.Document()
        for term in terms:
            doc.add_term(term)
        if store:
            doc.set_data(text)
        started = time.perf_counter()
        db.add_document(doc)
        seconds += time.perf_counter() - started
    started = time.perf_counter()
    db.commit()
    db.close()
    return seconds + time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus")
    parser.add_argument("queries")
    parser.add_argument("--work", default=".build-bench/layout-probe")
    parser.add_argument("--limit", type=int)
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)

    ids, titles, bodies = peers.load_corpus(args.corpus, args.limit)
    texts = [t + "\n" + b for t, b in zip(titles, bodies)]
    megabytes = sum(len(t.encode()) for t in texts) / 1e6
    started = time.perf_counter()
    docs = [(cjk_terms(t), t) for t in texts]
    tokenize_seconds = time.perf_counter() - started
    queries = peers.load_queries(args.queries)

    rows = []
    layouts = (("positionless, term list, text stored", 0, True),
               ("positionless, no term list, text stored", xapian.DB_NO_TERMLIST, True),
               ("positionless, no term list, no text (no verification possible)", xapian.DB_NO_TERMLIST, False))
    for name, flags, store in layouts:
        path = os.path.join(args.work, "xapian")
        shutil.rmtree(path, ignore_errors=True)
        seconds = build(path, docs, flags, store)
        size = peers.dir_size(path) / 1e6
        db = xapian.Database(path)
        count = db.get_doccount()
        latencies, candidates_total, matches_total = [], 0, 0
        for q in queries:
            started = time.perf_counter()
            terms = [xapian.Query(t) for t in query_terms(q)]
            enquire = xapian.Enquire(db)
            enquire.set_query(xapian.Query(xapian.Query.OP_AND, terms))
            enquire.set_weighting_scheme(xapian.BoolWeight())
            enquire.set_docid_order(xapian.Enquire.ASCENDING)
            mset = enquire.get_mset(0, count)
            found = [m.docid for m in mset if not store or q in m.document.get_data().decode()]
            latencies.append((time.perf_counter() - started) * 1e3)
            candidates_total += mset.size()
            matches_total += len(found)
        rows.append((name, seconds, size, candidates_total, matches_total, latencies))

    tantivy = run_tantivy(args)
    print(f"corpus: {len(texts)} documents, {megabytes:.1f} MB; {len(queries)} queries; "
          f"tokenizing in Python {tokenize_seconds:.1f} s (excluded below)")
    print("| layout | index s | MB/s | index MB | candidates | matches | all p50 ms | all p99 ms |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, seconds, size, candidates, matches, latencies in rows:
        print(f"| Xapian, {name} | {seconds:.1f} | {megabytes / seconds:.2f} | {size:.0f} | {candidates} | "
              f"{matches} | {peers.pct(latencies, 50):.2f} | {peers.pct(latencies, 99):.2f} |")
    if tantivy:
        seconds, size, latencies = tantivy["index_s"], tantivy["index_bytes"] / 1e6, tantivy["latency_s"]
        matches = sum(r["count"] for r in tantivy["per_query"])
        print(f"| tantivy one token per char (peers.py, this run) | {seconds:.1f} | {megabytes / seconds:.2f} | "
              f"{size:.0f} | - | {matches} | {peers.pct(latencies, 50) * 1e3:.2f} | "
              f"{peers.pct(latencies, 99) * 1e3:.2f} |")


def run_tantivy(args):
    """tantivy's one-token-per-character peer on the same files, through peers.py (its own interpreter)."""
    out = os.path.join(args.work, "peers.json")
    shutil.rmtree(os.path.join(args.work, "peers"), ignore_errors=True)
    command = [sys.executable, peers.__file__, args.corpus, args.queries, "--peers", "tantivy_char",
               "--json", out, "--workdir", os.path.join(args.work, "peers")]
    if args.limit:
        command += ["--limit-docs", str(args.limit)]
    if subprocess.run(command, stdout=subprocess.DEVNULL).returncode != 0:
        print("tantivy: peers.py failed; no ratio", file=sys.stderr)
        return None
    with open(out, encoding="utf-8") as f:
        results = json.load(f)
    return next((r for r in results.get("peers", results) if isinstance(r, dict) and r.get("peer") == "tantivy_char"),
                None)


if __name__ == "__main__":
    main()
