import CXapian

extension XapianError {
    /// True when a remote database could not be reached or stopped answering
    /// (`NetworkError`, `NetworkTimeoutError`, or a connection closed mid-answer).
    public var isNetworkError: Bool {
        type == "NetworkError" || type == "NetworkTimeoutError"
    }
}

extension Database {
    /// Opens the database served read-only by `xapian-tcpsrv` at `host:port` (`Xapian::Remote::open`).
    /// Each operation may wait `operationMilliseconds` for the server and connecting `connectMilliseconds`
    /// (positive) before failing with an ``XapianError/isNetworkError`` error.
    public convenience init(remoteHost host: String, port: UInt16, operationMilliseconds: UInt32,
                            connectMilliseconds: UInt32) throws(XapianError) {
        try self.init(shards: [])
        try addRemote(host: host, port: port, operationMilliseconds: operationMilliseconds,
                      connectMilliseconds: connectMilliseconds)
    }

    /// Adds the database served by `xapian-tcpsrv` at `host:port` as one more shard of this database.
    public func addRemote(host: String, port: UInt16, operationMilliseconds: UInt32,
                          connectMilliseconds: UInt32) throws(XapianError) {
        try call {
            hx_database_add_remote(reader, host, UInt32(port), operationMilliseconds, connectMilliseconds, &$0)
        }
    }
}

extension WritableDatabase {
    /// Opens the database served by `xapian-tcpsrv --writable` at `host:port` for writing
    /// (`Xapian::Remote::open_writable`). The server holds the database's write lock while connected.
    public convenience init(remoteHost host: String, port: UInt16, operationMilliseconds: UInt32,
                            connectMilliseconds: UInt32) throws(XapianError) {
        try self.init(adopting: try make {
            hx_writable_database_open_remote(host, UInt32(port), operationMilliseconds, connectMilliseconds, &$0)
        })
    }
}
