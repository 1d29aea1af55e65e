import Foundation

/// How a ``buildApplication(configuration:logger:)`` server is set up.
public struct ServerConfiguration: Sendable {
    /// The index folder; created when missing.
    public var indexPath: String
    /// The address to listen on.
    public var host: String
    /// The port to listen on (0 picks a free one).
    public var port: Int
    /// Request bodies larger than this many bytes are refused with 413.
    public var maximumBodyBytes: Int
    /// Read handles in the pool: how many searches run at the same time.
    public var readers: Int
    /// Requests that may wait for a read handle before new ones get 503.
    public var maximumWaitingReads: Int
    /// Queries longer than this many characters are refused with 400.
    public var maximumQueryLength: Int
    /// The largest `limit` a search accepts.
    public var maximumLimit: Int
    /// The largest `offset` a search accepts.
    public var maximumOffset: Int
    /// When set, write requests need `Authorization: Bearer <token>`.
    public var token: String?
    /// Connections with nothing read or written for this long are closed.
    public var idleTimeoutSeconds = 30
    /// For a sharded index (``indexPath`` a shard list): how long connecting to and each operation on a
    /// remote shard may take, in milliseconds, before the request fails with 503 naming the shard.
    public var shardTimeoutMilliseconds: UInt32 = 10_000
    /// The synonym file (`--synonyms`); nil for `synonyms.txt` in the index folder, if there is one.
    public var synonymsPath: String?
    /// A folder to keep the index in step with (``FolderWatchService``), if any.
    public var watchFolder: String?
    /// Seconds between scans of ``watchFolder``.
    public var watchIntervalSeconds: Double = 1

    /// The default body limit, 32 MiB.
    public static let defaultMaximumBodyBytes = 32 << 20

    /// Creates a configuration; the defaults suit a local server.
    public init(indexPath: String, host: String = "127.0.0.1", port: Int = 8080,
                maximumBodyBytes: Int = ServerConfiguration.defaultMaximumBodyBytes,
                readers: Int = ServerConfiguration.defaultReaders, maximumWaitingReads: Int = 1_024,
                maximumQueryLength: Int = 500, maximumLimit: Int = 1_000, maximumOffset: Int = 1_000_000,
                token: String? = nil) {
        self.indexPath = indexPath
        self.host = host
        self.port = port
        self.maximumBodyBytes = maximumBodyBytes
        self.readers = readers
        self.maximumWaitingReads = maximumWaitingReads
        self.maximumQueryLength = maximumQueryLength
        self.maximumLimit = maximumLimit
        self.maximumOffset = maximumOffset
        self.token = token
    }

    /// One read handle per core, at least two.
    public static var defaultReaders: Int { max(2, ProcessInfo.processInfo.activeProcessorCount) }

    /// Every problem with the configuration, as messages naming the setting; empty when it is usable.
    public func problems() -> [String] {
        var problems: [String] = []
        if indexPath.isEmpty { problems.append("--index must name a folder") }
        if !(0...65_535).contains(port) { problems.append("--port must be between 0 and 65535, not \(port)") }
        if maximumBodyBytes < 1 { problems.append("--max-body-bytes must be positive, not \(maximumBodyBytes)") }
        if !(1...256).contains(readers) { problems.append("--readers must be between 1 and 256, not \(readers)") }
        if maximumQueryLength < 1 { problems.append("the query length limit must be positive") }
        if maximumLimit < 1 { problems.append("the limit maximum must be positive") }
        if idleTimeoutSeconds < 1 { problems.append("--idle-timeout must be at least 1 second, not \(idleTimeoutSeconds)") }
        if let watchFolder { problems += ServerConfiguration.watchProblems(watchFolder, interval: watchIntervalSeconds) }
        if let token, token.isEmpty { problems.append("HANSERVE_TOKEN is set but empty") }
        if token == nil && !ServerConfiguration.isLoopback(host) {
            problems.append("refusing to listen on \(host) without a token: anyone who can reach it could change "
                + "the index. Set HANSERVE_TOKEN, or listen on 127.0.0.1")
        }
        return problems
    }

    private static func watchProblems(_ folder: String, interval: Double) -> [String] {
        var problems: [String] = []
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) || !isDirectory.boolValue {
            problems.append("--watch: \(folder) is not a folder")
        }
        if !(0.05...86_400).contains(interval) {
            problems.append("--watch-interval must be between 0.05 and 86400 seconds, not \(interval)")
        }
        return problems
    }

    /// Whether `host` only accepts connections from this machine.
    public static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "::1" || host == "[::1]" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }
}
