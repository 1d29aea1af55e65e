/// How HanSearch lays out a segment in a Xapian document.
///
/// - value slot ``dataSlot``: the segment as compact JSON (``StoredSegment``), compressed with the
///   index's dictionary (layout 8, ``dataDictionaryKey``) when it has one; the document data is empty;
/// - text terms, unprefixed: the tokenizer's output for the segment text;
/// - title terms under ``titlePrefix``, without positions: they weigh a match in the title;
/// - title terms under ``titlePhrasePrefix``, positioned separately, with wdf 0 (they do not lengthen
///   the segment), in the document's first segment only (``titleOrdinal``): `title:` searches find the
///   documents by them;
/// - ``segmentIDPrefix`` + segment id: the unique id term (`replace_document` finds the segment again);
/// - ``documentIDPrefix`` + document id: a boolean term that finds all segments of a document;
/// - value slot ``dateSlot``: the date `YYYY-MM-DD`, for range filters and sorting;
/// - value slot ``documentSlot``: the document id, so that all matches collapse to documents
///   without reading each segment's data;
/// - value slot ``sourceSlot``: the document's source, for source facets and filters.
///
/// A bulk-built index has no term list (layout 7); updates of it list the segments they replace or
/// delete under ``deletedKey`` instead of removing them (``DeletedSegments``).
public enum Schema {
    /// Prefix of title terms without positions, in every segment.
    public static let titlePrefix = "T"
    /// Prefix of title terms with positions, in a document's first segment only.
    public static let titlePhrasePrefix = "H"
    /// The ordinal of the segment that holds its document's title terms with positions. Every segment
    /// held them before: on real text they were a quarter of all positions. A search for a title finds
    /// the documents by their first segment and then all their segments (``SearchIndex``).
    public static let titleOrdinal = 1
    /// Prefix of the unique segment id term.
    public static let segmentIDPrefix = "Q"
    /// Prefix of the document id term shared by all segments of a document.
    public static let documentIDPrefix = "D"
    /// Value slot holding the date.
    public static let dateSlot: UInt32 = 0
    /// Value slot holding the document id.
    public static let documentSlot: UInt32 = 1
    /// Value slot holding the source (unset when the document has none).
    public static let sourceSlot: UInt32 = 2
    /// Value slot holding the segment's data (layout 8; see ``dataDictionaryKey``). Not the document
    /// data: Xapian tries zlib on every document data it writes, and again when a bulk build merges its
    /// shards, which cost 12% of a bulk build's CPU for data that zstd had compressed already.
    static let dataSlot: UInt32 = 3
    /// Metadata key holding the analyzer version the index was built with.
    public static let analyzerVersionKey = "hansearch.analyzer"
    /// Metadata key holding the zstd dictionary of the segment data, in base64 (``DataDictionary``):
    /// trained by a bulk build or a rebuild, used by every later update. An index created by updates
    /// has none and stores its segment data as JSON.
    static let dataDictionaryKey = "hansearch.data-dictionary"
    /// Metadata key holding the time of the last commit (ISO 8601).
    public static let lastCommitKey = "hansearch.last-commit"

    /// The analyzer version: normalizer, tokenizer and layout together. An index built with another
    /// version must be rebuilt, since queries would be analyzed differently from the documents.
    public static let analyzerVersion = "normalizer-\(Normalizer.version).tokenizer-\(Tokenizer.version).layout-8"
    /// The version before this layout: layout 7 kept the segment JSON, uncompressed, as the document
    /// data, and is otherwise this layout, so ``IndexRebuild`` converts such an index.
    static let previousLayoutVersion = "normalizer-\(Normalizer.version).tokenizer-\(Tokenizer.version).layout-7"

    /// Added to every token position when indexing, so that stored positions start at 2.
    ///
    /// Xapian 1.4's glass backend treats a term that a document holds without any position as if it
    /// stood at position 0 when it checks a phrase. Our interior unigrams are positionless, so with
    /// positions starting at 1 the phrase `年 2021` would match a segment that begins with `2021` and
    /// holds 年 only inside a run. Starting at 2 leaves position 1 empty, and no phrase can use position 0.
    public static let positionOffset: UInt32 = 1

    /// The position the index stores for `token`: offset by ``positionOffset``, or 0 (none) for a
    /// unigram inside a run.
    static func storedPosition(of token: Token) -> UInt32 {
        token.isPositional ? token.position + positionOffset : 0
    }

    /// Unprefixed terms that start with an uppercase ASCII letter would clash with prefixes; the
    /// tokenizer lowercases everything, so none exist.
    static func segmentTerm(_ id: String) -> String { segmentIDPrefix + id }
    static func documentTerm(_ id: String) -> String { documentIDPrefix + id }
}
