import Hummingbird

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
