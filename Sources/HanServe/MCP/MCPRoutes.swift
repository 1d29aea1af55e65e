import Foundation
import HanMCP
import HTTPTypes
import Hummingbird
import MCP
import NIOCore

/// `POST` and `DELETE /mcp`: MCP over Streamable HTTP. Each session (begun by an `initialize`, named
/// by the `Mcp-Session-Id` header after it) is an SDK `Server` on its own ``StatefulHTTPServerTransport``;
/// all of them run the tools on this server's reader pool and writer. A POST is answered with an SSE
/// stream that carries the one response. `GET /mcp` is 405: the tools send nothing unasked, so there is
/// no stream for a client to hold open (the specification allows this).
struct MCPRoutes: RouteGroup {
    let server: HanServer
    let sessions: MCPSessions

    init(server: HanServer) {
        self.server = server
        sessions = MCPSessions(backend: ServerToolBackend(server: server),
                               loopback: ["127.0.0.1", "localhost", "::1"].contains(server.configuration.host))
    }

    var routes: [Route] {
        [Route(.post, "/mcp", handler: handle), Route(.delete, "/mcp", handler: handle)]
    }

    @Sendable func handle(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { $0 + ", " + field.value } ?? field.value
        }
        let body = request.method == .post ? try await DocumentRoutes(server: server).body(of: request, context: context) : []
        let answer = await sessions.handle(MCP.HTTPRequest(method: request.method.rawValue, headers: headers,
                                                           body: body.isEmpty ? nil : Data(body), path: request.uri.path))
        var fields = HTTPFields()
        for (name, value) in answer.headers {
            if let name = HTTPField.Name(name) { fields[name] = value }
        }
        let status = HTTPResponse.Status(code: answer.statusCode)
        switch answer {
        case .stream(let events, _):
            return Response(status: status, headers: fields,
                            body: ResponseBody(asyncSequence: events.map { ByteBuffer(bytes: $0) }))
        default:
            return Response(status: status, headers: fields,
                            body: answer.bodyData.map { ResponseBody(byteBuffer: ByteBuffer(bytes: $0)) } ?? ResponseBody())
        }
    }
}

/// The MCP sessions by id. A session left idle for ``idleLimit`` is closed when the next one begins,
/// and at most ``maximumSessions`` are open at once (clients that never send DELETE would otherwise
/// keep theirs for good).
actor MCPSessions {
    private struct Session {
        let server: Server
        let transport: StatefulHTTPServerTransport
        var lastUsed: ContinuousClock.Instant
    }

    static let idleLimit: Duration = .seconds(3_600)
    static let maximumSessions = 1_000

    private let backend: any SearchBackend
    private let validation: any HTTPRequestValidationPipeline
    private var sessions: [String: Session] = [:]

    /// `loopback`: the server listens on a loopback address only, so requests must name it in `Host`
    /// and come from a loopback `Origin`, if any (a web page elsewhere could otherwise reach it through
    /// DNS rebinding). A server listening on the network answers to any name it is given.
    init(backend: any SearchBackend, loopback: Bool) {
        self.backend = backend
        validation = StandardValidationPipeline(validators: [
            loopback ? OriginValidator.localhost() : OriginValidator.disabled,
            AcceptHeaderValidator(mode: .sseRequired), ContentTypeValidator(), ProtocolVersionValidator(), SessionValidator(),
        ])
    }

    /// Answers one HTTP request: to its session, or a new session for an `initialize`.
    func handle(_ request: MCP.HTTPRequest) async -> MCP.HTTPResponse {
        let id = request.header(HTTPHeaderName.sessionID)
        if let id, var session = sessions[id] {
            session.lastUsed = .now
            sessions[id] = session
            let response = await session.transport.handleRequest(request)
            if request.method.uppercased() == "DELETE", response.statusCode == 200 {
                await close(id)
            }
            return response
        }
        if request.method.uppercased() == "POST", MCPSessions.isInitialize(request.body) {
            return await begin(request)
        }
        if let id {
            return .error(statusCode: 404, .invalidRequest("no MCP session \"\(id.prefix(100))\": it ended or expired; initialize a new one"))
        }
        return .error(statusCode: 400, .invalidRequest("missing \(HTTPHeaderName.sessionID) header: send initialize first"))
    }

    private func begin(_ request: MCP.HTTPRequest) async -> MCP.HTTPResponse {
        let now = ContinuousClock.now
        for (id, session) in sessions where now - session.lastUsed > MCPSessions.idleLimit {
            await close(id)
        }
        guard sessions.count < MCPSessions.maximumSessions else {
            return .error(statusCode: 503, .internalError("too many MCP sessions (\(MCPSessions.maximumSessions)); end one with DELETE /mcp or retry later"))
        }
        let id = UUID().uuidString
        let transport = StatefulHTTPServerTransport(sessionIDGenerator: FixedSessionID(id: id), validationPipeline: validation)
        let server = await HanMCPServer.make(backend: backend)
        do {
            try await server.start(transport: transport)
        } catch {
            await transport.disconnect()
            return .error(statusCode: 500, .internalError("the MCP session could not start: \(error)"))
        }
        sessions[id] = Session(server: server, transport: transport, lastUsed: now)
        let response = await transport.handleRequest(request)
        if case .error = response { await close(id) }
        return response
    }

    /// Whether `body` is one JSON-RPC `initialize` request (the SDK's own test is not public).
    static func isInitialize(_ body: Data?) -> Bool {
        guard let body, let message = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return false }
        return message["method"] as? String == "initialize" && message["id"] != nil
    }

    private func close(_ id: String) async {
        guard let session = sessions.removeValue(forKey: id) else { return }
        await session.server.stop()
    }

    /// Hands the transport the id chosen here, so that the session is filed under it before it answers.
    private struct FixedSessionID: SessionIDGenerator {
        let id: String
        func generateSessionID() -> String { id }
    }
}
