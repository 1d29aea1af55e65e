import Foundation
import HanSearchTestSupport
import Testing
@testable import HanSearch

/// A brute-force reference, written independently of the tokenizer: the normalized text of a segment
/// with whitespace between two CJK characters removed, searched with plain substring matching.
struct BruteForce {
    struct Entry {
        var id: String
        var joined: String
        var words: Set<String>
    }

    var entries: [Entry] = []

    init(_ segments: [Segment]) {
        entries = segments.map { segment in
            let normalized = Normalizer.normalize(segment.text)
            return Entry(id: segment.id, joined: BruteForce.joinCJK(normalized), words: BruteForce.words(normalized))
        }
    }

    /// Removes whitespace that stands between two CJK characters.
    static func joinCJK(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var result = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar.properties.isWhitespace, let previous = result.last, CharacterClass.isCJK(previous.value) {
                var next = index
                while next < scalars.count, scalars[next].properties.isWhitespace { next += 1 }
                if next < scalars.count, CharacterClass.isCJK(scalars[next].value) {
                    index = next
                    continue
                }
            }
            result.append(scalar)
            index += 1
        }
        return String(result)
    }

    /// ASCII words: maximal runs of [a-z0-9], with a dot kept between two digits.
    static func words(_ text: String) -> Set<String> {
        let scalars = Array(text.unicodeScalars)
        func isAlnum(_ index: Int) -> Bool {
            guard index >= 0, index < scalars.count else { return false }
            let value = scalars[index].value
            return (0x30...0x39).contains(value) || (0x61...0x7A).contains(value)
                || (value >= 0x80 && !CharacterClass.isCJK(value) && scalars[index].properties.isAlphabetic)
        }
        func isDigit(_ index: Int) -> Bool {
            index >= 0 && index < scalars.count && (0x30...0x39).contains(scalars[index].value)
        }
        var words = Set<String>()
        var current = String.UnicodeScalarView()
        for index in scalars.indices {
            if isAlnum(index) || (scalars[index] == "." && isDigit(index - 1) && isDigit(index + 1) && !current.isEmpty) {
                current.append(scalars[index])
            } else if !current.isEmpty {
                words.insert(String(current))
                current = String.UnicodeScalarView()
            }
        }
        if !current.isEmpty { words.insert(String(current)) }
        return words
    }

    /// The entries whose text holds `substring`, compared as UTF-8 bytes by `strstr` (exact for whole
    /// scalars, since UTF-8 is self-synchronizing, and the texts hold no NUL; much faster than
    /// `String.contains` over 18,000 segments).
    func containing(_ substring: String) -> Set<String> {
        substring.withCString { needle in
            Set(entries.filter { entry in entry.joined.withCString { strstr($0, needle) != nil } }.map(\.id))
        }
    }

    func withWord(_ word: String) -> Set<String> {
        Set(entries.filter { $0.words.contains(word) }.map(\.id))
    }
}

/// Deterministic random numbers, so that a failure can be reproduced.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Exact search over the development corpus", .serialized, .removingTemporaryFoldersAfterSuite)
struct ExactSearchTests {
    /// The indexed corpus, built once for the suite.
    final class Fixture: @unchecked Sendable {
        let index: SearchIndex
        let segments: [Segment]
        let brute: BruteForce

        init() throws {
            let reports = try TestSupport.reports(inJSONLines: TestSupport.devCorpusPath)
            // Built in bulk, as `hanindex index` builds a new index; BulkIndexerTests checks that it
            // holds the same documents as one built with IndexWriter.
            let path = try TestSupport.index(reports, bulk: BulkIndexer.Options(workers: 2))
            index = try SearchIndex(path: path)
            let segmenter = Segmenter()
            segments = reports.flatMap(segmenter.segments(of:))
            brute = BruteForce(segments)
        }
    }

    nonisolated(unsafe) static var shared: Fixture?
    static func fixture() throws -> Fixture {
        if let shared { return shared }
        let fixture = try Fixture()
        shared = fixture
        return fixture
    }

    @Test("random CJK substrings of 1–8 characters (600 in the full run, 150 otherwise) find exactly the segments that contain them")
    func randomSubstrings() throws {
        let fixture = try Self.fixture()
        var generator = SeededGenerator(state: 20_261_128)
        var checked = 0
        var lengths = [Int: Int]()
        while checked < (TestSupport.isFullRun ? 600 : 150) {
            let entry = fixture.brute.entries.randomElement(using: &generator)!
            let scalars = Array(entry.joined.unicodeScalars)
            guard !scalars.isEmpty else { continue }
            let length = Int.random(in: 1...8, using: &generator)
            let start = Int.random(in: 0..<scalars.count, using: &generator)
            guard start + length <= scalars.count,
                  scalars[start..<(start + length)].allSatisfy({ CharacterClass.isCJK($0.value) })
            else { continue }
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[start..<(start + length)])
            let query = String(view)
            let expected = fixture.brute.containing(query)
            let found = try TestSupport.allMatches(query, in: fixture.index)
            #expect(found == expected, "query \(query): \(found.subtracting(expected).count) false hits, \(expected.subtracting(found).count) misses")
            // A page of the ten best still reports the exact total.
            #expect(try fixture.index.search(query).total == expected.count, "query \(query): total")
            #expect(!expected.isEmpty)
            checked += 1
            lengths[length, default: 0] += 1
        }
        #expect(lengths.keys.sorted() == Array(1...8))
    }

    @Test("documentIDs(matching: .anywhere(q)) finds exactly the documents whose text or title contains q")
    func documentLevelMatches() throws {
        let fixture = try Self.fixture()
        let titles = Dictionary(fixture.segments.map { ($0.doc, BruteForce.joinCJK(Normalizer.normalize($0.title))) },
                                uniquingKeysWith: { first, _ in first })
        /// Checks `query` against the brute force (title-only matches are tested in IndexSearchTests).
        func check(_ query: String) throws {
            let segmentIDs = fixture.brute.containing(query)
            let inText = Set(fixture.segments.filter { segmentIDs.contains($0.id) }.map(\.doc))
            let inTitle = Set(titles.filter { $0.value.contains(query) }.keys)
            let found = try fixture.index.documentIDs(matching: ParsedQuery.anywhere(query)!)
            #expect(Set(found) == inText.union(inTitle), "query \(query)")
            #expect(found.count == Set(found).count, "query \(query): duplicate document ids")
        }
        /// The CJK substrings of `text` with `length` characters.
        func substrings(of text: String, length: Int) -> [String] {
            let scalars = Array(text.unicodeScalars)
            guard scalars.count >= length else { return [] }
            return (0...(scalars.count - length)).compactMap { start in
                let slice = scalars[start..<(start + length)]
                return slice.allSatisfy({ CharacterClass.isCJK($0.value) }) ? String(String.UnicodeScalarView(slice)) : nil
            }
        }
        var generator = SeededGenerator(state: 5_000)
        var checked = 0
        while checked < 150 {
            let entry = fixture.brute.entries.randomElement(using: &generator)!
            let candidates = substrings(of: entry.joined, length: Int.random(in: 1...6, using: &generator))
            guard let query = candidates.randomElement(using: &generator) else { continue }
            try check(query)
            checked += 1
        }
        #expect(ParsedQuery.anywhere("，。") == nil)
    }

    @Test("ASCII words find exactly the segments that contain the word")
    func asciiWords() throws {
        let fixture = try Self.fixture()
        var generator = SeededGenerator(state: 7)
        let allWords = Set(fixture.brute.entries.flatMap(\.words)).filter { $0.unicodeScalars.allSatisfy(\.isASCII) }.sorted()
        #expect(allWords.count > 100)
        for _ in 0..<100 {
            let word = allWords.randomElement(using: &generator)!
            let found = try TestSupport.allMatches(word, in: fixture.index)
            #expect(found == fixture.brute.withWord(word), "word \(word)")
        }
    }

    @Test("strings absent from the corpus find nothing")
    func absentStrings() throws {
        let fixture = try Self.fixture()
        var generator = SeededGenerator(state: 99)
        var checked = 0
        while checked < 50 {
            let length = Int.random(in: 2...5, using: &generator)
            var view = String.UnicodeScalarView()
            for _ in 0..<length { view.append(Unicode.Scalar(UInt32.random(in: 0x4E00...0x9FA5, using: &generator))!) }
            let query = String(view)
            guard fixture.brute.containing(query).isEmpty else { continue }
            #expect(try TestSupport.allMatches(query, in: fixture.index).isEmpty, "query \(query)")
            checked += 1
        }
        #expect(try TestSupport.allMatches("zzqxjv", in: fixture.index).isEmpty)
    }

    @Test("a query across punctuation does not match: 数文 in 设置参数，文件名 style text")
    func noMatchAcrossPunctuation() throws {
        let fixture = try Self.fixture()
        // Every pair of CJK characters separated by punctuation in the corpus, but never adjacent.
        var checked = 0
        for entry in fixture.brute.entries.prefix(400) {
            let scalars = Array(entry.joined.unicodeScalars)
            for index in 1..<max(1, scalars.count - 1)
            where CharacterClass.isCJK(scalars[index - 1].value) && CharacterClass(scalars[index]) == .other
                && CharacterClass.isCJK(scalars[index + 1].value) {
                var view = String.UnicodeScalarView()
                view.append(scalars[index - 1])
                view.append(scalars[index + 1])
                let query = String(view)
                #expect(try TestSupport.allMatches(query, in: fixture.index) == fixture.brute.containing(query))
                checked += 1
                if checked >= 100 { return }
            }
        }
    }

    @Test("paging with offset visits every match once, in a stable order")
    func paging() throws {
        let fixture = try Self.fixture()
        let all = try fixture.index.search("系统", options: SearchOptions(limit: 100_000))
        #expect(all.total > 50)
        var paged: [String] = []
        var offset = 0
        while offset < all.total {
            let page = try fixture.index.search("系统", options: SearchOptions(limit: 17, offset: offset))
            #expect(page.total == all.total)
            paged += page.hits.map(\.id)
            offset += 17
        }
        #expect(paged == all.hits.map(\.id))
    }
}
