import Hummingbird

/// Requires `Authorization: Bearer <token>` on the routes it guards when the server has a token.
/// The scheme name is case-insensitive (RFC 9110 §11.1); the token is not.
struct BearerAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The token; nil lets every request through.
    let token: String?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let token { try BearerAuthMiddleware.check(request.headers[.authorization] ?? "", token: token) }
        return try await next(request, context)
    }

    static func check(_ given: String, token: String) throws(APIError) {
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
