import CZstd
import Foundation
internal import Xapian

/// A zstd dictionary trained on an index's own segment data (layout 8), kept in its metadata under
/// ``Schema/dataDictionaryKey``.
///
/// A segment's JSON is about 130 bytes, too short for a compressor to find what it repeats from the
/// segments before it: its document's title, id, source and date, the keys. A dictionary holds the
/// common ones; on real text it halves the document data. Read-only once made, so shared by threads.
final class DataDictionary: @unchecked Sendable {
    /// The dictionary as stored.
    let bytes: [UInt8]
    /// zstd's id of it, which every frame compressed with it carries: with shards, each with its own
    /// dictionary, a record names the one that decodes it.
    let id: UInt32
    private let compression: OpaquePointer
    private let decompression: OpaquePointer

    /// The compression level: 3 is zstd's default; on real text 6 gained 1.5% and 19 7%, at more time.
    static let level: Int32 = 3
    /// The size of a trained dictionary: 32 KB gave 35.7 MB for 65.6 MB of real data, 112 KB 33.0 MB
    /// (zstd level 6; level 3 36.2 MB).
    static let capacity = 32 << 10
    /// How much data to train on. Where the samples come from matters more than how many there are: on
    /// real text 5,000 segments (0.6 MB) drawn at random gave 36.4 MB, 50,000 (6.4 MB) 35.7 MB, and the
    /// first 50,000 in input order 44.6 MB.
    static let sampleBytes = 1 << 20

    /// The dictionary stored as `bytes`; nil when they are not one zstd can load.
    init?(bytes: [UInt8]) {
        let id = bytes.withUnsafeBytes { ZDICT_getDictID($0.baseAddress, $0.count) }
        guard id != 0,
              let compression = bytes.withUnsafeBytes({ ZSTD_createCDict($0.baseAddress, $0.count, DataDictionary.level) })
        else { return nil }
        guard let decompression = bytes.withUnsafeBytes({ ZSTD_createDDict($0.baseAddress, $0.count) }) else {
            ZSTD_freeCDict(compression)
            return nil
        }
        self.bytes = bytes
        self.id = id
        self.compression = compression
        self.decompression = decompression
    }

    deinit {
        ZSTD_freeCDict(compression)
        ZSTD_freeDDict(decompression)
    }

    /// A dictionary trained on `samples` (segment data records); nil when they are too few or too
    /// alike for zstd to train on, and then the records are stored as they are.
    static func trained(on samples: [[UInt8]]) -> DataDictionary? {
        guard samples.count >= 16 else { return nil }
        let joined = samples.flatMap { $0 }
        let sizes = samples.map(\.count)
        var dictionary = [UInt8](repeating: 0, count: capacity)
        let size = dictionary.withUnsafeMutableBytes { out in
            joined.withUnsafeBytes { input in
                ZDICT_trainFromBuffer(out.baseAddress, out.count, input.baseAddress, sizes, UInt32(sizes.count))
            }
        }
        guard ZDICT_isError(size) == 0 else { return nil }
        return DataDictionary(bytes: Array(dictionary.prefix(size)))
    }

    /// `data` compressed into one zstd frame that names this dictionary; `context` is the caller's.
    fileprivate func compress(_ data: [UInt8], context: OpaquePointer) -> [UInt8]? {
        var frame = [UInt8](repeating: 0, count: ZSTD_compressBound(data.count))
        let size = frame.withUnsafeMutableBytes { out in
            data.withUnsafeBytes { ZSTD_compress_usingCDict(context, out.baseAddress, out.count,
                                                            $0.baseAddress, $0.count, compression) }
        }
        guard ZSTD_isError(size) == 0 else { return nil }
        frame.removeLast(frame.count - size)
        return frame
    }

    fileprivate func decompress(_ frame: [UInt8], size: Int, context: OpaquePointer) -> [UInt8]? {
        var data = [UInt8](repeating: 0, count: size)
        let written = data.withUnsafeMutableBytes { out in
            frame.withUnsafeBytes { ZSTD_decompress_usingDDict(context, out.baseAddress, out.count,
                                                               $0.baseAddress, $0.count, decompression) }
        }
        guard ZSTD_isError(written) == 0, written == size else { return nil }
        return data
    }
}

/// Compresses segment data with an index's dictionary. Owns a zstd context: one per thread.
final class SegmentDataCompressor {
    let dictionary: DataDictionary
    private let context: OpaquePointer

    init(dictionary: DataDictionary) {
        self.dictionary = dictionary
        context = ZSTD_createCCtx()
    }

    deinit { ZSTD_freeCCtx(context) }

    /// `data` as stored: a zstd frame, or `data` itself should zstd fail.
    func compress(_ data: [UInt8]) -> [UInt8] {
        dictionary.compress(data, context: context) ?? data
    }
}

/// Reads stored segment data back: a zstd frame, decompressed with the dictionary it names, or JSON as
/// it is (an index without a dictionary, or a layout-7 record). Owns a zstd context: one per thread.
final class SegmentDataDecoder {
    private var dictionaries: [UInt32: DataDictionary] = [:]
    private let context: OpaquePointer

    init(dictionaries: [DataDictionary] = []) {
        context = ZSTD_createDCtx()
        add(dictionaries)
    }

    deinit { ZSTD_freeDCtx(context) }

    /// Makes `dictionaries` known, replacing any of the same id.
    func add(_ dictionaries: [DataDictionary]) {
        for dictionary in dictionaries { self.dictionaries[dictionary.id] = dictionary }
    }

    /// Whether `stored` is a zstd frame (JSON starts with `{`).
    static func isCompressed(_ stored: [UInt8]) -> Bool {
        stored.count >= 4 && stored[0] == 0x28 && stored[1] == 0xB5 && stored[2] == 0x2F && stored[3] == 0xFD
    }

    /// The id of the dictionary that `stored` needs and this decoder lacks, if any.
    func missingDictionary(for stored: [UInt8]) -> UInt32? {
        guard SegmentDataDecoder.isCompressed(stored) else { return nil }
        let id = stored.withUnsafeBytes { ZSTD_getDictID_fromFrame($0.baseAddress, $0.count) }
        return dictionaries[id] == nil ? id : nil
    }

    /// The segment JSON that `stored` holds. Throws ``HanSearchError/data(action:message:)`` when it is a
    /// frame this decoder cannot decompress: a dictionary it does not know, or damaged data.
    func json(_ stored: [UInt8]) throws(HanSearchError) -> [UInt8] {
        guard SegmentDataDecoder.isCompressed(stored) else { return stored }
        let id = stored.withUnsafeBytes { ZSTD_getDictID_fromFrame($0.baseAddress, $0.count) }
        guard let dictionary = dictionaries[id] else {
            throw .data(action: "reading a segment", message: "it needs data dictionary \(id), which the index does not hold")
        }
        let size = stored.withUnsafeBytes { ZSTD_getFrameContentSize($0.baseAddress, $0.count) }
        guard size < UInt64(Int32.max), let data = dictionary.decompress(stored, size: Int(size), context: context) else {
            throw .data(action: "reading a segment", message: "a damaged zstd frame of \(stored.count) bytes")
        }
        return data
    }
}

extension DataDictionary {
    /// The dictionary that `database` (one shard) keeps, if it has one.
    static func stored(in database: ReadableDatabase) throws -> DataDictionary? {
        let encoded = try database.metadata(Schema.dataDictionaryKey)
        guard !encoded.isEmpty else { return nil }
        guard let bytes = Data(base64Encoded: encoded), let dictionary = DataDictionary(bytes: [UInt8](bytes)) else {
            throw HanSearchError.data(action: "reading the index's data dictionary",
                                      message: "metadata \(Schema.dataDictionaryKey) is not a zstd dictionary in base64")
        }
        return dictionary
    }

    /// Keeps the dictionary in `database`'s metadata (pending until its next commit).
    func store(in database: WritableDatabase) throws {
        try database.setMetadata(Data(bytes).base64EncodedString(), forKey: Schema.dataDictionaryKey)
    }
}
