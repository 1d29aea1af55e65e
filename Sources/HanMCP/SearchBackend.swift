import HanAPI
import HanSearch
import MCP

/// What the MCP tools run on: an index that `hanindex mcp` opened itself, or the server's reader pool
/// and writer actor. Each call answers exactly what the matching HTTP route answers; a failure is thrown
/// and becomes a tool error (`isError`) whose text is the error's description.
public protocol SearchBackend: Sendable {
    /// The bounds of the search tool's arguments.
    var limits: SearchLimits { get }
    /// Whether `add_reports` and `delete_document` are offered at all (`hanindex mcp` without
    /// `--writable`: no).
    var offersWrites: Bool { get }
    /// `GET /search`.
    func search(_ query: String, options: SearchOptions) async throws -> SearchResponse
    /// `GET /documents/{id}`, with `?q=` as `highlight`; throws ``HanSearchError/documentNotFound(id:)``.
    func document(id: String, highlight: String?) async throws -> DocumentResponse
    /// `POST /documents` with reports already validated: all are committed or none.
    func add(_ reports: [Report]) async throws -> WriteResponse
    /// `DELETE /documents/{id}`.
    func delete(id: String) async throws -> DeleteResponse
    /// `GET /stats`, as JSON.
    func stats() async throws -> Value
    /// Throws unless the request that called a writing tool may write (over HTTP: its bearer token).
    /// `request` is the HTTP request that carried the call, nil over stdio.
    func authorizeWrite(_ request: HTTPRequest?) throws
}

/// The bounds of the search tool's arguments (the server's own, or the defaults of `GET /search`).
public struct SearchLimits: Sendable {
    /// The longest query, in characters.
    public var maximumQueryLength: Int
    /// The largest `limit`.
    public var maximumLimit: Int
    /// The largest `offset`.
    public var maximumOffset: Int

    /// Creates limits; the defaults are `hanserve`'s.
    public init(maximumQueryLength: Int = 500, maximumLimit: Int = 1_000, maximumOffset: Int = 1_000_000) {
        self.maximumQueryLength = maximumQueryLength
        self.maximumLimit = maximumLimit
        self.maximumOffset = maximumOffset
    }
}

/// A tool's refusal of its arguments or its call, in words for the assistant.
public struct ToolError: Error, CustomStringConvertible {
    /// What is wrong and, when it helps, what to do instead.
    public var description: String

    /// Creates a refusal.
    public init(_ description: String) {
        self.description = description
    }
}
