import CXapian

/// Timeouts for a database served over TCP by `xapian-tcpsrv` (Xapian's remote backend).
public struct RemoteTimeouts: Sendable, Equatable {
    /// How long one operation may wait for the server before failing with `NetworkTimeoutError`,
    /// in milliseconds.
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

extension XapianError {
    /// True when a remote database could not be reached or stopped answering
    /// (`NetworkError`, `NetworkTimeoutError`, or a connection closed mid-answer).
    public var isNetworkError: Bool {
        type == "NetworkError" || type == "NetworkTimeoutError"
    }
}

extension Database {
    /// Opens the database served read-only by `xapian-tcpsrv` at `host:port` (`Xapian::Remote::open`).
    ///
    /// Throws a ``XapianError/isNetworkError`` error when nothing answers within the connect timeout.
    public convenience init(remoteHost host: String, port: UInt16, timeouts: RemoteTimeouts = RemoteTimeouts())
        throws(XapianError) {
        try self.init(shards: [])
        try addRemote(host: host, port: port, timeouts: timeouts)
    }

    /// Adds the database served by `xapian-tcpsrv` at `host:port` as one more shard of this database.
    public func addRemote(host: String, port: UInt16, timeouts: RemoteTimeouts = RemoteTimeouts())
        throws(XapianError) {
        try call {
            hx_database_add_remote(handle, host, UInt32(port), timeouts.operationMilliseconds,
                                   timeouts.connectMilliseconds, &$0)
        }
    }
}

extension WritableDatabase {
    /// Opens the database served by `xapian-tcpsrv --writable` at `host:port` for writing
    /// (`Xapian::Remote::open_writable`). The server holds the database's write lock while connected.
    public convenience init(remoteHost host: String, port: UInt16, timeouts: RemoteTimeouts = RemoteTimeouts())
        throws(XapianError) {
        try self.init(adopting: try make {
            hx_writable_database_open_remote(host, UInt32(port), timeouts.operationMilliseconds,
                                             timeouts.connectMilliseconds, &$0)
        })
    }
}
