import Foundation
import HanSearch
@testable import HanServe
import Hummingbird
import HummingbirdTesting
import HanSearchTestSupport
import Testing

@Suite("Variant folding over HTTP", .removingTemporaryFolders)
struct FoldingRouteTests {
    static let traditional = #"{"id": "tw-1", "title": "系統管理", "body": "在系統中設定軟體套件。"}"#

    @Test("a folded index: POSTed traditional text is found by a simplified query, highlighted as written; /stats names the fold")
    func folded() async throws {
        let path = temporaryPath()
        try IndexWriter.waitingForLock(path: path, folding: .variants).close()
        try await ServerTest.withServer([], configure: { $0.indexPath = path }) { client in
            #expect(try await ServerTest.post(client, Self.traditional).status == .ok)
            let results = try await ServerTest.search(client, ["q": "系统中设定"])
            #expect(results.hits.map(\.id) == ["tw-1#1"])
            #expect(results.hits.first?.snippet == "在<mark>系統中設定</mark>軟體套件。")
            let document = try ServerTest.decode(DocumentResponse.self,
                                                 try await client.execute(uri: "/documents/tw-1?q=%E8%BD%AF%E4%BD%93", method: .get))
            #expect(document.highlights?["tw-1#1"] == "在系統中設定<mark>軟體</mark>套件。")
            let stats = try ServerTest.decode(IndexStats.self, try await client.execute(uri: "/stats", method: .get))
            #expect(stats.fold == .variants)
        }
    }

    @Test("a literal index (the default): the simplified query does not find the traditional text")
    func literal() async throws {
        try await ServerTest.withServer([]) { client in
            #expect(try await ServerTest.post(client, Self.traditional).status == .ok)
            #expect(try await ServerTest.search(client, ["q": "系统中设定"]).total == 0)
            #expect(try await ServerTest.search(client, ["q": "系統中設定"]).total == 1)
            let stats = try ServerTest.decode(IndexStats.self, try await client.execute(uri: "/stats", method: .get))
            #expect(stats.fold == Folding.none)
        }
    }
}
