import Foundation
import HanSearch
import Hummingbird

/// `GET`, `DELETE /documents/{id}` and `POST /documents`; the writes need the bearer token when the
/// server has one (``BearerAuthMiddleware``).
struct DocumentRoutes: RouteGroup {
    let server: HanServer
    var configuration: ServerConfiguration { server.configuration }

    static let documentsPrefix = "/documents/"
    /// Media types accepted by `POST /documents`.
    static let jsonLinesTypes: Set<String> = ["application/x-ndjson", "application/jsonl", "application/jsonlines"]

    var routes: [Route] {
        [Route(.get, "/documents/**", handler: document),
         Route(.post, "/documents", writes: true, handler: add),
         Route(.delete, "/documents/**", writes: true, handler: delete)]
    }

    @Sendable func document(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let id = try documentID(request)
        var query: String?
        for (name, value) in try SearchParameters.decode(request.uri.query ?? "") {
            guard name == "q" else { throw APIError.badParameter(name, "unknown; the only parameter is q (words to highlight)") }
            guard value.count <= configuration.maximumQueryLength else {
                throw APIError(.badRequest, code: "query_too_long",
                               "parameter \"q\" is \(value.count) characters long; the limit is \(configuration.maximumQueryLength)")
            }
            query = value.allSatisfy(\.isWhitespace) ? nil : value
        }
        if let query {
            do {
                _ = try QueryParser().parse(query)
            } catch {
                throw APIError(.badRequest, code: "bad_query", "the query cannot be parsed: \(error)")
            }
        }
        return JSONResponse.make(try await server.document(id: id, highlighting: query))
    }

    @Sendable func add(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let mediaType = (request.headers[.contentType] ?? "").split(separator: ";").first
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        let format: ReportBatch.Format
        if mediaType == "application/json" {
            format = .json
        } else if DocumentRoutes.jsonLinesTypes.contains(mediaType) {
            format = .jsonLines
        } else {
            throw APIError(.unsupportedMediaType, code: "unsupported_media_type",
                           "Content-Type must be application/json (one report or an array) or application/x-ndjson "
                           + "(JSON Lines), not \(mediaType.isEmpty ? "missing" : "\"\(mediaType)\"")")
        }
        let started = ContinuousClock.now
        let bytes = try await body(of: request, context: context)
        let (reports, problems) = ReportBatch.parse(bytes, format: format)
        guard problems.isEmpty else {
            throw APIError(.unprocessableContent, code: "invalid_records", ReportBatch.refusal(problems), records: problems)
        }
        return JSONResponse.make(try await server.add(reports, started: started))
    }

    @Sendable func delete(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        JSONResponse.make(try await server.delete(id: try documentID(request)))
    }

    /// The document id after `/documents/`, percent-decoded (ids may contain `/`).
    private func documentID(_ request: Request) throws(APIError) -> String {
        let raw = request.uri.path.dropFirst(DocumentRoutes.documentsPrefix.count)
        guard let id = raw.removingPercentEncoding, !id.isEmpty else {
            throw APIError(.badRequest, code: "bad_document_id",
                           "the document id in the path has invalid percent-encoding: \"\(raw.prefix(100))\"")
        }
        return id
    }

    /// The whole body, or 413 when it is longer than the limit.
    ///
    /// A refused body is still read and dropped (up to four times the limit), so that a client that sends
    /// it all before reading the answer, with `Connection: close`, gets the 413 instead of hanging.
    /// A body that cannot be read to its end (a bad chunk size, a chunk or body shorter than declared
    /// before the connection ends) is the client's fault: 400, logged at info, and nothing of it is used.
    func body(of request: Request, context: BasicRequestContext) async throws -> [UInt8] {
        let limit = configuration.maximumBodyBytes
        var tooLarge = request.headers[.contentLength].flatMap(Int.init).map { $0 > limit } ?? false
        var bytes: [UInt8] = []
        var received = 0
        do {
            for try await buffer in request.body {
                received += buffer.readableBytes
                if received > limit { tooLarge = true }
                if tooLarge {
                    if received > 4 * limit { break }
                } else {
                    bytes.append(contentsOf: buffer.readableBytesView)
                }
            }
        } catch {
            context.logger.info("unreadable request body", metadata: ["error": "\(error)", "bytes": "\(received)"])
            throw APIError(.badRequest, code: "bad_body",
                           "the request body could not be read after \(received) bytes (\(error)); nothing was indexed")
        }
        guard !tooLarge else {
            throw APIError(.contentTooLarge, code: "body_too_large",
                           "the request body is larger than the limit of \(limit) bytes; send fewer reports per request")
        }
        return bytes
    }
}
