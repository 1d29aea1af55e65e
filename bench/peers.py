#!/usr/bin/env python3
# Copied into the repository from the HanSearch team's shared benchmark tools (shared/bench/peers.py),
# written by the team for HanSearch's peer benchmark, so that a clone runs bench/ with nothing beside it.
"""peers.py -- exact-phrase / substring search peers for a Chinese full-text index.

Usage:
  python3 peers.py CORPUS.jsonl QUERIES.txt [--peers LIST] [--json OUT.json]
                   [--workdir DIR] [--keep] [--repeat N] [--topk K] [--limit-docs N]
                   [--xapian-python PATH] [--tantivy-python PATH] [--lucene-classpath CP] [--lucene-warmup]
                   [--timeout S]

  CORPUS.jsonl  one JSON object per line: {"id": str, "title": str, "body": str}
  QUERIES.txt   one query per line (blank lines and lines starting with '#' are skipped)
  --peers       comma list, default: all of
                  scan            pure-Python linear scan of normalised title/body (ground truth)
                  grep            `LC_ALL=C grep -F -c` per query on a one-line-per-doc dump
                  xapian_tg       Xapian TermGenerator FLAG_CJK_NGRAM + QueryParser(FLAG_CJK_NGRAM|FLAG_PHRASE|
                                  FLAG_DEFAULT) on the query in double quotes (= phrase of unigrams)
                  xapian_tg_and   same index as xapian_tg, query NOT quoted (QueryParser default for CJK:
                                  AND of unigrams+bigrams -- not a phrase; shows the false positives)
                  xapian_bigram   Xapian, the planned Swift scheme tokenised in Python: positional
                                  bigrams + position-less unigrams, OP_PHRASE over bigrams
                  fts5            SQLite FTS5 tokenize='trigram'; queries < 3 chars fall back to LIKE
                  tantivy_ngram   tantivy Tokenizer.ngram(1,2): ngram tokens carry no usable positions,
                                  so the query is an AND of its bigrams (approximate)
                  tantivy_char    tantivy Tokenizer.regex(r"\\S") (one token per char, positions) + phrase query
                  lucene_cjk      Lucene 8 CJKAnalyzer (= Elasticsearch `cjk`: bigrams, English stop words),
                                  query = Elasticsearch match_phrase on title OR body (bench/lucene/LucenePeer.java)
                  lucene_char     Lucene 8, one token per CJK char and per letter/digit word (HanSearch's
                                  normalization and character classes), same match_phrase query
                  lucene_cjk_stored, lucene_char_stored (not run by default): the same with title and body
                                  also stored, as Elasticsearch keeps _source
  --json        write full results (per peer, per query) here (default: peers-results.json)
  --workdir     where indexes are built (default: a fresh temp dir, removed unless --keep)
  --repeat      each query is run N times (default 3); per-query latency = median of the N runs
  --topk        also time a ranked top-K query (BM25/engine rank) for engines that rank (default 10; 0=off)

Interpreters: each peer runs in its own child process, started with an interpreter that can
import what the peer needs. xapian_* need Debian's python3-xapian, i.e. /usr/bin/python3
(auto-detected); tantivy_* need `pip install tantivy` (auto-detected among sys.executable,
`python3` on PATH and /usr/bin/python3); scan/grep/fts5 use sys.executable. A peer whose module
is missing is reported as "skipped". Override with --xapian-python / --tantivy-python.
lucene_* run in a JVM instead (bench/lucene/LucenePeer.java, compiled by bench/lucene/build.sh, which
installs Debian's liblucene8-java, libgoogle-gson-java and a JDK if needed; --lucene-classpath skips that),
and write the same child result, scored against `scan` like every other peer.

Semantics: a query matches a document iff the normalised query is a substring of the normalised
title or of the normalised body. Normalisation = Unicode NFKC + str.lower(), applied identically to
documents and queries in every peer. Peers that do not implement exactly this are still run and
their false positives / false negatives against `scan` are reported (fp/fn columns).

Timing: "index s" covers building the index from documents already in memory (parse + normalise
are excluded) up to a durable commit; MB/s uses the UTF-8 bytes of normalised title+body.
Output: a markdown table on stdout, and the JSON file.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata

ALL_PEERS = ["scan", "grep", "xapian_tg", "xapian_tg_and", "xapian_bigram", "fts5", "tantivy_ngram", "tantivy_char",
             "lucene_cjk", "lucene_char"]
# peer -> LucenePeer arguments; the *_stored variants (not in the default list) also store title and body,
# as Elasticsearch keeps _source
LUCENE_PEERS = {"lucene_cjk": ["--analyzer", "cjk"], "lucene_char": ["--analyzer", "char"],
                "lucene_cjk_stored": ["--analyzer", "cjk", "--store"],
                "lucene_char_stored": ["--analyzer", "char", "--store"]}
NEEDS = {"xapian_tg": "xapian", "xapian_tg_and": "xapian", "xapian_bigram": "xapian",
         "tantivy_ngram": "tantivy", "tantivy_char": "tantivy"}


# ---------------------------------------------------------------- shared helpers
def norm(s):
    return unicodedata.normalize("NFKC", s).lower()


def load_corpus(path, limit=None):
    ids, titles, bodies = [], [], []
    with open(path, encoding="utf-8") as f:
        for ln, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                o = json.loads(line)
                ids.append(str(o["id"]))
                titles.append(norm(o.get("title") or ""))
                bodies.append(norm(o.get("body") or ""))
            except (ValueError, KeyError, TypeError) as e:
                sys.exit(f"{path}:{ln}: bad corpus line: {e}")
            if limit and len(ids) >= limit:
                break
    return ids, titles, bodies


def load_queries(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            q = norm(line.strip())
            if q and not q.startswith("#"):
                out.append(q)
    return out


def dir_size(p):
    if os.path.isfile(p):
        return os.path.getsize(p)
    tot = 0
    for root, _, files in os.walk(p):
        for fn in files:
            try:
                tot += os.path.getsize(os.path.join(root, fn))
            except OSError:
                pass
    return tot


def pct(xs, p):
    if not xs:
        return float("nan")
    xs = sorted(xs)
    k = (len(xs) - 1) * p / 100.0
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def is_cjk(ch):
    o = ord(ch)
    return (0x3400 <= o <= 0x4DBF or 0x4E00 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or
            0x20000 <= o <= 0x3134F or 0x3040 <= o <= 0x30FF or 0xAC00 <= o <= 0xD7AF)


def bigram_tokens(text):
    """The planned Swift tokenizer: (term, pos|None). CJK runs -> positional bigrams + unigrams without
    position; other alnum runs -> lowercased word with position; anything else bumps the position."""
    out, pos, run, word = [], 0, [], []

    def flush_run():
        nonlocal pos
        for i, c in enumerate(run):
            out.append((c, None))
            if i + 1 < len(run):
                out.append((c + run[i + 1], pos))
                pos += 1
        if len(run) == 1:
            pos += 1
        run.clear()

    def flush_word():
        nonlocal pos
        if word:
            out.append(("".join(word), pos))
            pos += 1
            word.clear()

    for ch in text:
        if is_cjk(ch):
            flush_word()
            run.append(ch)
        elif ch.isalnum():
            flush_run()
            word.append(ch)
        else:
            flush_run()
            flush_word()
            pos += 1
    flush_run()
    flush_word()
    return out


# ---------------------------------------------------------------- peers (run in child)
class Peer:
    ranked = False

    def __init__(self, workdir, ids, titles, bodies):
        self.workdir, self.ids, self.titles, self.bodies = workdir, ids, titles, bodies
        self.index_path = None

    def build(self):
        pass

    def search(self, q):  # -> list of external ids
        raise NotImplementedError

    def topk(self, q, k):
        raise NotImplementedError

    def info(self):
        return {}


class ScanPeer(Peer):
    def search(self, q):
        ids, ts, bs = self.ids, self.titles, self.bodies
        return [ids[i] for i in range(len(ids)) if q in ts[i] or q in bs[i]]


class GrepPeer(Peer):
    def build(self):
        self.index_path = os.path.join(self.workdir, "dump.txt")
        with open(self.index_path, "w", encoding="utf-8") as f:
            for i, t, b in zip(self.ids, self.titles, self.bodies):
                # queries never contain whitespace, so replacing it cannot create or hide a match
                f.write(i + "\t" + t.replace("\n", " ").replace("\t", " ") + "\t" +
                        b.replace("\n", " ").replace("\t", " ") + "\n")
            f.flush()
            os.fsync(f.fileno())

    def search(self, q):
        r = subprocess.run(["grep", "-F", "-c", "--", q, self.index_path], capture_output=True,
                           env=dict(os.environ, LC_ALL="C"))
        if r.returncode not in (0, 1):
            raise RuntimeError(r.stderr.decode(errors="replace"))
        return int(r.stdout.strip() or 0)  # a count only: grep -c gives no ids

    def info(self):
        return {"note": "count only (grep -c); latency includes fork/exec of grep"}


class XapianTGPeer(Peer):
    ranked = True
    quoted = True

    def build(self):
        import xapian
        self.xapian = xapian
        self.index_path = os.path.join(self.workdir, "xapian_tg")
        db = xapian.WritableDatabase(self.index_path, xapian.DB_CREATE_OR_OVERWRITE)
        tg = xapian.TermGenerator()
        tg.set_flags(xapian.TermGenerator.FLAG_CJK_NGRAM)
        for i, t, b in zip(self.ids, self.titles, self.bodies):
            doc = xapian.Document()
            tg.set_document(doc)
            tg.index_text(t)
            tg.increase_termpos(100)
            tg.index_text(b)
            doc.add_boolean_term("Q" + i)
            db.add_document(doc)  # docid == corpus position + 1
        db.commit()
        db.close()

    def open(self):
        xapian = self.xapian
        self.db = xapian.Database(self.index_path)
        self.qp = xapian.QueryParser()
        self.qp.set_database(self.db)
        self.flags = (xapian.QueryParser.FLAG_CJK_NGRAM | xapian.QueryParser.FLAG_PHRASE |
                      xapian.QueryParser.FLAG_DEFAULT)
        self.n = self.db.get_doccount()

    def query(self, q):
        s = '"' + q.replace('"', " ") + '"' if self.quoted else q
        return self.qp.parse_query(s, self.flags)

    def search(self, q):
        if not hasattr(self, "db"):
            self.open()
        enq = self.xapian.Enquire(self.db)
        enq.set_query(self.query(q))
        enq.set_weighting_scheme(self.xapian.BoolWeight())
        enq.set_docid_order(self.xapian.Enquire.ASCENDING)
        ms = enq.get_mset(0, self.n)
        ids = self.ids
        return [ids[m.docid - 1] for m in ms]

    def topk(self, q, k):
        if not hasattr(self, "db"):
            self.open()
        enq = self.xapian.Enquire(self.db)
        enq.set_query(self.query(q))  # BM25 (default)
        return [self.ids[m.docid - 1] for m in enq.get_mset(0, k)]

    def info(self):
        return {"xapian": self.xapian.version_string(), "query_example": str(self.query("人民共和国"))}


class XapianTGAndPeer(XapianTGPeer):
    quoted = False

    def build(self):  # reuse xapian_tg's index when it exists (same corpus, same workdir)
        import xapian
        self.xapian = xapian
        p = os.path.join(self.workdir, "xapian_tg")
        if os.path.isdir(p):
            self.index_path = p
            self.reused = True
        else:
            super().build()

    def info(self):
        d = super().info()
        if getattr(self, "reused", False):
            d["note"] = "index reused from xapian_tg (index time/size not re-measured)"
        return d


class XapianBigramPeer(Peer):
    ranked = True

    def build(self):
        import xapian
        self.xapian = xapian
        self.index_path = os.path.join(self.workdir, "xapian_bigram")
        db = xapian.WritableDatabase(self.index_path, xapian.DB_CREATE_OR_OVERWRITE)
        for i, t, b in zip(self.ids, self.titles, self.bodies):
            doc = xapian.Document()
            for term, pos in bigram_tokens(t + "\n" + b):
                if pos is None:
                    doc.add_term(term)
                else:
                    doc.add_posting(term, pos)
            doc.add_boolean_term("Q" + i)
            db.add_document(doc)
        db.commit()
        db.close()

    def open(self):
        self.db = self.xapian.Database(self.index_path)
        self.n = self.db.get_doccount()

    def query(self, q):
        X = self.xapian
        toks = bigram_tokens(q)
        posd = [t for t, p in toks if p is not None]
        if not posd:
            return X.Query(toks[0][0]) if toks else X.Query()
        if len(posd) == 1:
            return X.Query(posd[0])
        return X.Query(X.Query.OP_PHRASE, [X.Query(t) for t in posd], len(posd))

    def search(self, q):
        if not hasattr(self, "db"):
            self.open()
        X = self.xapian
        enq = X.Enquire(self.db)
        enq.set_query(self.query(q))
        enq.set_weighting_scheme(X.BoolWeight())
        enq.set_docid_order(X.Enquire.ASCENDING)
        return [self.ids[m.docid - 1] for m in enq.get_mset(0, self.n)]

    def topk(self, q, k):
        if not hasattr(self, "db"):
            self.open()
        enq = self.xapian.Enquire(self.db)
        enq.set_query(self.query(q))
        return [self.ids[m.docid - 1] for m in enq.get_mset(0, k)]

    def info(self):
        return {"xapian": self.xapian.version_string(), "query_example": str(self.query("人民共和国")),
                "note": "tokenised in Python: indexing speed is a lower bound for the Swift tokenizer"}


class Fts5Peer(Peer):
    ranked = True

    def build(self):
        import sqlite3
        self.index_path = os.path.join(self.workdir, "fts5.sqlite")
        con = sqlite3.connect(self.index_path)
        con.execute("PRAGMA journal_mode=OFF")
        con.execute("PRAGMA synchronous=OFF")
        con.execute("CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize='trigram')")
        with con:
            con.executemany("INSERT INTO docs(rowid, title, body) VALUES (?, ?, ?)",
                            ((n + 1, t, b) for n, (t, b) in enumerate(zip(self.titles, self.bodies))))
        con.execute("INSERT INTO docs(docs) VALUES('optimize')")
        con.commit()
        con.close()
        self.fallbacks = 0

    def open(self):
        import sqlite3
        self.sqlite_version = sqlite3.sqlite_version
        self.con = sqlite3.connect(self.index_path)

    def search(self, q):
        if not hasattr(self, "con"):
            self.open()
        if len(q) >= 3:  # the trigram index can only answer patterns of >= 3 characters
            rows = self.con.execute("SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY rowid",
                                    ('"' + q.replace('"', '""') + '"',)).fetchall()
        else:  # FTS5 LIKE with < 3 chars is a full scan of the content table
            self.fallbacks += 1
            pat = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            rows = self.con.execute("SELECT rowid FROM docs WHERE title LIKE ? ESCAPE '\\' "
                                    "OR body LIKE ? ESCAPE '\\' ORDER BY rowid", (pat, pat)).fetchall()
        return [self.ids[r[0] - 1] for r in rows]

    def topk(self, q, k):
        if not hasattr(self, "con"):
            self.open()
        if len(q) < 3:
            return self.search(q)[:k]  # no rank available for LIKE
        rows = self.con.execute("SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT ?",
                                ('"' + q.replace('"', '""') + '"', k)).fetchall()
        return [self.ids[r[0] - 1] for r in rows]

    def info(self):
        return {"sqlite": getattr(self, "sqlite_version", None),
                "note": "queries shorter than 3 chars use LIKE (full scan of stored content); "
                        "index size includes FTS5's copy of the text"}


class TantivyPeer(Peer):
    ranked = True
    mode = "char"

    def build(self):
        import tantivy
        self.tv = tantivy
        self.index_path = os.path.join(self.workdir, "tantivy_" + self.mode)
        os.makedirs(self.index_path, exist_ok=True)
        self.index, self.schema = self._open_index(create=True)
        w = self.index.writer(heap_size=256_000_000, num_threads=1)
        for n, (t, b) in enumerate(zip(self.titles, self.bodies)):
            w.add_document(tantivy.Document(title=t, body=b, n=n))
        w.commit()
        w.wait_merging_threads()

    def _open_index(self, create=False):
        tv = self.tv
        name = "cjk_" + self.mode
        tok = tv.Tokenizer.ngram(1, 2, False) if self.mode == "ngram" else tv.Tokenizer.regex(r"\S")
        sb = tv.SchemaBuilder()
        sb.add_text_field("title", tokenizer_name=name, index_option="position")
        sb.add_text_field("body", tokenizer_name=name, index_option="position")
        sb.add_integer_field("n", fast=True, indexed=False, stored=False)  # i64: a Python int is I64
        schema = sb.build()
        idx = tv.Index(schema, path=self.index_path)
        idx.register_tokenizer(name, tv.TextAnalyzerBuilder(tok).build())
        return idx, schema

    def open(self):
        self.index.reload()
        self.searcher = self.index.searcher()
        self.n = self.searcher.num_docs

    def query(self, q):
        tv, s = self.tv, self.schema
        subs = []
        for field in ("title", "body"):
            if self.mode == "char":
                chars = [c for c in q if not c.isspace()]
                fq = (tv.Query.term_query(s, field, chars[0]) if len(chars) == 1
                      else tv.Query.phrase_query(s, field, chars))
            else:
                grams = [q] if len(q) <= 2 else [q[i:i + 2] for i in range(len(q) - 1)]
                fq = (tv.Query.term_query(s, field, grams[0]) if len(grams) == 1 else
                      tv.Query.boolean_query([(tv.Occur.Must, tv.Query.term_query(s, field, g)) for g in grams]))
            subs.append((tv.Occur.Should, fq))
        return tv.Query.boolean_query(subs)

    def search(self, q):
        if not hasattr(self, "searcher"):
            self.open()
        r = self.searcher.search(self.query(q), limit=max(1, self.n), count=False, order_by_field="n",
                                 order=self.tv.Order.Asc)
        return [self.ids[h[0]] for h in r.hits]

    def topk(self, q, k):
        if not hasattr(self, "searcher"):
            self.open()
        r = self.searcher.search(self.query(q), limit=k, count=False)
        ns = self.searcher.fast_field_values("n", [h[1] for h in r.hits])
        return [self.ids[n] for n in ns]

    def info(self):
        note = ("ngram(1,2) tokens have no positions: query = AND of the query's bigrams (approximate)"
                if self.mode == "ngram" else "one token per non-space char, phrase query over chars")
        return {"tantivy": getattr(self.tv, "__version__", "?"), "note": note + "; writer num_threads=1"}


class TantivyNgramPeer(TantivyPeer):
    mode = "ngram"


PEER_CLASSES = {"scan": ScanPeer, "grep": GrepPeer, "xapian_tg": XapianTGPeer, "xapian_tg_and": XapianTGAndPeer,
                "xapian_bigram": XapianBigramPeer, "fts5": Fts5Peer, "tantivy_ngram": TantivyNgramPeer,
                "tantivy_char": TantivyPeer}


def run_child(a):
    import resource
    ids, titles, bodies = load_corpus(a.corpus, a.limit_docs)
    queries = load_queries(a.queries)
    in_bytes = sum(len(t.encode()) + len(b.encode()) for t, b in zip(titles, bodies))
    peer = PEER_CLASSES[a.child](a.workdir, ids, titles, bodies)
    t0 = time.perf_counter()
    peer.build()
    t_index = time.perf_counter() - t0
    size = dir_size(peer.index_path) if peer.index_path else 0
    results, lat, lat_topk = [], [], []
    for q in queries:
        runs, res = [], None
        for _ in range(a.repeat):
            t = time.perf_counter()
            res = peer.search(q)
            runs.append(time.perf_counter() - t)
        lat.append(statistics.median(runs))
        if isinstance(res, int):
            results.append({"q": q, "count": res})
        else:
            results.append({"q": q, "count": len(res), "ids": res})
        if a.topk and peer.ranked:
            runs = []
            for _ in range(a.repeat):
                t = time.perf_counter()
                peer.topk(q, a.topk)
                runs.append(time.perf_counter() - t)
            lat_topk.append(statistics.median(runs))
    out = {"peer": a.child, "python": sys.executable, "docs": len(ids), "input_bytes": in_bytes,
           "index_s": t_index, "index_bytes": size, "latency_s": lat, "latency_topk_s": lat_topk,
           "results": results, "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
           "info": peer.info()}
    if isinstance(peer, Fts5Peer):
        out["info"]["like_fallback_queries"] = sum(1 for q in queries if len(q) < 3)
    with open(a.child_out, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False)


# ---------------------------------------------------------------- parent
def find_python(module, override):
    cands = [override] if override else [sys.executable, shutil.which("python3"), "/usr/bin/python3"]
    for c in cands:
        if c and os.path.exists(c):
            r = subprocess.run([c, "-c", f"import {module}"], capture_output=True)
            if r.returncode == 0:
                return c
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus")
    ap.add_argument("queries")
    ap.add_argument("--peers", default=",".join(ALL_PEERS))
    ap.add_argument("--json", default="peers-results.json")
    ap.add_argument("--workdir")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--topk", type=int, default=10)
    ap.add_argument("--limit-docs", type=int)
    ap.add_argument("--xapian-python")
    ap.add_argument("--tantivy-python")
    ap.add_argument("--lucene-classpath", help="class path of a compiled LucenePeer (default: bench/lucene/build.sh)")
    ap.add_argument("--lucene-warmup", action="store_true",
                    help="lucene_*: time the build after an untimed one, so the JVM is warm (a running Elasticsearch)")
    ap.add_argument("--timeout", type=float, default=3600)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--child-out", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        return run_child(a)

    peers = [p.strip() for p in a.peers.split(",") if p.strip()]
    bad = [p for p in peers if p not in PEER_CLASSES and p not in LUCENE_PEERS]
    if bad:
        ap.error(f"unknown peers {bad}; known: {ALL_PEERS}")
    if "scan" in peers:  # ground truth first
        peers.remove("scan")
        peers.insert(0, "scan")
    for f in (a.corpus, a.queries):
        if not os.path.isfile(f):
            ap.error(f"no such file: {f}")
    workdir = a.workdir or tempfile.mkdtemp(prefix="peers-")
    os.makedirs(workdir, exist_ok=True)
    pys = {"xapian": find_python("xapian", a.xapian_python), "tantivy": find_python("tantivy", a.tantivy_python)}
    me = os.path.abspath(__file__)
    lucene_cp, lucene_why = a.lucene_classpath, None
    if any(p in LUCENE_PEERS for p in peers) and not lucene_cp:
        build = os.path.join(os.path.dirname(me), "lucene", "build.sh")
        r = subprocess.run(["bash", build], stdout=subprocess.PIPE, text=True)
        lucene_cp = r.stdout.strip() if r.returncode == 0 else None
        lucene_why = None if lucene_cp else f"{build} failed (rc={r.returncode}; its message is above)"
    report, truth = [], None
    try:
        for p in peers:
            mod = NEEDS.get(p)
            py = pys[mod] if mod else sys.executable
            if mod and not py:
                print(f"[{p}] skipped: no interpreter can import {mod}", file=sys.stderr)
                report.append({"peer": p, "skipped": f"module {mod} not importable"})
                continue
            out = os.path.join(workdir, p + ".result.json")
            if p in LUCENE_PEERS:
                if not lucene_cp:
                    print(f"[{p}] skipped: {lucene_why}", file=sys.stderr)
                    report.append({"peer": p, "skipped": lucene_why})
                    continue
                py = "java"
                cmd = ["java", "-cp", lucene_cp, "LucenePeer", a.corpus, a.queries, *LUCENE_PEERS[p],
                       "--child-out", out, "--workdir", workdir, "--repeat", str(a.repeat), "--topk", str(a.topk)]
                if a.lucene_warmup:
                    cmd.append("--warmup")
                if a.limit_docs:
                    cmd += ["--limit-docs", str(a.limit_docs)]
            else:
                cmd = [py, me, a.corpus, a.queries, "--child", p, "--child-out", out, "--workdir", workdir,
                       "--repeat", str(a.repeat), "--topk", str(a.topk)]
            if a.limit_docs and p not in LUCENE_PEERS:
                cmd += ["--limit-docs", str(a.limit_docs)]
            print(f"[{p}] running with {py} ...", file=sys.stderr, flush=True)
            t0 = time.time()
            try:
                r = subprocess.run(cmd, timeout=a.timeout)
                rc = r.returncode
            except subprocess.TimeoutExpired:
                rc = "timeout"
            if rc != 0 or not os.path.exists(out):
                print(f"[{p}] FAILED (rc={rc})", file=sys.stderr)
                report.append({"peer": p, "failed": f"rc={rc}"})
                continue
            with open(out, encoding="utf-8") as f:
                res = json.load(f)
            res["wall_s"] = time.time() - t0
            if p == "scan":
                truth = res["results"]
            if truth is not None:
                fp = fn = bad_q = 0
                for got, exp in zip(res["results"], truth):
                    if "ids" in got:
                        g, e = set(got["ids"]), set(exp["ids"])
                        fp += len(g - e)
                        fn += len(e - g)
                        bad_q += g != e
                    else:
                        d = got["count"] - exp["count"]
                        fp += max(d, 0)
                        fn += max(-d, 0)
                        bad_q += d != 0
                res["vs_scan"] = {"queries_differing": bad_q, "false_pos": fp, "false_neg": fn}
            print(f"[{p}] done in {res['wall_s']:.1f}s", file=sys.stderr, flush=True)
            report.append(res)
    finally:
        if not a.keep and not a.workdir:
            shutil.rmtree(workdir, ignore_errors=True)

    # ---- summary
    rows = []
    for r in report:
        if "skipped" in r or "failed" in r:
            rows.append(f"| {r['peer']} | {r.get('skipped') or r.get('failed')} |" + " |" * 12)
            continue
        ms = [x * 1000 for x in r["latency_s"]]
        tk = [x * 1000 for x in r["latency_topk_s"]]
        mb = r["input_bytes"] / 1e6
        idx_s = r["index_s"]
        reused = "reused" in (r["info"].get("note") or "")
        noindex = r["peer"] == "scan"
        v = r.get("vs_scan", {})
        rows.append("| {peer} | {py} | {ix} | {dps} | {mbs} | {sz} | {p50:.2f} | {p95:.2f} | {p99:.2f} | {tk50} | {m} | {d} | {fp} | {fn} | {rss} |".format(
            peer=r["peer"], py=r["python"],
            ix="-" if noindex or reused else f"{idx_s:.1f}",
            dps="-" if noindex or reused else f"{r['docs'] / idx_s:,.0f}",
            mbs="-" if noindex or reused else f"{mb / idx_s:.2f}",
            sz="-" if noindex or reused else f"{r['index_bytes'] / 1e6:.1f}",
            p50=pct(ms, 50), p95=pct(ms, 95), p99=pct(ms, 99),
            tk50=f"{pct(tk, 50):.2f}/{pct(tk, 95):.2f}" if tk else "-",
            m=sum(x["count"] for x in r["results"]),
            d=v.get("queries_differing", "-"), fp=v.get("false_pos", "-"), fn=v.get("false_neg", "-"),
            rss=f"{r['maxrss_kb'] / 1024:.0f}"))
    first = next((r for r in report if "docs" in r), None)
    if first:
        print(f"corpus: {a.corpus} -- {first['docs']} docs, {first['input_bytes'] / 1e6:.1f} MB normalised UTF-8; "
              f"queries: {a.queries} -- {len(first['results'])} queries; repeat={a.repeat}\n")
    print("| peer | python | index s | docs/s | MB/s | index MB | p50 ms | p95 ms | p99 ms | top%d p50/p95 ms | total matches | queries ≠ scan | false pos | false neg | peak RSS MB |" % a.topk)
    print("|" + "---|" * 15)
    print("\n".join(rows))
    for r in report:
        if r.get("info"):
            print(f"- {r['peer']}: " + "; ".join(f"{k}={v}" for k, v in r["info"].items()))
    with open(a.json, "w", encoding="utf-8") as f:
        slim = []
        for r in report:
            r = dict(r)
            if "results" in r:
                r["per_query"] = [{"q": x["q"], "count": x["count"], "latency_ms": l * 1000}
                                  for x, l in zip(r.pop("results"), r["latency_s"])]
            slim.append(r)
        json.dump({"corpus": a.corpus, "queries": a.queries, "repeat": a.repeat, "topk": a.topk,
                   "peers": slim}, f, ensure_ascii=False, indent=1)
    print(f"\nJSON: {a.json}", file=sys.stderr)


if __name__ == "__main__":
    main()
