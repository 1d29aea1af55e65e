#!/usr/bin/env python3
"""Checks a HanSearch index against a reference built from the same input without interruption.

Reads the Xapian database directly (Debian's python3-xapian), independently of the Swift code; the
segments that updates of a bulk-built index listed as deleted (hansearch.deleted) are not there:

    index_check.py dump INDEX OUT.json
        writes {segment id: segment JSON} for every segment of INDEX (decompressed: see segment_data.py).
    index_check.py prefix INDEX --reference REF.json --corpus FILE.jsonl --batch-size N
        checks that INDEX holds exactly the first k*N reports of FILE.jsonl (or all of them),
        each with exactly the segments the reference holds for it, byte for byte; no duplicate
        segment ids, no stray documents, and the analyzer version recorded. Prints one line.
    index_check.py same INDEX --reference REF.json
        checks that INDEX holds exactly the reference's segments.

Exit status 0 when the check holds, 1 with a message on stderr when it does not.
"""
import argparse
import json
import sys

import xapian

from segment_data import SegmentData

SEGMENT_PREFIX = "Q"  # Schema.segmentIDPrefix
ANALYZER_KEY = "hansearch.analyzer"  # Schema.analyzerVersionKey
DELETED_KEY = "hansearch.deleted"  # Schema.deletedKey


def deleted_docids(database):
    """The docids that updates of a bulk-built index listed as deleted ("3,7-9,12"), checked ascending."""
    listed, last = set(), 0
    text = database.get_metadata(DELETED_KEY).decode("ascii")
    for item in text.split(",") if text else []:
        first, _, end = item.partition("-")
        first, end = int(first), int(end or first)
        if not last < first <= end:
            raise CheckFailed(f"{DELETED_KEY} is not an ascending docid list at {item!r}")
        listed.update(range(first, end + 1))
        last = end
    return listed


class CheckFailed(Exception):
    """The index does not hold what it must."""


def load(path):
    """{segment id: data} of the index at `path`, failing on duplicate segment ids."""
    try:
        database = xapian.Database(path)
    except xapian.DatabaseOpeningError as error:
        raise CheckFailed(f"the index at {path} does not open: {error}")
    segments = {}
    data = SegmentData(database)
    deleted = deleted_docids(database)
    for item in database.allterms(SEGMENT_PREFIX):
        term = item.term.decode("utf-8")
        postings = [p.docid for p in database.postlist(item.term) if p.docid not in deleted]
        if len(postings) > 1:
            raise CheckFailed(f"segment {term[1:]!r} is held by {len(postings)} documents (duplicates)")
        if postings:
            segments[term[1:]] = data.of(database.get_document(postings[0]))
    if database.get_doccount() - len(deleted) != len(segments):
        raise CheckFailed(f"{database.get_doccount()} Xapian documents, {len(deleted)} of them deleted, "
                          f"but {len(segments)} segment ids")
    if segments and not database.get_metadata(ANALYZER_KEY):
        raise CheckFailed("documents are committed but the analyzer version is not")
    return segments


def documents(segments):
    """{document id: {segment id: data}}."""
    grouped = {}
    for segment_id, data in segments.items():
        grouped.setdefault(json.loads(data)["d"], {})[segment_id] = data
    return grouped


def corpus_ids(path, known):
    """The ids of the JSON Lines reports in `path`, in input order, keeping those in `known`
    (the valid ones, as indexed by the reference run)."""
    ids = []
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                report_id = json.loads(line)["id"]
                if report_id in known:
                    ids.append(report_id)
    return ids


def check_prefix(index, reference, corpus, batch_size):
    expected = documents(reference)
    found = documents(load(index))
    order = corpus_ids(corpus, expected)
    count = len(found)
    if count % batch_size != 0 and count != len(order):
        raise CheckFailed(f"{count} documents is not a whole number of batches of {batch_size} (partial batch)")
    prefix = order[:count]
    if set(found) != set(prefix):
        extra = sorted(set(found) - set(prefix))[:3]
        missing = sorted(set(prefix) - set(found))[:3]
        raise CheckFailed(f"the documents are not the first {count} of the input: extra {extra}, missing {missing}")
    for doc in prefix:
        if found[doc] != expected[doc]:
            raise CheckFailed(f"document {doc!r} differs from the uninterrupted run "
                              f"({len(found[doc])} segments, expected {len(expected[doc])})")
    batches = count // batch_size
    state = "complete" if count == len(order) else f"{batches} batches"
    return f"{count} of {len(order)} documents ({state}), {sum(map(len, found.values()))} segments, all exact"


def check_same(index, reference):
    found = load(index)
    if found != reference:
        differing = sorted(set(found.items()) ^ set(reference.items()))[:3]
        raise CheckFailed(f"the index differs from the reference: {[item[0] for item in differing]}")
    return f"{len(found)} segments, identical to the reference"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["dump", "prefix", "same"])
    parser.add_argument("index")
    parser.add_argument("out", nargs="?")
    parser.add_argument("--reference")
    parser.add_argument("--corpus")
    parser.add_argument("--batch-size", type=int)
    args = parser.parse_args()
    try:
        if args.command == "dump":
            with open(args.out, "w", encoding="utf-8") as out:
                json.dump(load(args.index), out)
            return 0
        with open(args.reference, encoding="utf-8") as file:
            reference = json.load(file)
        if args.command == "prefix":
            print(check_prefix(args.index, reference, args.corpus, args.batch_size))
        else:
            print(check_same(args.index, reference))
        return 0
    except CheckFailed as failure:
        print(f"index_check: {failure}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
