import Hummingbird

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
