#!/usr/bin/env python3
"""Builds bench/run's report from the measurements one run left in its work folders.

Usage: report.py OUT.md [--budget-mb N] LABEL=DIR [LABEL=DIR ...]

Each DIR holds, for one corpus: corpus.txt and queries.txt (paths), index.json (our `hanindex index`
run: elapsed_s, cpu_s, maxrss_kb, index_bytes), hanbench.json, peers.json and peers-work/scan.result.json
(bench/peers.py), optionally wrk-<connections>.txt or wrk-skipped.txt; the folder above the
DIRs holds machine.txt. Prints the markdown report and writes it to OUT.md.
"""
import argparse
import json
import os
import re
import sys
import unicodedata

BUCKETS = [("1 char", 1, 1), ("2 chars", 2, 2), ("3–4 chars", 3, 4), ("5–10 chars", 5, 10 ** 6)]
NAMES = {
    "hansearch": "**HanSearch** (`hanindex`)",
    "scan": "scan (Python, ground truth)",
    "grep": "grep -F -c",
    "xapian_tg": "Xapian TermGenerator CJK_NGRAM, quoted",
    "xapian_tg_and": "Xapian TermGenerator CJK_NGRAM, AND",
    "xapian_bigram": "Xapian positional bigrams (Python)",
    "fts5": "SQLite FTS5 trigram",
    "tantivy_ngram": "tantivy ngram(1,2), AND",
    "tantivy_char": "tantivy one token per char + phrase",
    "lucene_cjk": "Lucene CJKAnalyzer (Elasticsearch cjk) + match_phrase",
    "lucene_char": "Lucene one token per char + match_phrase",
    "lucene_cjk_stored": "Lucene CJKAnalyzer + match_phrase, text stored",
    "lucene_char_stored": "Lucene one token per char + match_phrase, text stored",
}
LUCENE = ("lucene_cjk", "lucene_char", "lucene_cjk_stored", "lucene_char_stored")


def norm(s):
    return unicodedata.normalize("NFKC", s).lower()


def pct(xs, p):
    if not xs:
        return float("nan")
    xs = sorted(xs)
    k = (len(xs) - 1) * p / 100.0
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def bucket(q):
    n = len(q)
    for name, lo, hi in BUCKETS:
        if lo <= n <= hi:
            return name
    return None


def load(path, default=None):
    if not os.path.exists(path):
        return default
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def fmt(x, digits=2):
    if x is None or x != x:
        return "-"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.{digits}f}"


def ratio(a, b):
    if a is None or b is None or a != a or b != b or b == 0:
        return None
    return a / b


CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f\u3040-\u30ff\uac00-\ud7af"
CJK_SPACE = re.compile(f"(?<=[{CJK}])\\s+(?=[{CJK}])")


def read_corpus(corpus):
    """Document count, UTF-8 bytes of normalized title + body (as peers.py counts them), and each
    document's normalized title and body with whitespace between two CJK characters removed (as
    HanSearch indexes them, see the README's rules)."""
    total = docs = 0
    joined = {}
    with open(corpus, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                o = json.loads(line)
                title, body = norm(o.get("title") or ""), norm(o.get("body") or "")
                total += len(title.encode()) + len(body.encode())
                docs += 1
                joined[str(o["id"])] = (CJK_SPACE.sub("", title), CJK_SPACE.sub("", body))
    return docs, total, joined


class Engine:
    """One row: index figures and per-query latencies (ms), keyed by normalized query."""

    def __init__(self, key):
        self.key = key
        self.index_s = self.index_mb = self.rss_mb = None
        self.all_ms, self.top_ms = {}, {}
        self.fp = self.fn = None
        self.fp_by_rule = 0
        self.note = ""

    def mbps(self, mb_in):
        return mb_in / self.index_s if self.index_s else None

    def lat(self, which, p, qs=None):
        d = self.all_ms if which == "all" else self.top_ms
        xs = [v for q, v in d.items() if qs is None or q in qs]
        return pct(xs, p) if xs else None


def collect(label, d, lines):
    corpus = open(os.path.join(d, "corpus.txt")).read().strip()
    docs, nbytes, joined = read_corpus(corpus)
    mb_in = nbytes / 1e6
    engines = []

    ours = Engine("hansearch")
    ix = load(os.path.join(d, "index.json"), {})
    ours.index_s, ours.index_mb = ix.get("elapsed_s"), ix.get("index_bytes", 0) / 1e6
    ours.rss_mb = ix.get("maxrss_kb", 0) / 1024
    ours.note = ix.get("note", "")
    hb = load(os.path.join(d, "hanbench.json"), {"queries": []})
    truth = {x["q"]: set(x["ids"]) for x in load(os.path.join(d, "peers-work", "scan.result.json"), {}).get("results", [])}
    fp = fn = by_rule = 0
    for x in hb["queries"]:
        q = norm(x["q"])
        ours.all_ms[q], ours.top_ms[q] = x["all_ms"], x["top_ms"]
        if q in truth:
            got = set(x["docs"])
            extra = got - truth[q]
            fp += len(extra)
            fn += len(truth[q] - got)
            # documents that contain q once whitespace between CJK characters is removed
            by_rule += sum(1 for d in extra if d in joined and any(q in t for t in joined[d]))
    if truth:
        ours.fp, ours.fn = fp, fn
        ours.fp_by_rule = by_rule
    engines.append(ours)

    peers = load(os.path.join(d, "peers.json"), {"peers": []})
    for r in peers["peers"]:
        e = Engine(r["peer"])
        if "skipped" in r or "failed" in r:
            e.note = r.get("skipped") or r.get("failed")
            engines.append(e)
            continue
        reused = "reused" in (r["info"].get("note") or "")
        if r["peer"] != "scan" and not reused:
            e.index_s, e.index_mb = r["index_s"], r["index_bytes"] / 1e6
        e.rss_mb = r["maxrss_kb"] / 1024
        for i, pq in enumerate(r.get("per_query", [])):
            e.all_ms[pq["q"]] = pq["latency_ms"]
            if i < len(r.get("latency_topk_s", [])):
                e.top_ms[pq["q"]] = r["latency_topk_s"][i] * 1000
        v = r.get("vs_scan", {})
        e.fp, e.fn = v.get("false_pos"), v.get("false_neg")
        mine = load(os.path.join(d, "peers-work", r["peer"] + ".result.json"), {}).get("results", [])
        e.fp_by_rule = sum(1 for x in mine if "ids" in x and x["q"] in truth
                           for i in set(x["ids"]) - truth[x["q"]] if i in joined and any(x["q"] in t for t in joined[i]))
        if r["peer"] == "grep":
            e.note = "counts only; latency includes fork/exec"
        engines.append(e)

    nq = len(hb["queries"])
    lines.append(f"### {label}: {os.path.basename(corpus)} — {docs:,} documents, {mb_in:.1f} MB "
                 f"(normalized UTF-8 title+body), {nq} queries\n")
    lines.append("| engine | index s | MB/s | index MB | peak RSS MB | all p50 ms | all p99 ms | top-10 p50 ms | "
                 "top-10 p99 ms | false pos | false neg |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for e in engines:
        if e.note and not e.all_ms:
            lines.append(f"| {NAMES.get(e.key, e.key)} | {e.note} |" + " |" * 9)
            continue
        lines.append("| " + " | ".join([
            NAMES.get(e.key, e.key), fmt(e.index_s, 1), fmt(e.mbps(mb_in)), fmt(e.index_mb, 1), fmt(e.rss_mb, 0),
            fmt(e.lat("all", 50)), fmt(e.lat("all", 99)), fmt(e.lat("top", 50)), fmt(e.lat("top", 99)),
            "-" if e.fp is None else f"{e.fp:,}" + (f" ({e.fp_by_rule:,} ✝)" if e.fp_by_rule else ""),
            "-" if e.fn is None else f"{e.fn:,}"]) + " |")
    if any(e.fp_by_rule for e in engines):
        lines.append("\n✝ extra documents that contain the query once whitespace between two CJK characters is "
                     "removed, which HanSearch (and the Lucene one-token-per-character analyzer, which follows its "
                     "rules) does by design (text extracted from PDF reads 科技服 务业) and the scan peer does not.")

    lines.append("\nHanSearch ÷ peer (throughput: above 1 = HanSearch indexes faster; size and latency: "
                 "below 1 = HanSearch is smaller / answers faster):\n")
    lines.append("| peer | throughput × | index size × | all-matches p99 × | top-10 p99 × |")
    lines.append("|---|---:|---:|---:|---:|")
    for e in engines[1:]:
        if not e.all_ms or e.key == "scan":
            continue
        lines.append("| " + " | ".join([
            NAMES.get(e.key, e.key),
            fmt(ratio(ours.mbps(mb_in), e.mbps(mb_in))), fmt(ratio(ours.index_mb, e.index_mb)),
            fmt(ratio(ours.lat("all", 99), e.lat("all", 99))), fmt(ratio(ours.lat("top", 99), e.lat("top", 99)))]) + " |")

    for which, title in (("all", "all matches"), ("top", "top-10 ranked")):
        lines.append(f"\nLatency by query length, {title} (p50 / p99 ms):\n")
        groups = {name: {q for q in ours.all_ms if bucket(q) == name} for name, _, _ in BUCKETS}
        lines.append("| engine | " + " | ".join(f"{n} ({len(groups[n])})" for n, _, _ in BUCKETS) + " |")
        lines.append("|---|" + "---:|" * len(BUCKETS))
        for e in engines:
            d_ = e.all_ms if which == "all" else e.top_ms
            if not d_ or e.key == "grep":
                continue
            lines.append(f"| {NAMES.get(e.key, e.key)} | " + " | ".join(
                f"{fmt(e.lat(which, 50, groups[n]))} / {fmt(e.lat(which, 99, groups[n]))}" for n, _, _ in BUCKETS) + " |")

    wrk = []
    for c in (16, 64):
        p = os.path.join(d, f"wrk-{c}.txt")
        if os.path.exists(p):
            for line in open(p, encoding="utf-8"):
                if line.startswith("WRK-JSON "):
                    w = json.loads(line[len("WRK-JSON "):])
                    w["connections"] = c
                    wrk.append(w)
    skipped = os.path.join(d, "wrk-skipped.txt")
    if wrk:
        lines.append("\n`hanserve` under wrk (2 threads, top-10 searches cycling through the queries):\n")
        lines.append("| connections | requests/s | p50 ms | p90 ms | p99 ms | errors (socket / non-2xx) |")
        lines.append("|---:|---:|---:|---:|---:|---:|")
        for w in wrk:
            errs = w["connect_errors"] + w["read_errors"] + w["write_errors"] + w["timeouts"]
            lines.append(f"| {w['connections']} | {w['requests'] / (w['duration_us'] / 1e6):,.0f} | "
                         f"{w['p50_us'] / 1000:.2f} | {w['p90_us'] / 1000:.2f} | {w['p99_us'] / 1000:.2f} | "
                         f"{errs} / {w['non_2xx']} |")
    elif os.path.exists(skipped):
        lines.append("\n`hanserve` under wrk: " + open(skipped).read().strip())
    lines.append("")
    return {"ours": ours, "engines": {e.key: e for e in engines}, "mb_in": mb_in, "wrk": wrk, "docs": docs}


def against_lucene(results, lines):
    """Size ÷ text and MB/s of HanSearch and both Lucene analyzers, and HanSearch's ratios, per corpus."""
    rows = []
    for label, res in results:
        ours, eng, mb_in = res["ours"], res["engines"], res["mb_in"]
        peers = [eng[k] for k in LUCENE if k in eng]
        if not peers:
            continue
        for e in [ours] + peers:
            if not e.index_s:
                rows.append(f"| {label} | {NAMES.get(e.key, e.key)} | {e.note or 'not measured'} |" + " |" * 7)
                continue
            cells = [label, NAMES.get(e.key, e.key), f"{mb_in:.1f}", fmt(e.index_mb, 1),
                     fmt(ratio(e.index_mb, mb_in)), fmt(e.mbps(mb_in))]
            if e is ours:
                cells += ["", ""]
            else:
                cells += [fmt(ratio(ours.index_mb, e.index_mb)), fmt(ratio(ours.mbps(mb_in), e.mbps(mb_in)))]
            cells += ["-" if e.fp is None else f"{e.fp:,}" + (f" ({e.fp_by_rule:,} ✝)" if e.fp_by_rule else ""),
                      "-" if e.fn is None else f"{e.fn:,}"]
            rows.append("| " + " | ".join(cells) + " |")
    if not rows:
        return
    lines.append("Against Lucene 8 (the engine under Elasticsearch), measured in this run on the same files "
                 "(*size ÷ text*: index MB over the normalized UTF-8 title+body MB; *HanSearch ÷*: below 1 = "
                 "HanSearch's index is smaller, above 1 = HanSearch indexes faster):\n")
    lines.append("| corpus | engine | text MB | index MB | size ÷ text | MB/s | HanSearch size ÷ | "
                 "HanSearch MB/s ÷ | false pos | false neg |")
    lines.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    lines += rows
    lines.append("")


def targets(res, budget_mb, lines):
    ours, eng, mb_in = res["ours"], res["engines"], res["mb_in"]
    tc, tg = eng.get("tantivy_char"), eng.get("xapian_tg")

    def row(name, measured, ok):
        lines.append(f"| {name} | {measured} | {'met' if ok else 'NOT met'} |")

    lines.append("| target (issue 5) | measured | |")
    lines.append("|---|---|---|")
    if tc and tc.index_s:
        r = ratio(ours.mbps(mb_in), tc.mbps(mb_in))
        row("indexing throughput ≥ 1.0× tantivy one-token-per-char", f"{fmt(r)}×", r is not None and r >= 1.0)
    if tg and tg.index_s:
        r = ratio(ours.mbps(mb_in), tg.mbps(mb_in))
        row("indexing throughput ≥ 5× Xapian TermGenerator CJK_NGRAM", f"{fmt(r)}×", r is not None and r >= 5.0)
    if tc and tc.index_mb:
        r = ratio(ours.index_mb, tc.index_mb)
        row("index size ≤ 2× tantivy one-token-per-char", f"{fmt(r)}×", r is not None and r <= 2.0)
    row(f"peak RSS while indexing within the memory budget ({budget_mb:,} MB)", f"{fmt(ours.rss_mb, 0)} MB",
        ours.rss_mb is not None and ours.rss_mb <= budget_mb)
    if tc and tc.all_ms:
        r = ratio(ours.lat("all", 99), tc.lat("all", 99))
        row("all-matches p99 ≤ 0.5× tantivy one-token-per-char", f"{fmt(r)}×", r is not None and r <= 0.5)
    t99 = ours.lat("top", 99)
    row("top-10 p99 < 2 ms", f"{fmt(t99)} ms", t99 is not None and t99 < 2.0)
    for w in res["wrk"]:
        rps = w["requests"] / (w["duration_us"] / 1e6)
        errs = w["connect_errors"] + w["read_errors"] + w["write_errors"] + w["timeouts"] + w["non_2xx"]
        row(f"hanserve, {w['connections']} connections: ≥ 5,000 req/s, p99 < 10 ms, no errors",
            f"{rps:,.0f} req/s, p99 {w['p99_us'] / 1000:.2f} ms, {errs} errors",
            rps >= 5000 and w["p99_us"] < 10000 and errs == 0)
    if ours.fp is not None:
        real = ours.fp - ours.fp_by_rule
        row("zero false positives / negatives (documents, vs scan, beyond the whitespace rule ✝)",
            f"{real} / {ours.fn}", real == 0 and ours.fn == 0)
    lines.append("")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("runs", nargs="+", help="LABEL=DIR")
    ap.add_argument("--budget-mb", type=int, default=1024)
    a = ap.parse_args()
    runs = [r.split("=", 1) for r in a.runs]
    lines = []
    results = [(label, collect(label, d, lines)) for label, d in runs]
    body = lines
    lines = []
    label, first = results[0]
    lines.append(f"Targets, on the {label} corpus:\n")
    targets(first, a.budget_mb, lines)
    against_lucene(results, lines)
    head = lines
    machine = os.path.join(os.path.dirname(os.path.abspath(runs[0][1])), "machine.txt")
    text = ["## Benchmark results", ""]
    if os.path.exists(machine):
        text += ["```", open(machine, encoding="utf-8").read().strip(), "```", ""]
    text += head + body
    text += ["How to read this: *index s* is the whole `hanindex index` run for HanSearch (reading and parsing the",
             "JSON Lines file, segmenting, tokenizing, writing, the final commit and any compaction); for the peers it",
             "is peers.py's build time from documents already in memory. *MB/s* divides the same input size (normalized",
             "UTF-8 title+body) by that time. *index MB* is the index folder on disk after the build. *peak RSS* is the",
             "indexing process's maximum resident set (HanSearch: /usr/bin/time; peers: the whole peer process, which",
             "also holds the corpus). *all* is the time to list every matching document (HanSearch: `\"q\" OR title:\"q\"`",
             "collapsed to document ids, in-process via `hanbench`); *top-10* is a ranked search for the ten best",
             "(HanSearch: the user's query with snippets and the exact total, as `hanindex search` and `hanserve` answer",
             "it). Latencies are the median of 3 runs per query, then p50/p99 over the queries. *false pos/neg* count",
             "documents that differ from the scan peer's ground truth, summed over all queries. The Lucene peers",
             "(bench/lucene/LucenePeer.java) time the same span inside the JVM: from the first addDocument to the",
             "commit and the closed writer, JVM start-up excluded, after an untimed warm-up build when the note",
             "says so (bench/run asks for it); their index holds no stored fields unless marked \"text stored\".", ""]
    out = "\n".join(text)
    print(out)
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(out + "\n")
    print(f"report: {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
