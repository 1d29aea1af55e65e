import Foundation

/// Where an input record came from, for messages.
public struct InputLocation: Sendable, Equatable, CustomStringConvertible {
    /// The file path as given or found.
    public var file: String
    /// The 1-based line number, when the problem is on one line.
    public var line: Int?
    /// The 0-based byte offset in the file, when known.
    public var byteOffset: Int?

    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        if let byteOffset { text += " (byte \(byteOffset))" }
        return text
    }
}

/// A record or file that could not be read; the rest of the input is still indexed.
public struct InputProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where the problem is.
    public var location: InputLocation
    /// What is wrong.
    public var message: String

    public var description: String { "\(location): \(message)" }
}

/// One input file and its size.
public struct InputFile: Sendable, Equatable {
    /// The file's path.
    public var path: String
    /// The path relative to the folder it was found in (or its name when given directly);
    /// the articles of a text file take it as the prefix of their document ids.
    public var relativePath: String
    /// Size in bytes.
    public var size: Int
    /// The format, from the extension.
    public var format: Format

    /// Describes a file to read.
    public init(path: String, relativePath: String, size: Int, format: Format) {
        self.path = path
        self.relativePath = relativePath
        self.size = size
        self.format = format
    }

    /// The input formats.
    public enum Format: Sendable, Equatable {
        /// JSON Lines, one report per line.
        case jsonLines
        /// One JSON report or an array of reports.
        case json
        /// Plain text extracted from a newspaper page: articles found by ``PageParser``.
        case text
        /// A PDF: its text layer read page by page, as a newspaper page or a report (see ``DocumentKind``).
        case pdf
        /// An HTML page: one report, read with libxml2's HTML parser (see `HTMLReader`).
        case html
    }
}

/// Reads reports from JSON Lines, JSON and plain-text files.
public struct CorpusReader: Sendable {
    /// Files larger than this are refused, naming the file. JSON Lines files are streamed, so
    /// this limit does not apply to them.
    public var maximumFileSize: Int
    /// How many bytes of a JSON Lines file are read at a time: reading takes this much memory plus
    /// the longest line, whatever the size of the file.
    public var chunkSize: Int
    /// PDFs larger than this are refused (poppler holds the whole file and its text in memory).
    public var maximumPDFSize = 256 << 20
    /// PDFs with more pages than this are refused.
    public var maximumPDFPages = 2_000
    /// Whether a PDF is read as a newspaper page or a report; by default chosen from its text.
    public var documentKind = DocumentKind.automatic

    /// Creates a reader.
    public init(maximumFileSize: Int = 1 << 30, chunkSize: Int = 1 << 20) {
        self.maximumFileSize = maximumFileSize
        self.chunkSize = max(1, chunkSize)
    }

    /// The size limit for files of `format`.
    func sizeLimit(for format: InputFile.Format) -> Int {
        format == .pdf ? min(maximumFileSize, maximumPDFSize) : maximumFileSize
    }

    /// The input files under `paths` (files, or folders searched recursively), sorted by path,
    /// and a problem for each path that does not exist or has an unsupported type.
    /// Hidden files and folders are skipped.
    public func files(in paths: [String]) -> (files: [InputFile], problems: [InputProblem]) {
        var files: [InputFile] = []
        var problems: [InputProblem] = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                problems.append(InputProblem(location: InputLocation(file: path), message: "no such file or folder"))
                continue
            }
            if isDirectory.boolValue {
                let children = (manager.enumerator(atPath: path)?.allObjects as? [String] ?? []).sorted()
                for child in children where !child.split(separator: "/").contains(where: { $0.hasPrefix(".") }) {
                    let full = (path as NSString).appendingPathComponent(child)
                    var childIsDirectory: ObjCBool = false
                    guard manager.fileExists(atPath: full, isDirectory: &childIsDirectory), !childIsDirectory.boolValue
                    else { continue }
                    add(full, relative: child, to: &files, problems: &problems)
                }
            } else {
                add(path, relative: (path as NSString).lastPathComponent, to: &files, problems: &problems)
            }
        }
        return (files, problems)
    }

    private func add(_ path: String, relative: String, to files: inout [InputFile], problems: inout [InputProblem]) {
        guard let format = CorpusReader.format(ofPath: path) else {
            problems.append(InputProblem(location: InputLocation(file: path),
                                         message: "skipped: not a .jsonl, .json, .txt, .pdf or .html file"))
            return
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        files.append(InputFile(path: path, relativePath: relative, size: size, format: format))
    }

    /// The format of the file at `path`, from its extension, or nil for a file that is not read.
    public static func format(ofPath path: String) -> InputFile.Format? {
        switch (path as NSString).pathExtension.lowercased() {
        case "jsonl", "ndjson": return .jsonLines
        case "json": return .json
        case "txt", "text": return .text
        case "pdf": return .pdf
        case "html", "htm", "xhtml": return .html
        default: return nil
        }
    }

    /// Reads `file`, calling `body` with each report and with a problem for each record or file that
    /// cannot be indexed (which is then skipped). `body` returns false to stop reading.
    public func read(_ file: InputFile, _ body: (ReadItem) -> Bool) {
        let location = InputLocation(file: file.path)
        if file.format == .jsonLines {
            streamJSONLines(file, body)
            return
        }
        guard file.size <= sizeLimit(for: file.format) else {
            _ = body(.problem(InputProblem(location: location,
                                           message: "the file is \(file.size) bytes; the limit is \(sizeLimit(for: file.format))")))
            return
        }
        // An empty file is refused without reading it: Foundation leaks a buffer reading an empty file.
        guard file.size > 0 else {
            _ = body(.problem(InputProblem(location: location, message: CorpusReader.emptyFileMessage)))
            return
        }
        guard let data = FileManager.default.contents(atPath: file.path) else {
            _ = body(.problem(InputProblem(location: location, message: "cannot read the file (permissions?)")))
            return
        }
        read([UInt8](data), of: file, body)
    }

    /// Reads `bytes` as the contents of `file` (its path names it in problems; its format says how to
    /// read it), like ``read(_:_:)`` without touching the disk.
    public func read(_ bytes: [UInt8], of file: InputFile, _ body: (ReadItem) -> Bool) {
        let location = InputLocation(file: file.path)
        guard !bytes.isEmpty else {
            _ = body(.problem(InputProblem(location: location, message: CorpusReader.emptyFileMessage)))
            return
        }
        switch file.format {
        case .jsonLines:
            var remaining: Data? = Data(bytes)
            readJSONLines(file: file, nextChunk: {
                defer { remaining = nil }
                return remaining ?? Data()
            }, body)
        case .json:
            if let text = validatedText(bytes, file: file.path, body) {
                for item in decodeJSON(text, location: location, allowArray: true) where !body(item) { return }
            }
        case .text:
            guard let text = validatedText(bytes, file: file.path, body), fileIDIsUsable(file, body) else { return }
            let page = PageParser().parse(text)
            if page.articles.isEmpty {
                _ = body(.problem(InputProblem(location: location, message: "the file holds only whitespace; nothing to index")))
            } else {
                _ = body(.page(page, fileID: file.relativePath, location))
            }
        case .html:
            guard fileIDIsUsable(file, body) else { return }
            switch HTMLReader.read(bytes, id: file.relativePath) {
            case .failure(let problem): _ = body(.problem(InputProblem(location: location, message: problem.description)))
            case .success(let report): _ = body(CorpusReader.validated(report, location: location))
            }
        case .pdf:
            guard bytes.count <= sizeLimit(for: .pdf) else {
                _ = body(.problem(InputProblem(location: location,
                                               message: "the file is \(bytes.count) bytes; the limit is \(sizeLimit(for: .pdf))")))
                return
            }
            guard fileIDIsUsable(file, body) else { return }
            switch PDFReader(maximumPages: maximumPDFPages, kind: documentKind).read(bytes, id: file.relativePath) {
            case .failure(let problem): _ = body(.problem(InputProblem(location: location, message: problem.description)))
            case .success(.page(let page)): _ = body(.page(page, fileID: file.relativePath, location))
            case .success(.report(let report)): _ = body(CorpusReader.validated(report, location: location))
            }
        }
    }

    /// Whether the file's relative path can be a document id; reports the problem when it cannot.
    private func fileIDIsUsable(_ file: InputFile, _ body: (ReadItem) -> Bool) -> Bool {
        guard let problem = Report.problems(forID: file.relativePath).first else { return true }
        _ = body(.problem(InputProblem(location: InputLocation(file: file.path), message: "the file name as document id: \(problem)")))
        return false
    }

    static let emptyFileMessage = "the file is empty; nothing to index"

    /// One report per non-empty line; a bad line is reported with its number and skipped. The file is
    /// read ``chunkSize`` bytes at a time, so memory does not grow with its size. A file that looks
    /// binary is one problem, not one per "line" (see ``binaryOffset(_:)``).
    private func streamJSONLines(_ file: InputFile, _ body: (ReadItem) -> Bool) {
        guard let handle = FileHandle(forReadingAtPath: file.path) else {
            _ = body(.problem(InputProblem(location: InputLocation(file: file.path),
                                           message: "cannot read the file (permissions?)")))
            return
        }
        defer { try? handle.close() }
        readJSONLines(file: file, nextChunk: { try handle.read(upToCount: chunkSize) ?? Data() }, body)
    }

    /// Reads JSON Lines from `nextChunk`, which returns the next bytes of `file` and empty data at its end.
    private func readJSONLines(file: InputFile, nextChunk: () throws -> Data, _ body: (ReadItem) -> Bool) {
        var pending: [UInt8] = []
        var pendingOffset = 0  // file offset of pending[0]
        var lineNumber = 1
        var atStart = true
        while true {
            let chunk: Data
            do {
                chunk = try nextChunk()
            } catch {
                _ = body(.problem(InputProblem(location: InputLocation(file: file.path, line: lineNumber),
                                               message: "cannot read the file: \(error.localizedDescription)")))
                return
            }
            let atEnd = chunk.isEmpty
            pending.append(contentsOf: chunk)
            if atStart {
                if pending.isEmpty {
                    _ = body(.problem(InputProblem(location: InputLocation(file: file.path),
                                                   message: CorpusReader.emptyFileMessage)))
                    return
                }
                guard pending.count >= 4096 || atEnd else { continue }
                atStart = false
                if let offset = CorpusReader.binaryOffset(pending) {
                    let line = pending[..<offset].reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
                    _ = body(.problem(InputProblem(location: InputLocation(file: file.path, line: line, byteOffset: offset),
                                                   message: "this looks like a binary file, not JSON Lines; the file is skipped")))
                    return
                }
                if pending.starts(with: [0xEF, 0xBB, 0xBF]) {
                    pending.removeFirst(3)
                    pendingOffset = 3
                }
            }
            let progress = JSONLines.split(pending[...], firstLine: lineNumber, atEnd: atEnd) { line, number in
                readJSONLine(line, offset: pendingOffset + line.startIndex, number: number, file: file.path, body)
            }
            if progress.stopped || atEnd { return }
            pending.removeFirst(progress.consumed)
            pendingOffset += progress.consumed
            lineNumber = progress.nextLine
        }
    }

    /// Reads one line of a JSON Lines file found at byte `offset` of the file; returns what `body` returns.
    private func readJSONLine(_ line: ArraySlice<UInt8>, offset: Int, number: Int, file: String,
                              _ body: (ReadItem) -> Bool) -> Bool {
        if let invalid = CorpusReader.firstInvalidUTF8Offset(line) {
            let problem = InputProblem(location: InputLocation(file: file, line: number, byteOffset: offset + invalid),
                                       message: "invalid UTF-8; the line is skipped")
            return body(.problem(problem))
        }
        let location = InputLocation(file: file, line: number)
        for item in decodeJSON(String(decoding: line, as: UTF8.self), location: location, allowArray: false)
        where !body(item) { return false }
        return true
    }

    /// The text of a whole file, or nil after reporting where its UTF-8 is invalid.
    private func validatedText(_ bytes: [UInt8], file: String, _ body: (ReadItem) -> Bool) -> String? {
        if let offset = CorpusReader.firstInvalidUTF8Offset(bytes[...]) {
            let line = bytes[..<offset].reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            _ = body(.problem(InputProblem(location: InputLocation(file: file, line: line, byteOffset: offset),
                                           message: "invalid UTF-8 (is this a binary file?); the file is skipped")))
            return nil
        }
        if let offset = bytes.firstIndex(of: 0) {
            let line = bytes[..<offset].reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            _ = body(.problem(InputProblem(location: InputLocation(file: file, line: line, byteOffset: offset),
                                           message: "contains a NUL byte (is this a binary file?); the file is skipped")))
            return nil
        }
        var text = String(decoding: bytes, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        return text
    }

    /// Decodes one report, or, when `allowArray`, an array of reports.
    func decodeJSON(_ text: String, location: InputLocation, allowArray: Bool) -> [ReadItem] {
        let data = Data(text.utf8)
        let isArray = text.first(where: { !$0.isWhitespace }) == "["
        do {
            if allowArray && isArray {
                return try CorpusReader.decode([Report].self, from: data).map { CorpusReader.validated($0, location: location) }
            }
            return [CorpusReader.validated(try CorpusReader.decode(Report.self, from: data), location: location)]
        } catch {
            return [.problem(InputProblem(location: location, message: CorpusReader.describe(error)))]
        }
    }

    /// The report, or a problem naming what is wrong with it.
    static func validated(_ report: Report, location: InputLocation) -> ReadItem {
        let problems = report.problems()
        guard problems.isEmpty else {
            let id = report.id.isEmpty ? "" : " \"\(InputProblem.printable(report.id))\""
            return .problem(InputProblem(location: location,
                                         message: "record\(id) skipped: " + problems.joined(separator: "; ")))
        }
        return .report(report, location)
    }

    /// A one-line explanation of a JSON decoding error.
    public static func describe(_ error: Error) -> String {
        guard let error = error as? DecodingError else { return "malformed JSON: \(error.localizedDescription)" }
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? "the record" : "\"" + keys.joined(separator: ".") + "\""
        }
        switch error {
        case .keyNotFound(let key, _):
            return "malformed record: the required field \"\(key.stringValue)\" is missing"
        case .typeMismatch(let type, let context):
            return "malformed record: \(path(context)) must be \(describe(type))"
        case .valueNotFound(let type, let context):
            return "malformed record: \(path(context)) must be \(describe(type)), not null"
        case .dataCorrupted(let context):
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return "malformed JSON: " + (underlying ?? context.debugDescription)
        @unknown default:
            return "malformed JSON"
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is [String].Type: return "an array of strings"
        case is [Any].Type: return "an array"
        default: return "an object with \"id\", \"title\" and \"body\""
        }
    }

    /// Where `bytes` shows that it is binary rather than text with a few bad lines, or nil: at least two
    /// of the whole lines in its first 4 KiB, and more of them than not, hold a NUL byte or invalid UTF-8.
    /// Returns the offset of the first such byte.
    static func binaryOffset(_ bytes: [UInt8]) -> Int? {
        let head = bytes.prefix(4096)
        var first: Int?
        var bad = 0, lines = 0
        var start = head.startIndex
        while let end = head[start...].firstIndex(of: 0x0A) {
            lines += 1
            let line = head[start..<end]
            let offsets = [line.firstIndex(of: 0), firstInvalidUTF8Offset(line).map { start + $0 }].compactMap { $0 }
            if let offset = offsets.min() {
                bad += 1
                first = first ?? offset
            }
            start = end + 1
        }
        return bad >= 2 && bad * 2 > lines ? first : nil
    }

    /// The offset of the first byte that is not valid UTF-8, relative to the slice start, or nil.
    static func firstInvalidUTF8Offset(_ bytes: ArraySlice<UInt8>) -> Int? {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                offset += UTF8.width(scalar)
            case .emptyInput:
                return nil
            case .error:
                return offset
            }
        }
    }
}

/// What a ``CorpusReader`` reads: a report, or a problem with a record or file.
public enum ReadItem: Sendable, Equatable {
    /// A valid report and where it was read.
    case report(Report, InputLocation)
    /// A newspaper page read from a text file; `fileID` (the file's relative path) prefixes its article ids.
    case page(Page, fileID: String, InputLocation)
    /// A record or file that is skipped, and why.
    case problem(InputProblem)
}
