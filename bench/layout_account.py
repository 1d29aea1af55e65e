#!/usr/bin/python3
"""Where an index's bytes go, by what HanSearch puts in each segment (issue: a compact index).

Usage: /usr/bin/python3 bench/layout_account.py INDEX [--every N] [--json OUT]

Prints each glass table's file size, then, over every N-th segment (scaled up to all of them): the
postings and positions of text terms, title terms (prefix T) and id terms (Q, D), and the document
data's bytes by JSON field. Xapian stores postings, positions and termlist entries compressed, so the
counts say which share of each table a kind of term causes, not its exact bytes. It reads each sampled
segment's term list, which a bulk build (layout 7) does not write: run it on an index built by updates.
"""
import argparse
import json
import os
import sys

import xapian

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
from segment_data import DATA_SLOT, SegmentData  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("index")
ap.add_argument("--every", type=int, default=1)
ap.add_argument("--json")
args = ap.parse_args()

tables = {}
for name in sorted(os.listdir(args.index)):
    if name.endswith(".glass"):
        tables[name[:-6]] = os.path.getsize(os.path.join(args.index, name))

if "termlist" not in tables:
    sys.exit(f"layout_account.py: {args.index} has no term list (a bulk build writes none): "
             "account an index built by updates")
db = xapian.Database(args.index)
stored = SegmentData(db)
kinds = {k: {"terms": 0, "postings": 0, "positions": 0, "term_bytes": 0}
         for k in ("text", "title", "segment id", "document id")}
fields = {}
data_bytes = 0
seen = 0
docid = 0
for docid in range(1, db.get_lastdocid() + 1, args.every):
    try:
        doc = db.get_document(docid)
    except xapian.DocNotFoundError:
        continue
    seen += 1
    data = doc.get_value(DATA_SLOT)
    data_bytes += len(data)
    segment = json.loads(stored.json(data))
    for key, value in segment.items():
        # The field's share of the JSON: its key, quotes, colon, comma and value as encoded.
        fields[key] = fields.get(key, 0) + len(json.dumps({key: value}, ensure_ascii=False).encode()) - 1
    for item in doc.termlist():
        term = item.term
        kind = {b"T": "title", b"Q": "segment id", b"D": "document id"}.get(term[:1], "text")
        entry = kinds[kind]
        entry["postings"] += 1
        entry["term_bytes"] += len(term)
        entry["positions"] += sum(1 for _ in db.positionlist(docid, term)) if kind in ("text", "title") else 0

scale = db.get_doccount() / max(seen, 1)
report = {
    "index": args.index,
    "segments": db.get_doccount(),
    "sampled": seen,
    "tables": tables,
    "total": sum(tables.values()),
    "kinds": {k: {f: round(v * scale) for f, v in e.items()} for k, e in kinds.items()},
    "data_bytes": round(data_bytes * scale),
    "fields": {k: round(v * scale) for k, v in sorted(fields.items(), key=lambda kv: -kv[1])},
}
print(f"{report['segments']} segments, {seen} sampled; tables (bytes):")
for name, size in tables.items():
    print(f"  {name:10} {size:>12,}  {100 * size / report['total']:5.1f}%")
postings = sum(e["postings"] for e in report["kinds"].values())
positions = sum(e["positions"] for e in report["kinds"].values())
print("kind          postings   share   positions   share")
for kind, e in report["kinds"].items():
    print(f"  {kind:11} {e['postings']:>10,} {100 * e['postings'] / postings:6.1f}% {e['positions']:>11,}"
          f" {100 * e['positions'] / max(positions, 1):6.1f}%")
print(f"segment data {report['data_bytes']:,} bytes; by field:")
for key, size in report["fields"].items():
    print(f"  {key:8} {size:>12,}  {100 * size / report['data_bytes']:5.1f}%")
if args.json:
    with open(args.json, "w") as out:
        json.dump(report, out, indent=1)
