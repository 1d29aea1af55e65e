import Foundation
import Hummingbird

/// The search page, its script, style and icon, and the OpenAPI document.
struct FileRoutes: RouteGroup {
    let server: HanServer

    var routes: [Route] {
        server.files.keys.sorted().map { Route(.get, $0, handler: file) }
    }

    @Sendable func file(_ request: Request, _ context: BasicRequestContext) throws -> Response {
        guard let file = server.files[request.uri.path] else { throw HTTPError(.notFound) }
        return file.response
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
