"""Reads HanSearch's segment data as JSON, for the Python checks and probes.

Layout 8 stores a segment's JSON in value slot 3, not in the document data: a zstd frame compressed with
the dictionary that the index keeps in its metadata (hansearch.data-dictionary, base64), or, in an index
without one (built by updates), the JSON as it is. Compressed data needs zstandard (Debian's python3-zstandard).
"""
import base64

DICTIONARY_KEY = "hansearch.data-dictionary"  # Schema.dataDictionaryKey
DATA_SLOT = 3  # Schema.dataSlot
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


class SegmentData:
    """Decodes the segment data of one Xapian database (one shard)."""

    def __init__(self, database):
        encoded = database.get_metadata(DICTIONARY_KEY)
        self.dictionary = base64.b64decode(encoded) if encoded else None
        self._decompressor = None

    def of(self, document):
        """The segment JSON (str) of a Xapian document of this database."""
        return self.json(document.get_value(DATA_SLOT))

    def json(self, stored):
        """The segment JSON (str) of the document data `stored` (bytes)."""
        if stored.startswith(ZSTD_MAGIC):
            if self._decompressor is None:
                if self.dictionary is None:
                    raise ValueError("compressed segment data in an index without a data dictionary")
                import zstandard
                self._decompressor = zstandard.ZstdDecompressor(
                    dict_data=zstandard.ZstdCompressionDict(self.dictionary))
            stored = self._decompressor.decompress(stored)
        return stored.decode("utf-8")
