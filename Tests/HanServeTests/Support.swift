import Foundation
import HanSearch
@testable import HanServe
import Hummingbird
import HummingbirdTesting
import Logging
import HanSearchTestSupport
import Testing

/// Test helpers: a server on a temporary index, requests, and JSON decoding.
enum ServerTest {
    /// Reports that most tests search: dated, several paragraphs, one id with a slash and one in Chinese.
    static let reports: [Report] = [
        Report(id: "r1", title: "科技服务业发展报告", body: "宁波科技服务业营业收入持续增长。\n独角兽企业数量位居全省前列。\n第三段没有关键词。",
               date: "2022-08-01", source: "宁波日报"),
        Report(id: "r2", title: "港城创新", body: "科技服务业是重要一环。\n创新生态日益完善。", date: "2021-03-15"),
        Report(id: "pages/2020/a.txt", title: "旧闻", body: "科技服务业起步。", date: "2020-01-02"),
        Report(id: "报告-四", title: "无日期的报告", body: "这里提到科技服务业一次。"),
    ]

    static let logger: Logger = {
        var logger = Logger(label: "hanserve-tests")
        logger.logLevel = .warning
        return logger
    }()

    /// Writes `reports` into a new index, closes it, and returns its path.
    static func makeIndex(_ reports: [Report]) throws -> String {
        let path = temporaryPath()
        let writer = try IndexWriter.waitingForLock(path: path)
        for report in reports { try writer.add(report) }
        try writer.commit()
        try writer.close()
        return path
    }

    /// Runs `body` against a server (router only, no port) on a new index holding `reports`.
    static func withServer(_ reports: [Report] = ServerTest.reports,
                           configure: (inout ServerConfiguration) -> Void = { _ in },
                           _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        var configuration = ServerConfiguration(indexPath: try makeIndex(reports), port: 0, readers: 3)
        configure(&configuration)
        let app = try buildApplication(configuration: configuration, logger: logger)
        try await app.test(.router, body)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ response: TestResponse,
                                     sourceLocation: SourceLocation = #_sourceLocation) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(buffer: response.body))
        } catch {
            Issue.record("cannot decode \(type) from \(String(buffer: response.body)): \(error)", sourceLocation: sourceLocation)
            throw error
        }
    }

    /// Checks that `response` is a JSON error with `status` and `code`, and returns it.
    @discardableResult
    static func expectError(_ response: TestResponse, _ status: HTTPResponse.Status, code: String,
                            sourceLocation: SourceLocation = #_sourceLocation) throws -> APIError.Body.Detail {
        #expect(response.status == status, "body: \(String(buffer: response.body))", sourceLocation: sourceLocation)
        #expect(response.headers[.contentType]?.hasPrefix("application/json") == true, sourceLocation: sourceLocation)
        let error = try decode(APIError.Body.self, response, sourceLocation: sourceLocation).error
        #expect(error.code == code, "message: \(error.message)", sourceLocation: sourceLocation)
        #expect(!error.message.isEmpty, sourceLocation: sourceLocation)
        return error
    }

    /// `GET /search` with the query string built from `parameters` (percent-encoded).
    static func searchURI(_ parameters: KeyValuePairs<String, String>) -> String {
        var components = URLComponents()
        components.path = "/search"
        components.queryItems = parameters.map { URLQueryItem(name: $0.key, value: $0.value) }
        return components.string!.replacingOccurrences(of: "+", with: "%2B")
    }

    static func search(_ client: some TestClientProtocol, _ parameters: KeyValuePairs<String, String>) async throws -> SearchResponse {
        let response = try await client.execute(uri: searchURI(parameters), method: .get)
        #expect(response.status == .ok, "body: \(String(buffer: response.body))")
        return try decode(SearchResponse.self, response)
    }

    static func post(_ client: some TestClientProtocol, _ body: String, contentType: String = "application/json",
                     headers extra: HTTPFields = [:]) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: contentType]
        headers.append(contentsOf: extra)
        return try await client.execute(uri: "/documents", method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    static func json(_ reports: [Report]) -> String {
        String(decoding: try! JSONEncoder().encode(reports), as: UTF8.self)
    }

    static func percentEncoded(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
    }
}
