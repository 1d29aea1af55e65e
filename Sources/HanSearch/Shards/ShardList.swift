import Foundation
internal import Xapian

/// Where one shard of an index lives.
public enum ShardLocation: Sendable, Hashable, CustomStringConvertible {
    /// An index folder on this machine.
    case local(path: String)
    /// A database served by `xapian-tcpsrv` (add `--writable` to the server for writing to it).
    case remote(host: String, port: UInt16)

    /// `index/a` or `tcp://127.0.0.1:7001`, as the user writes it.
    public var description: String {
        switch self {
        case .local(let path): return path
        case .remote(let host, let port):
            return "tcp://\(host.contains(":") ? "[\(host)]" : host):\(port)"
        }
    }

    /// Whether the shard is reached over the network.
    public var isRemote: Bool {
        if case .remote = self { return true }
        return false
    }
}

/// A problem with a shard list, naming the entry and what is wrong.
public struct ShardListError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What is wrong.
    public let description: String
}

/// The shards that together make up one index, in a fixed order.
///
/// Written wherever an index is named (`--index`), as one of:
/// - a single folder, `index` — exactly the unsharded index of before;
/// - a comma-separated list, `index/a,index/b` or `tcp://127.0.0.1:7001,tcp://127.0.0.1:7002`
///   (folders and remote entries may be mixed);
/// - `@FILE`: a file with one entry per line (blank lines and lines starting with `#` are skipped).
///
/// The order is part of the index: a document lives in shard ``shard(forDocument:)``, which depends on
/// the position and the number of shards. Reordering, adding or removing shards needs a reindex.
public struct ShardList: Sendable, Hashable, CustomStringConvertible {
    /// The shards, in routing order.
    public let shards: [ShardLocation]

    /// A list of the given shards; throws for an empty list or a shard named twice.
    public init(_ shards: [ShardLocation]) throws(ShardListError) {
        guard !shards.isEmpty else { throw ShardListError(description: "the shard list is empty") }
        var seen = Set<ShardLocation>()
        for shard in shards where !seen.insert(shard).inserted {
            throw ShardListError(description: "shard \(shard) is listed twice")
        }
        self.shards = shards
    }

    /// The single local index at `path`.
    public init(path: String) {
        shards = [.local(path: path)]
    }

    /// Parses an `--index` value (see the type's documentation); `@FILE` is read relative to the
    /// current directory.
    public init(parsing spec: String) throws(ShardListError) {
        if spec.hasPrefix("@") {
            let file = String(spec.dropFirst())
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw ShardListError(description: "cannot read the shard list file \(file)")
            }
            let lines = text.split(whereSeparator: \.isNewline)
                .map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty && !$0.hasPrefix("#") }
            guard !lines.isEmpty else { throw ShardListError(description: "the shard list file \(file) names no shard") }
            try self.init(entries: lines)
        } else {
            try self.init(entries: spec.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) })
        }
    }

    private init(entries: [String]) throws(ShardListError) {
        var locations: [ShardLocation] = []
        for entry in entries { locations.append(try ShardList.location(entry)) }
        try self.init(locations)
    }

    /// One entry: `tcp://HOST:PORT` (IPv6 hosts in brackets) or a folder.
    static func location(_ entry: String) throws(ShardListError) -> ShardLocation {
        guard !entry.isEmpty else { throw ShardListError(description: "the shard list has an empty entry") }
        guard entry.lowercased().hasPrefix("tcp://") else {
            guard !entry.contains("://") else {
                throw ShardListError(description: "shard \(entry): only tcp://HOST:PORT entries and folders are supported")
            }
            return .local(path: entry)
        }
        let address = entry.dropFirst("tcp://".count)
        guard let colon = address.lastIndex(of: ":") else {
            throw ShardListError(description: "shard \(entry): a remote shard is written tcp://HOST:PORT")
        }
        var host = String(address[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let portText = address[address.index(after: colon)...]
        guard !host.isEmpty else { throw ShardListError(description: "shard \(entry): the host is missing") }
        guard let port = UInt16(portText), port > 0 else {
            throw ShardListError(description: "shard \(entry): the port must be a number from 1 to 65535, not \"\(portText)\"")
        }
        return .remote(host: host, port: port)
    }

    /// The entries joined by commas, as accepted by ``init(parsing:)``.
    public var description: String { shards.map(\.description).joined(separator: ",") }

    /// The number of shards.
    public var count: Int { shards.count }

    /// Whether this is a single local folder (the unsharded layout).
    public var isSingleFolder: Bool {
        if shards.count == 1, case .local = shards[0] { return true }
        return false
    }

    /// The position of the shard that holds document `id`: the 64-bit FNV-1a hash of the id's UTF-8
    /// bytes, modulo the number of shards. The hash is fixed (unlike Swift's `Hasher`, which is seeded
    /// per process), so a replace or delete finds the shard the document was first written to.
    public func shard(forDocument id: String) -> Int {
        Int(ShardList.fnv1a64(id) % UInt64(shards.count))
    }

    /// The 64-bit FNV-1a hash of the UTF-8 bytes of `text` (offset basis 0xcbf29ce484222325, prime 0x100000001b3).
    public static func fnv1a64(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// Opens all shards read-only as one Xapian database (a multi-database: term statistics are global,
    /// so BM25 scores equal those of a single index holding every document).
    ///
    /// Throws ``ShardsUnavailableError`` naming the remote shards that cannot be reached.
    func openDatabase(timeouts: RemoteTimeouts) throws -> Database {
        let database = try Database(shards: [])
        for shard in shards {
            switch shard {
            case .local(let path):
                do {
                    try database.add(try Database(path: path))
                } catch {
                    throw HanSearchError.from(error, path: path, action: "opening the index")
                }
            case .remote(let host, let port):
                do {
                    try database.addRemote(host: host, port: port, operationMilliseconds: timeouts.operationMilliseconds,
                                           connectMilliseconds: timeouts.connectMilliseconds)
                } catch where error.isNetworkError {
                    throw ShardsUnavailableError(shards: [shard], reason: error.message)
                } catch {
                    throw HanSearchError.from(error, path: shard.description, action: "opening the shard")
                }
            }
        }
        return database
    }

    /// The data dictionaries of the shards (``DataDictionary``), each shard opened on its own: searched
    /// together, they show only the first shard's metadata.
    func dataDictionaries(timeouts: RemoteTimeouts) throws -> [DataDictionary] {
        try shards.compactMap { shard in
            switch shard {
            case .local(let path):
                return try DataDictionary.stored(in: try Database(path: path))
            case .remote(let host, let port):
                return try DataDictionary.stored(in: try Database(remoteHost: host, port: port,
                                                                  operationMilliseconds: timeouts.operationMilliseconds,
                                                                  connectMilliseconds: timeouts.connectMilliseconds))
            }
        }
    }

    /// The remote shards that do not answer now: each one is connected to afresh, with `timeouts`.
    public func unreachable(timeouts: RemoteTimeouts) -> [ShardLocation] {
        shards.filter { shard in
            guard case .remote(let host, let port) = shard else { return false }
            do throws(XapianError) {
                let probe = try Database(remoteHost: host, port: port, operationMilliseconds: timeouts.operationMilliseconds,
                                         connectMilliseconds: timeouts.connectMilliseconds)
                _ = try probe.reopen()
                return false
            } catch {
                return error.isNetworkError
            }
        }
    }
}

/// Some remote shards did not answer (connection refused or closed, or no answer within the timeout).
public struct ShardsUnavailableError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The shards that did not answer.
    public let shards: [ShardLocation]
    /// Xapian's message for the first failure.
    public let reason: String

    public var description: String {
        let names = shards.map(\.description).joined(separator: ", ")
        return "shard\(shards.count == 1 ? "" : "s") \(names) unavailable (\(reason)); "
            + "start xapian-tcpsrv there again, or search the live shards with partial results"
    }
}

/// Timeouts for remote shards (served by `xapian-tcpsrv`).
///
/// A process that connects to remote shards must ignore `SIGPIPE` (`signal(SIGPIPE, SIG_IGN)`, as
/// hanindex and hanserve do at start): a write to a closed connection must fail with an error, not end
/// the process.
public struct RemoteTimeouts: Sendable, Equatable {
    /// How long one operation may wait for the server before failing, in milliseconds.
    public var operationMilliseconds: UInt32
    /// How long connecting may take before failing, in milliseconds (must be positive).
    public var connectMilliseconds: UInt32

    /// Creates timeouts; Xapian's own defaults are 10 s each.
    public init(operationMilliseconds: UInt32 = 10_000, connectMilliseconds: UInt32 = 10_000) {
        self.operationMilliseconds = operationMilliseconds
        self.connectMilliseconds = connectMilliseconds
    }

    /// The same `milliseconds` for connecting and for each operation.
    public static func milliseconds(_ milliseconds: UInt32) -> RemoteTimeouts {
        RemoteTimeouts(operationMilliseconds: milliseconds, connectMilliseconds: milliseconds)
    }
}
