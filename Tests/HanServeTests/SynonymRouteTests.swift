import Foundation
import HanSearch
@testable import HanServe
import Hummingbird
import HummingbirdTesting
import HanSearchTestSupport
import Testing

@Suite("Synonyms in the server", .removingTemporaryFolders)
struct SynonymRouteTests {
    static let reports = [
        Report(id: "s1", title: "港城", body: "招引企业来甬落户发展。\n宁波落户政策。\n杭州落户。"),
    ]

    /// A server on a new index whose synonyms.txt holds `synonyms` (none when nil), and its router-test client.
    private func withServer(synonyms: String?, _ body: @escaping @Sendable (HanServer, any TestClientProtocol) async throws -> Void)
        async throws {
        var configuration = ServerConfiguration(indexPath: try ServerTest.makeIndex(SynonymRouteTests.reports), readers: 2)
        if let synonyms {
            try synonyms.write(toFile: configuration.indexPath + "/synonyms.txt", atomically: true, encoding: .utf8)
        }
        configuration.port = 0
        let server = try HanServer.open(configuration: configuration, logger: ServerTest.logger)
        let app = Application(router: buildRouter(server: server), services: [server.writer], logger: ServerTest.logger)
        try await app.test(.router) { try await body(server, $0) }
    }

    private func total(_ client: some TestClientProtocol, _ query: String) async throws -> Int {
        try await ServerTest.search(client, ["q": query]).total
    }

    /// `/stats` with its added field.
    struct Stats: Decodable {
        var synonyms: SynonymStatus
        var segments: Int
    }

    private func stats(_ client: some TestClientProtocol) async throws -> SynonymStatus {
        return try ServerTest.decode(Stats.self, try await client.execute(uri: "/stats", method: .get)).synonyms
    }

    @Test("a changed file widens searches after the reload; a broken one keeps the previous groups and shows its error")
    func reload() async throws {
        try await withServer(synonyms: nil) { server, client in
            let file = server.configuration.indexPath + "/synonyms.txt"
            #expect(try await total(client, "宁波落户") == 1)
            #expect(try await stats(client) == SynonymStatus(file: file, groups: 0, error: nil))

            try "甬 宁波\n".write(toFile: file, atomically: true, encoding: .utf8)
            server.synonyms.reloadIfChanged()
            #expect(try await total(client, "宁波落户") == 2)
            #expect(try await total(client, "\"宁波落户\"") == 1)
            #expect(try await stats(client) == SynonymStatus(file: file, groups: 1, error: nil))
            let document = try await client.execute(uri: "/documents/s1?q=%E5%AE%81%E6%B3%A2%E8%90%BD%E6%88%B7", method: .get)
            #expect(String(buffer: document.body).contains("来<mark>甬落户</mark>"))

            try "甬 宁波\n杭州\n".write(toFile: file, atomically: true, encoding: .utf8)
            #expect(server.synonyms.reload() == false)
            #expect(try await total(client, "宁波落户") == 2)
            let status = try await stats(client)
            #expect(status.groups == 1)
            #expect(status.error?.hasPrefix("\(file):2: ") == true)

            try "甬 宁波\n杭州 杭\n".write(toFile: file, atomically: true, encoding: .utf8)
            #expect(server.synonyms.reload())
            #expect(try await total(client, "杭落户") == 1)
            #expect(try await stats(client) == SynonymStatus(file: file, groups: 2, error: nil))

            try FileManager.default.removeItem(atPath: file)
            server.synonyms.reloadIfChanged()
            #expect(try await total(client, "宁波落户") == 1)
        }
    }

    @Test("the watcher reloads a file that changes on disk by itself")
    func watcher() async throws {
        let folder = URL(fileURLWithPath: temporaryPath("synonyms"))
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("synonyms.txt").path
        try "甬 宁波\n".write(toFile: file, atomically: true, encoding: .utf8)
        let store = try SynonymStore(file: SynonymFile(path: file, isRequired: true), logger: ServerTest.logger)
        let watching = Task { try await SynonymWatcher(store: store, interval: .milliseconds(20)).run() }
        defer { watching.cancel() }
        try "甬 宁波\n沪 上海\n".write(toFile: file, atomically: true, encoding: .utf8)
        // Bounded by turns, not by the clock: while other suites keep the cooperative threads busy, this
        // loop and the watcher both wait, and the watcher needs only a couple of its 20 ms turns.
        for _ in 0..<1_000 where store.table.groups.count != 2 {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(store.table.groups == [["甬", "宁波"], ["沪", "上海"]])
    }

    @Test("a query that expands into too many alternatives is a 400")
    func tooManyAlternatives() async throws {
        let group = (1...9).map { "成员\(String(repeating: "甲", count: $0))" }.joined(separator: " ")
        try await withServer(synonyms: group) { _, client in
            let response = try await client.execute(uri: ServerTest.searchURI(["q": "成员甲乙成员甲"]), method: .get)
            try ServerTest.expectError(response, .badRequest, code: "bad_query")
        }
    }

    @Test("a broken file at start is a start error naming the file and line")
    func brokenAtStart() throws {
        let path = try ServerTest.makeIndex(SynonymRouteTests.reports)
        let file = (path as NSString).deletingLastPathComponent + "/mine.txt"
        try "甬 宁波\nc++ c语言\n".write(toFile: file, atomically: true, encoding: .utf8)
        var configuration = ServerConfiguration(indexPath: path)
        configuration.synonymsPath = file
        let error = #expect(throws: ServerStartError.self) {
            _ = try HanServer.open(configuration: configuration, logger: ServerTest.logger)
        }
        #expect(error?.description.hasPrefix("\(file):2: ") == true)
        // Nothing was left open: a writer can take the index.
        try IndexWriter.waitingForLock(path: path).close()
    }
}
