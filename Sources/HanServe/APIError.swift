import Foundation
import HanAPI
import HanSearch
import Hummingbird

/// An error answered as `{"error": {"code", "message", "records"?}}` with its HTTP status.
public struct APIError: Error, HTTPResponseError, Sendable, CustomStringConvertible {
    /// The HTTP status.
    public var status: HTTPResponse.Status
    /// A stable, machine-readable code, e.g. `bad_query`.
    public var code: String
    /// What is wrong, for a person.
    public var message: String
    /// For 422: every bad record.
    public var records: [RecordProblem]?
    /// Extra response headers (`Allow` for 405, `WWW-Authenticate` for 401).
    public var headers: HTTPFields

    /// Creates an error.
    public init(_ status: HTTPResponse.Status, code: String, _ message: String, records: [RecordProblem]? = nil,
                headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.records = records
        self.headers = headers
    }

    /// The JSON body of an error response.
    public struct Body: Codable, Sendable, Equatable {
        /// The error itself.
        public struct Detail: Codable, Sendable, Equatable {
            /// See ``APIError/code``.
            public var code: String
            /// See ``APIError/message``.
            public var message: String
            /// See ``APIError/records``.
            public var records: [RecordProblem]?
        }
        /// The error.
        public var error: Detail
    }

    /// The message alone: what an MCP tool error says.
    public var description: String { message }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = JSONResponse.make(Body(error: .init(code: code, message: message, records: records)),
                                         status: status)
        response.headers.append(contentsOf: headers)
        return response
    }

    static func badParameter(_ name: String, _ message: String) -> APIError {
        APIError(.badRequest, code: "bad_parameter", "parameter \"\(name)\": \(message)")
    }

    static func unavailable(_ message: String) -> APIError {
        APIError(.serviceUnavailable, code: "unavailable", message)
    }

    /// The answer for a failure of the index itself: 503 for what passes (a lock, a shard that does not
    /// answer, commits that kept discarding what a read was reading), 404 for a missing document, and
    /// 500 for the rest.
    static func from(_ error: HanSearchError) -> APIError {
        switch error {
        case .documentNotFound:
            return APIError(.notFound, code: "document_not_found", error.description)
        case .indexLocked, .modified:
            return unavailable(error.description)
        case .unavailable:
            return APIError(.serviceUnavailable, code: "shard_unavailable", error.description)
        case .indexNotFound, .folderNotEmpty, .io, .data, .analyzerMismatch, .foldingMismatch, .engine:
            return APIError(.internalServerError, code: "index_error", error.description)
        }
    }
}

/// Encodes JSON responses the same way everywhere.
enum JSONResponse {
    /// `value` as a UTF-8 JSON response.
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: encoded(value))))
    }

    /// `value` as UTF-8 JSON.
    static func encoded(_ value: some Encodable) -> Data {
        (try? APIJSON.encoder.encode(value)) ?? Data(#"{"error":{"code":"internal","message":"encoding failed"}}"#.utf8)
    }
}
