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
        } else if mediaType == "application/pdf" {
            return try await addFile(request, context, format: .pdf)
        } else if mediaType == "text/html" {
            return try await addFile(request, context, format: .html)
        } else {
            throw APIError(.unsupportedMediaType, code: "unsupported_media_type",
                           "Content-Type must be application/json (one report or an array), application/x-ndjson "
                           + "(JSON Lines), application/pdf or text/html, not \(mediaType.isEmpty ? "missing" : "\"\(mediaType)\"")")
        }
        let started = ContinuousClock.now
        let bytes = try await body(of: request, context: context)
        let (reports, problems) = ReportBatch.parse(bytes, format: format)
        guard problems.isEmpty else {
            throw APIError(.unprocessableContent, code: "invalid_records", ReportBatch.refusal(problems), records: problems)
        }
        return JSONResponse.make(try await server.add(reports.map { .add($0) }, started: started))
    }

    /// `POST /documents` with a PDF or HTML body: one report `<id>`, or the articles `<id>/<n>` of a newspaper
    /// page (PDF). The id comes from `?id=` or the `filename` of `Content-Disposition`; `?kind=auto|page|report`
    /// as `hanindex index --pdf-kind`. A file that cannot be read whole is 422 and nothing is indexed.
    private func addFile(_ request: Request, _ context: BasicRequestContext, format: InputFile.Format) async throws -> Response {
        var id = DocumentRoutes.fileName(inContentDisposition: request.headers[.contentDisposition])
        var reader = CorpusReader()
        for (name, value) in try SearchParameters.decode(request.uri.query ?? "") {
            switch name {
            case "id": id = value
            case "kind":
                guard let kind = DocumentKind(rawValue: value) else {
                    throw APIError.badParameter(name, "must be auto, page or report, not \"\(value.prefix(40))\"")
                }
                reader.documentKind = kind
            default: throw APIError.badParameter(name, "unknown; a PDF or HTML body takes id and kind")
            }
        }
        guard let id, !id.isEmpty else {
            throw APIError(.badRequest, code: "missing_id",
                           "a PDF or HTML body needs a document id: ?id=report.pdf, or Content-Disposition: attachment; filename=\"report.pdf\"")
        }
        let started = ContinuousClock.now
        let bytes = try await body(of: request, context: context)
        var item: ReadItem?
        reader.read(bytes, of: InputFile(path: id, relativePath: id, size: bytes.count, format: format)) {
            item = $0
            return false
        }
        let changes: [IndexChange]
        switch item {
        case .report(let report, _)?:
            changes = [.add(report)]
        case .page(let page, let fileID, _)?:
            changes = IndexChange.changes(forPage: page, fileID: fileID)
        case .problem(let problem)?:
            throw APIError(.unprocessableContent, code: format == .pdf ? "invalid_pdf" : "invalid_html", "\(problem)")
        case nil:
            throw APIError(.unprocessableContent, code: format == .pdf ? "invalid_pdf" : "invalid_html",
                           "\(id): nothing to index; nothing was indexed")
        }
        return JSONResponse.make(try await server.add(changes, started: started))
    }

    /// The `filename` parameter of a `Content-Disposition` header, without its directory, or nil.
    static func fileName(inContentDisposition header: String?) -> String? {
        guard let header else { return nil }
        for parameter in header.split(separator: ";").dropFirst() {
            let parts = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, parts[0].lowercased() == "filename" else { continue }
            let name = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            return (name as NSString).lastPathComponent
        }
        return nil
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
