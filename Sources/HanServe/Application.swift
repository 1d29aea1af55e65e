import Foundation
import HanSearch
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Why the server cannot start.
public struct ServerStartError: Error, CustomStringConvertible {
    /// What is wrong, one message per problem.
    public var problems: [String]
    public var description: String { problems.joined(separator: "\n") }
}

/// Everything the routes share: the configuration, the read-handle pool, the writer and the metrics.
/// Open it with ``open(configuration:logger:)``; ``writer`` must run as a service (it commits what is
/// pending and closes the index on graceful shutdown).
public struct HanServer: Sendable {
    /// The configuration it was opened with.
    public let configuration: ServerConfiguration
    /// The single writer; run it as a service of the application.
    public let writer: IndexWriterService
    /// The watcher of ``ServerConfiguration/watchFolder``, when one is set; it writes through ``writer``.
    public let watcher: FolderWatchService?
    let readers: ReaderPool
    /// The synonyms applied to queries; run ``SynonymWatcher`` to keep them current.
    let synonyms: SynonymStore
    let metrics: ServerMetrics
    /// The search page, its script, style and icon, and the OpenAPI document, by path.
    let files: [String: StaticFile]

    /// Opens (or creates) the index at `configuration.indexPath` for writing and opens the read handles.
    /// Throws ``ServerStartError`` for a bad configuration or an index that cannot be opened (for example
    /// one locked by a running `hanindex`).
    public static func open(configuration: ServerConfiguration, logger: Logger) throws -> HanServer {
        let problems = configuration.problems()
        guard problems.isEmpty else { throw ServerStartError(problems: problems) }
        let files = try StaticFile.load()
        // One thread per read handle, and one for the writer, so that commits never wait for searches.
        let threadPool = NIOThreadPool(numberOfThreads: configuration.readers + 1)
        threadPool.start()
        do {
            let synonyms = try SynonymStore(file: SynonymFile.resolve(explicit: configuration.synonymsPath,
                                                                      index: configuration.indexPath), logger: logger)
            let generation = IndexGeneration()
            let commitGate = CommitGate()
            let writer = try ShardedWriter(shards: try ShardList(parsing: configuration.indexPath),
                                           timeouts: .milliseconds(configuration.shardTimeoutMilliseconds))
            writer.commitGate = commitGate
            let readers = try ReaderPool(path: configuration.indexPath,
                                         timeouts: .milliseconds(configuration.shardTimeoutMilliseconds),
                                         size: configuration.readers,
                                         maximumWaiting: configuration.maximumWaitingReads,
                                         generation: generation, commitGate: commitGate, threadPool: threadPool)
            let service = IndexWriterService(writer: writer, threadPool: threadPool, generation: generation, logger: logger)
            return HanServer(configuration: configuration, writer: service,
                             watcher: configuration.watchFolder.map {
                                 FolderWatchService(folder: $0, interval: configuration.watchIntervalSeconds,
                                                    writer: service, logger: logger)
                             },
                             readers: readers, synonyms: synonyms, metrics: ServerMetrics(), files: files)
        } catch {
            try? threadPool.syncShutdownGracefully()
            throw ServerStartError(problems: ["\(error)"])
        }
    }

    /// The services to run with the application: the writer, the synonym watcher, then the folder
    /// watcher (stopped first).
    public var services: [any Service] {
        [writer, SynonymWatcher(store: synonyms)] + (watcher.map { [$0] } ?? [])
    }

}

/// A file served as it is, from the module's resources.
struct StaticFile: Sendable {
    let contents: ByteBuffer
    let headers: HTTPFields

    /// The served files by path; throws ``ServerStartError`` when one is missing beside the binary.
    static func load() throws -> [String: StaticFile] {
        let table: [(path: String, resource: String, type: String, headers: HTTPFields)] = [
            ("/", "index.html", "text/html; charset=utf-8", SecurityHeaders.page),
            ("/app.js", "app.js", "text/javascript; charset=utf-8", [:]),
            ("/app.css", "app.css", "text/css; charset=utf-8", [:]),
            ("/favicon.ico", "favicon.svg", "image/svg+xml", [:]),
            ("/openapi.json", "openapi.json", "application/json; charset=utf-8", [:]),
        ]
        var files: [String: StaticFile] = [:]
        for entry in table {
            guard let url = Bundle.module.url(forResource: entry.resource, withExtension: nil),
                  let data = try? Data(contentsOf: url) else {
                throw ServerStartError(problems: ["the server's resource \(entry.resource) is missing next to the binary"])
            }
            var headers: HTTPFields = [.contentType: entry.type, .cacheControl: "no-cache"]
            headers.append(contentsOf: entry.headers)
            files[entry.path] = StaticFile(contents: ByteBuffer(bytes: data), headers: headers)
        }
        return files
    }

    var response: Response {
        Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: contents))
    }
}

/// The application: the router, on `configuration.host:port`, with the writer as a service.
/// `onServerRunning` is called with the bound port once it listens.
public func buildApplication(configuration: ServerConfiguration, logger: Logger,
                             onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in })
    throws -> some ApplicationProtocol {
    let server = try HanServer.open(configuration: configuration, logger: logger)
    return Application(
        router: buildRouter(server: server),
        // Without an idle timeout, a connection that the HTTP layer refused (a request line over its size
        // limit: 400 and stop reading) stayed open for good, even after the client left: 20 such clients
        // held 20 descriptors. The timeout closes those and idle keep-alive connections alike.
        server: HTTPConnection.builder(idleTimeout: .seconds(configuration.idleTimeoutSeconds)),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "hanserve"),
        services: server.services,
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger)
}

/// The routes of the API and the search page, with logging, metrics and JSON errors for every request.
public func buildRouter(server: HanServer) -> Router<BasicRequestContext> {
    typealias Handler = @Sendable (Request, BasicRequestContext) async throws -> Response
    let handlers = Handlers(server: server)
    let routes: [(method: HTTPRequest.Method, path: String, handler: Handler)] = [
        (.get, "/", handlers.file),
        (.get, "/app.js", handlers.file),
        (.get, "/app.css", handlers.file),
        (.get, "/favicon.ico", handlers.file),
        (.get, "/search", handlers.search),
        (.get, "/documents/**", handlers.document),
        (.post, "/documents", handlers.add),
        (.delete, "/documents/**", handlers.delete),
        (.get, "/health", handlers.health),
        (.get, "/stats", handlers.stats),
        (.get, "/metrics", handlers.metrics),
        (.get, "/openapi.json", handlers.file),
    ]
    var table: [String: Set<HTTPRequest.Method>] = [:]
    for route in routes {
        table[route.path, default: []].insert(route.method)
        if route.method == .get { table[route.path, default: []].insert(.head) }
    }
    let router = Router(context: BasicRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: ObservabilityMiddleware(metrics: server.metrics))
    router.add(middleware: ErrorMiddleware(routes: RouteTable(table.map { ($0.key, $0.value) })))
    for route in routes {
        router.on(RouterPath(route.path), method: route.method, use: route.handler)
    }
    return router
}

/// The route handlers.
struct Handlers: Sendable {
    let server: HanServer
    var configuration: ServerConfiguration { server.configuration }

    static let documentsPrefix = "/documents/"
    /// Media types accepted by `POST /documents`.
    static let jsonLinesTypes: Set<String> = ["application/x-ndjson", "application/jsonl", "application/jsonlines"]

    @Sendable func file(_ request: Request, _ context: BasicRequestContext) throws -> Response {
        guard let file = server.files[request.uri.path] else { throw HTTPError(.notFound) }
        return file.response
    }

    @Sendable func search(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let parameters = try SearchParameters(rawQuery: request.uri.query, configuration: configuration)
        let started = ContinuousClock.now
        let answer = try await read { index in
            try index.search(parameters.query, options: parameters.options, allowPartial: parameters.allowPartial)
        }
        let results = answer.results
        var response = SearchResponse(query: results.query, total: results.total,
                                      tookMilliseconds: milliseconds(since: started), hits: results.hits)
        response.facets = results.facets
        if !answer.missingShards.isEmpty {
            response.partial = true
            response.missingShards = answer.missingShards.map(\.description)
        }
        return JSONResponse.make(response)
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
        let highlightQuery = query
        let document = try await read { index -> DocumentResponse? in
            let segments = try index.segments(ofDocument: id)
            guard let first = segments.first else { return nil }
            var highlights: [String: String]?
            if let query = highlightQuery {
                // Snippets longer than the longest segment are the whole segment, highlighted.
                let options = SearchOptions(limit: segments.count, document: id,
                                            snippetLength: segments.map(\.text.unicodeScalars.count).max() ?? 0)
                let hits = try index.search(query, options: options).hits
                highlights = Dictionary(hits.map { ($0.id, $0.snippet) }, uniquingKeysWith: { first, _ in first })
            }
            return DocumentResponse(id: id, title: first.title, date: first.date, source: first.source,
                                    segments: segments, highlights: highlights)
        }
        guard let document else { throw APIError.from(HanSearchError.documentNotFound(id: id)) }
        return JSONResponse.make(document)
    }

    @Sendable func add(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        try authorize(request)
        let mediaType = (request.headers[.contentType] ?? "").split(separator: ";").first
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        let format: ReportBatch.Format
        if mediaType == "application/json" {
            format = .json
        } else if Handlers.jsonLinesTypes.contains(mediaType) {
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
            let first = problems[0].description
            throw APIError(.unprocessableContent, code: "invalid_records",
                           "\(problems.count) invalid record\(problems.count == 1 ? "" : "s"); nothing was indexed. "
                           + (problems.count == 1 ? first : "The first: \(first)"), records: problems)
        }
        let counts = try await server.writer.submit(reports.map { .add($0) })
        server.metrics.recordWrites(reports: reports.count, deletions: 0)
        return JSONResponse.make(WriteResponse(indexed: reports.count, segments: counts.reduce(0, +),
                                               ids: reports.map(\.id), tookMilliseconds: milliseconds(since: started)))
    }

    @Sendable func delete(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        try authorize(request)
        let id = try documentID(request)
        let counts = try await server.writer.submit([.delete(documentID: id)])
        guard let removed = counts.first, removed > 0 else {
            throw APIError.from(HanSearchError.documentNotFound(id: id))
        }
        server.metrics.recordWrites(reports: 0, deletions: 1)
        return JSONResponse.make(DeleteResponse(deleted: id, segments: removed))
    }

    @Sendable func health(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        guard await server.writer.isOpen else { throw APIError.unavailable("the server is shutting down") }
        return JSONResponse.make(HealthResponse(status: "ok"))
    }

    @Sendable func stats(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        JSONResponse.make(StatsResponse(index: try await read { try $0.totalStats() }, synonyms: server.synonyms.status,
                                        watch: server.watcher?.status))
    }

    @Sendable func metrics(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let stats = try await read { try $0.totalStats() }
        let figures = ServerMetrics.IndexFigures(sizeBytes: stats.sizeBytes, documents: stats.documents,
                                                 segments: stats.segments, commits: await server.writer.commits,
                                                 readers: server.readers.size)
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: server.metrics.exposition(index: figures))))
    }

    /// Runs `body` with a read handle whose parser has the current synonyms, turning query and index errors
    /// into API errors.
    private func read<T: Sendable>(_ body: @escaping @Sendable (SearchIndex) throws -> T) async throws -> T {
        do {
            let synonyms = server.synonyms.table
            return try await server.readers.withReader { index in
                index.parser.synonyms = synonyms
                return try index.withShardRecovery(body)
            }
        } catch let error as ShardsUnavailableError {
            throw APIError(.serviceUnavailable, code: "shard_unavailable", error.description)
        } catch let error as QuerySyntaxError {
            throw APIError(.badRequest, code: "bad_query", "the query cannot be parsed: \(error)")
        } catch let error as HanSearchError {
            throw APIError.from(error)
        }
    }

    /// The document id after `/documents/`, percent-decoded (ids may contain `/`).
    private func documentID(_ request: Request) throws(APIError) -> String {
        let raw = request.uri.path.dropFirst(Handlers.documentsPrefix.count)
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
    private func body(of request: Request, context: BasicRequestContext) async throws -> [UInt8] {
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

    /// Requires `Authorization: Bearer <token>` when the server has a token. The scheme name is
    /// case-insensitive (RFC 9110 §11.1); the token is not.
    private func authorize(_ request: Request) throws(APIError) {
        guard let token = configuration.token else { return }
        let given = request.headers[.authorization] ?? ""
        let parts = given.split(separator: " ", maxSplits: 1)
        let scheme = parts.first.map { $0.lowercased() } ?? ""
        let credentials = parts.count == 2 ? parts[1].drop { $0 == " " } : ""
        // Compare every byte, so the time taken does not tell how much of the token was right.
        var difference = credentials.utf8.count ^ token.utf8.count
        for (a, b) in zip(credentials.utf8, token.utf8) { difference |= Int(a ^ b) }
        guard scheme == "bearer", difference == 0 else {
            throw APIError(.unauthorized, code: "unauthorized",
                           given.isEmpty ? "this write needs the header Authorization: Bearer <HANSERVE_TOKEN>"
                           : scheme != "bearer" ? "the Authorization scheme must be Bearer"
                           : "the bearer token is wrong", headers: [.wwwAuthenticate: "Bearer"])
        }
    }
}
