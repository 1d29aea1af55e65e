#!/usr/bin/env python3
"""How small the document data of an index could be: each segment's stored JSON as it is, zlib per
record, and zstd with a dictionary trained on a sample of the records (the lever for the docdata table).

    /usr/bin/python3 bench/docdata_probe.py INDEX

Needs Debian's python3-xapian and python3-zstandard. Prints sizes in MB and the decompression
time per record (what a hit would pay).
"""
import json
import os
import random
import sys
import time
import zlib

import xapian
import zstandard

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
from segment_data import SegmentData  # noqa: E402

db = xapian.Database(sys.argv[1])
stored = SegmentData(db)
records = []
for post in db.postlist(""):
    records.append(stored.of(db.get_document(post.docid)).encode())
raw = sum(len(r) for r in records)
text = 0
for r in records:
    text += len(json.loads(r)["x"].encode())
print(f"{len(records)} records, raw {raw/1e6:.1f} MB, of which text {text/1e6:.1f} MB")
print(f"zlib -6 per record: {sum(len(zlib.compress(r, 6)) for r in records)/1e6:.1f} MB")
random.seed(1)
sample = random.sample(records, min(len(records), 50000))
for size in (32 << 10, 112 << 10):
    t = time.time()
    d = zstandard.train_dictionary(size, sample)
    c = zstandard.ZstdCompressor(level=6, dict_data=d)
    total = sum(len(c.compress(r)) for r in records) + size
    dd = zstandard.ZstdDecompressor(dict_data=d)
    comp = [c.compress(r) for r in records[:20000]]
    t2 = time.time()
    for x in comp: dd.decompress(x)
    per = (time.time() - t2) / len(comp) * 1e6
    print(f"zstd -6 with a {size>>10} KB dictionary: {total/1e6:.1f} MB; decompress {per:.1f} us/record")
