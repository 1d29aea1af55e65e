import Foundation
import HanSearch
import Hummingbird

/// An error answered as `{"error": {"code", "message", "records"?}}` with its HTTP status.
public struct APIError: Error, HTTPResponseError, Sendable {
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
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// `value` as a UTF-8 JSON response.
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: encoded(value))))
    }

    /// `value` as UTF-8 JSON.
    static func encoded(_ value: some Encodable) -> Data {
        (try? encoder.encode(value)) ?? Data(#"{"error":{"code":"internal","message":"encoding failed"}}"#.utf8)
    }
}

/// Turns every failure into the JSON error shape: Hummingbird's own errors (unknown route → 404, or
/// 405 with `Allow` when the path exists for other methods), and anything unexpected (→ 500, logged).
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Which methods each route path accepts, to tell 404 from 405.
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try error.response(from: request, context: context)
        } catch let error as HTTPError {
            return try translate(error, request: request).response(from: request, context: context)
        } catch {
            context.logger.error("unexpected error", metadata: ["error": "\(error)"])
            return try APIError(.internalServerError, code: "internal", "internal error: \(error)")
                .response(from: request, context: context)
        }
    }

    func translate(_ error: HTTPError, request: Request) -> APIError {
        switch error.status {
        case .notFound:
            let allowed = routes.methods(forPath: request.uri.path)
            if !allowed.isEmpty {
                let list = allowed.map(\.rawValue).sorted().joined(separator: ", ")
                return APIError(.methodNotAllowed, code: "method_not_allowed",
                                "\(request.method.rawValue) is not allowed on \(request.uri.path); use \(list)",
                                headers: [.allow: list])
            }
            return APIError(.notFound, code: "not_found",
                            "no route \(request.method.rawValue) \(request.uri.path); see GET /openapi.json")
        case .contentTooLarge:
            return APIError(.contentTooLarge, code: "body_too_large", error.body ?? "the request body is too large")
        default:
            return APIError(error.status, code: error.status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_"),
                            error.body ?? error.status.reasonPhrase)
        }
    }
}

/// The route paths and their methods, recorded as routes are registered.
final class RouteTable: Sendable {
    private let entries: [(path: String, methods: Set<HTTPRequest.Method>)]

    init(_ entries: [(path: String, methods: Set<HTTPRequest.Method>)]) {
        self.entries = entries
    }

    /// The methods registered for the route that `path` matches (`*` matches one segment, `**` the rest).
    func methods(forPath path: String) -> Set<HTTPRequest.Method> {
        let segments = path.split(separator: "/")
        var methods = Set<HTTPRequest.Method>()
        for entry in entries where RouteTable.matches(entry.path.split(separator: "/"), segments) {
            methods.formUnion(entry.methods)
        }
        return methods
    }

    private static func matches(_ pattern: [Substring], _ segments: [Substring]) -> Bool {
        for (index, part) in pattern.enumerated() {
            if part == "**" { return segments.count > index }
            guard index < segments.count, part == "*" || part.hasPrefix("{") || part == segments[index] else { return false }
        }
        return pattern.count == segments.count
    }
}

/// Headers for the browser's safety: `nosniff` on every response, so that no answer is taken for
/// another type than it says, and for the search page a Content-Security-Policy that allows scripts,
/// styles and connections from this server only, so that markup that slipped into a snippet runs nothing.
enum SecurityHeaders {
    /// On every response, including the refusals written below the router (``HTTP1Guard``).
    static let everyResponse: HTTPFields = [.xContentTypeOptions: "nosniff"]

    /// On HTML pages.
    static let page: HTTPFields = [
        .contentSecurityPolicy: "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ]
}

/// Adds ``SecurityHeaders/everyResponse`` to every answer of the router, errors included.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers.append(contentsOf: SecurityHeaders.everyResponse)
        return response
    }
}
