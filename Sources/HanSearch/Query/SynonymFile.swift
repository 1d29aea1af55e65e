import Foundation

/// A synonym file that cannot be used, with the file and line at fault when there is one.
public struct SynonymError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file, when the problem comes from one.
    public var file: String?
    /// The 1-based line of the file, when the problem is on one line.
    public var line: Int?
    /// What is wrong, in words.
    public var message: String

    /// Creates an error; ``SynonymFile/load()`` adds the file and line.
    public init(file: String? = nil, line: Int? = nil, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        switch (file, line) {
        case let (file?, line?): return "\(file):\(line): \(message)"
        case let (file?, nil): return "\(file): \(message)"
        default: return message
        }
    }
}

/// Where a ``SynonymTable`` comes from: a UTF-8 text file with one group per line, members separated by
/// whitespace, `#` starting a comment that runs to the end of the line, blank lines ignored.
///
/// The default file is `synonyms.txt` inside the index folder and may be absent (no synonyms); a file
/// named explicitly must exist.
public struct SynonymFile: Sendable, Equatable, CustomStringConvertible {
    /// The file's path.
    public var path: String
    /// Whether a missing file is an error (a file named explicitly) rather than no synonyms (the default one).
    public var isRequired: Bool

    /// The name of the default file inside the index folder.
    public static let defaultName = "synonyms.txt"
    /// Files larger than this are refused.
    public static let maximumBytes = 1 << 20

    /// Creates a file reference.
    public init(path: String, isRequired: Bool) {
        self.path = path
        self.isRequired = isRequired
    }

    /// The file to use: `explicit` when given (and then required), otherwise `synonyms.txt` in the index
    /// named by `index` when that is a single local folder; nil for a shard list without `explicit`.
    public static func resolve(explicit: String?, index: String) -> SynonymFile? {
        if let explicit { return SynonymFile(path: explicit, isRequired: true) }
        guard let shards = try? ShardList(parsing: index), shards.isSingleFolder else { return nil }
        return SynonymFile(path: (index as NSString).appendingPathComponent(defaultName), isRequired: false)
    }

    public var description: String { path }

    /// What identifies the version of the file on disk now; nil when there is no file.
    public func stamp() -> FileStamp? {
        try? FileStamp(path: path)
    }

    /// Reads and checks the file. A missing default file is an empty table.
    public func load() throws(SynonymError) -> SynonymTable {
        guard FileManager.default.fileExists(atPath: path) else {
            if isRequired { throw SynonymError(file: path, message: "no such synonym file") }
            return .empty
        }
        guard let handle = FileHandle(forReadingAtPath: path),
              let data = try? handle.read(upToCount: SynonymFile.maximumBytes + 1) ?? Data() else {
            throw SynonymError(file: path, message: "cannot be read (is it a folder, or not readable?)")
        }
        try? handle.close()
        guard data.count <= SynonymFile.maximumBytes else {
            throw SynonymError(file: path, message: "the file is larger than \(SynonymFile.maximumBytes) bytes, "
                + "the most a synonym file may hold")
        }
        return try SynonymFile.parse(Array(data), file: path)
    }

    /// Parses the contents of a synonym file; errors name `file` and the line.
    public static func parse(_ bytes: [UInt8], file: String) throws(SynonymError) -> SynonymTable {
        var groups: [[String]] = []
        for (number, rawLine) in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            guard var line = String(validating: rawLine, as: UTF8.self) else {
                throw SynonymError(file: file, line: number + 1, message: "invalid UTF-8")
            }
            if number == 0, line.hasPrefix("\u{FEFF}") { line.removeFirst() }
            if let comment = line.firstIndex(of: "#") { line = String(line[..<comment]) }
            let members = line.split(whereSeparator: \.isWhitespace).map(String.init)
            guard !members.isEmpty else { continue }
            do {
                groups.append(try SynonymTable.group(members))
            } catch {
                throw SynonymError(file: file, line: number + 1, message: error.message)
            }
        }
        return SynonymTable(checkedGroups: groups)
    }
}
