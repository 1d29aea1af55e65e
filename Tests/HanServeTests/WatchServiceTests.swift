import Foundation
import HanSearch
import HanSearchTestSupport
@testable import HanServe
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("hanserve --watch", .removingTemporaryFolders)
struct WatchServiceTests {
    /// A new folder to watch, with `files` (name → text) modified a minute ago.
    private static func folder(_ files: [String: String]) throws -> String {
        let folder = temporaryPath("watch")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (name, text) in files {
            let path = folder + "/" + name
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-60)], ofItemAtPath: path)
        }
        return folder
    }

    @Test("a file dropped into the watched folder becomes searchable, a deleted one disappears, and HTTP writes go on")
    func dropAndDelete() async throws {
        let folder = try Self.folder([
            "drop.jsonl": #"{"id": "w1", "title": "监测", "body": "文件夹里新放的报告。"}"# + "\n",
            "page.txt": "港城日报\n甬江实验室成立\n甬江实验室今天正式成立。\n",
        ])
        var configuration = ServerConfiguration(indexPath: try ServerTest.makeIndex(ServerTest.reports), port: 0, readers: 2)
        configuration.watchFolder = folder
        configuration.watchIntervalSeconds = 3_600  // the startup scan, then only the scans this test asks for
        let server = try HanServer.open(configuration: configuration, logger: ServerTest.logger)
        let watcher = try #require(server.watcher)
        let app = Application(router: buildRouter(server: server), services: server.services, logger: ServerTest.logger)
        try await app.test(.router) { client in
            // The startup scan sees the files for the first time; they were modified a minute ago, within
            // the quiet period (the interval), so it waits for them, and the next scan indexes them.
            await watcher.startupScanFinished()
            let first = try await watcher.scan()
            #expect(first.count == 2 && first.allSatisfy { if case .indexed = $0 { true } else { false } }, "\(first)")
            #expect(try await ServerTest.search(client, ["q": "新放的报告"]).hits.map(\.doc) == ["w1"])
            #expect(try await ServerTest.search(client, ["q": "甬江实验室"]).total > 0)
            #expect(try await ServerTest.search(client, ["q": "科技服务业"]).total > 0)  // the index's own reports

            try FileManager.default.removeItem(atPath: folder + "/drop.jsonl")
            // A scan and an HTTP write at the same time: both are applied, one after the other.
            async let events = watcher.scan()
            let posted = try await ServerTest.post(client, #"{"id": "h1", "title": "t", "body": "同时写入的报告。"}"#)
            #expect(posted.status == .ok)
            #expect(try await events == [.removed(path: folder + "/drop.jsonl", documents: 1)])
            #expect(try await ServerTest.search(client, ["q": "新放的报告"]).total == 0)
            #expect(try await ServerTest.search(client, ["q": "同时写入"]).hits.map(\.doc) == ["h1"])
            #expect(try await watcher.scan().isEmpty)
            let stats = try JSONSerialization.jsonObject(with: Data(buffer: try await client.execute(uri: "/stats", method: .get).body))
            let watch = try #require((stats as? [String: Any])?["watch"] as? [String: Any], "\(stats)")
            #expect(watch["folder"] as? String == folder && watch["files"] as? Int == 1 && watch["lastScan"] is String)
            #expect((stats as? [String: Any])?["documents"] as? Int == 6)  // 4 reports, the page's article, h1
        }
    }

    @Test("--watch needs a folder and a sensible interval")
    func configuration() throws {
        var configuration = ServerConfiguration(indexPath: "index")
        configuration.watchFolder = "/nonexistent-\(UUID().uuidString)"
        configuration.watchIntervalSeconds = 0
        let problems = configuration.problems()
        #expect(problems.contains { $0.hasPrefix("--watch: /nonexistent-") && $0.hasSuffix("is not a folder") })
        #expect(problems.contains { $0.hasPrefix("--watch-interval must be between") })
        configuration.watchFolder = FileManager.default.temporaryDirectory.path
        configuration.watchIntervalSeconds = 1
        #expect(configuration.problems().isEmpty)
    }
}
