import Foundation
import HanSearch
@testable import HanServe
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("concurrency and shutdown")
struct ConcurrencyTests {
    /// A batch of `size` one-paragraph reports that all contain `marker`.
    static func batch(_ number: Int, size: Int, marker: String) -> String {
        ServerTest.json((0..<size).map {
            Report(id: "batch\(number)-\($0)", title: "批次\(number)", body: "这是\(marker)第\(number)批第\($0)篇。")
        })
    }

    @Test("searches running while batches commit never fail and never see part of a batch")
    func searchesDuringWrites() async throws {
        let batches = 24, batchSize = 7, marker = "并发标记"
        try await ServerTest.withServer { client in
            let totals = try await withThrowingTaskGroup(of: [Int].self) { group in
                for number in 0..<batches {
                    group.addTask {
                        let response = try await ServerTest.post(client, Self.batch(number, size: batchSize, marker: marker))
                        #expect(response.status == .ok, "\(String(buffer: response.body))")
                        return []
                    }
                }
                for _ in 0..<8 {
                    group.addTask {
                        var totals: [Int] = []
                        for _ in 0..<40 {
                            let response = try await client.execute(uri: ServerTest.searchURI(["q": marker, "limit": "1000"]), method: .get)
                            #expect(response.status == .ok, "\(String(buffer: response.body))")
                            let result = try ServerTest.decode(SearchResponse.self, response)
                            #expect(result.total == result.hits.count)
                            totals.append(result.total)
                        }
                        return totals
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(totals.count == 320)
            let partial = totals.filter { $0 % batchSize != 0 }
            #expect(partial.isEmpty, "searches saw part of a batch: \(partial)")
            #expect(totals.allSatisfy { $0 <= batches * batchSize })
            let final = try await ServerTest.search(client, ["q": marker, "limit": "1000"])
            #expect(final.total == batches * batchSize)
        }
    }

    @Test("concurrent writes share commits, and each is answered after its own commit")
    func groupCommit() async throws {
        let path = try ServerTest.makeIndex(ServerTest.reports)
        let server = try HanServer.open(configuration: ServerConfiguration(indexPath: path, readers: 2), logger: ServerTest.logger)
        let writes = 40
        try await withThrowingTaskGroup(of: Void.self) { group in
            for number in 0..<writes {
                group.addTask {
                    let counts = try await server.writer.submit([.add(Report(id: "g\(number)", title: "t", body: "合并提交\(number)。"))])
                    #expect(counts == [1])
                    // Answered only after the commit: a fresh reader sees it.
                    let found = try SearchIndex(path: path).segments(ofDocument: "g\(number)")
                    #expect(found.count == 1)
                }
            }
            try await group.waitForAll()
        }
        let commits = await server.writer.commits
        #expect(commits >= 1 && commits < writes, "\(commits) commits for \(writes) concurrent writes")
        await server.writer.close()
    }

    @Test("closing commits the writes already submitted, then refuses new ones with 503")
    func shutdownCommitsPending() async throws {
        let path = try ServerTest.makeIndex(ServerTest.reports)
        let server = try HanServer.open(configuration: ServerConfiguration(indexPath: path, readers: 2), logger: ServerTest.logger)
        let tasks = (0..<20).map { number in
            Task { try await server.writer.submit([.add(Report(id: "z\(number)", title: "t", body: "关闭前写入。"))]) }
        }
        // Let every submission reach the writer's queue before closing.
        while await server.writer.queuedOrFlushing < 20 { await Task.yield() }
        await server.writer.close()
        for task in tasks { #expect(try await task.value == [1]) }
        await #expect(throws: APIError.self) {
            try await server.writer.submit([.delete(documentID: "z1")])
        }
        let index = try SearchIndex(path: path)
        #expect(try index.search("关闭前写入", options: SearchOptions(limit: 100)).total == 20)
        // The write lock is released: another writer can open the index.
        try IndexWriter(path: path).close()
    }
}
