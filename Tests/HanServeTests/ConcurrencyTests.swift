import Foundation
import HanSearch
@testable import HanServe
import Hummingbird
import HummingbirdTesting
import HanSearchTestSupport
import Testing

@Suite("concurrency and shutdown", .removingTemporaryFolders)
struct ConcurrencyTests {
    /// A batch of `size` one-paragraph reports that all contain `marker`.
    static func batch(_ number: Int, size: Int, marker: String) -> String {
        ServerTest.json((0..<size).map {
            Report(id: "batch\(number)-\($0)", title: "批次\(number)", body: "这是\(marker)第\(number)批第\($0)篇。")
        })
    }

    /// Set once all writes are answered.
    actor Flag {
        var isSet = false
        func set() { isSet = true }
    }

    @Test("searches running while batches commit never fail and never see part of a batch")
    func searchesDuringWrites() async throws {
        let waves = 6, batchesPerWave = 4, batchSize = 7, marker = "并发标记"
        let path = try ServerTest.makeIndex(ServerTest.reports)
        let app = try buildApplication(configuration: ServerConfiguration(indexPath: path, port: 0, readers: 3),
                                       logger: ServerTest.logger)
        try await app.test(.router) { client in
            let done = Flag()
            let totals = try await withThrowingTaskGroup(of: [Int].self) { group in
                group.addTask {
                    // Waves of concurrent POSTs, so that commits keep happening while the searches run.
                    for wave in 0..<waves {
                        try await withThrowingTaskGroup(of: Void.self) { posts in
                            for number in 0..<batchesPerWave {
                                posts.addTask {
                                    let body = Self.batch(wave * batchesPerWave + number, size: batchSize, marker: marker)
                                    let response = try await ServerTest.post(client, body)
                                    #expect(response.status == .ok, "\(String(buffer: response.body))")
                                }
                            }
                            try await posts.waitForAll()
                        }
                    }
                    await done.set()
                    return []
                }
                for _ in 0..<6 {
                    group.addTask {
                        var totals: [Int] = []
                        repeat {
                            let response = try await client.execute(uri: ServerTest.searchURI(["q": marker, "limit": "1000"]), method: .get)
                            #expect(response.status == .ok, "\(String(buffer: response.body))")
                            let result = try ServerTest.decode(SearchResponse.self, response)
                            #expect(result.total == result.hits.count)
                            totals.append(result.total)
                        } while await !done.isSet
                        return totals
                    }
                }
                // A reader of its own that moves to the latest commit before every search, whenever it happens.
                group.addTask {
                    let index = try SearchIndex(path: path)
                    var totals: [Int] = []
                    repeat {
                        try ReaderPool.reopen(index)
                        totals.append(try index.search(marker, options: SearchOptions(limit: 1_000)).total)
                        await Task.yield()
                    } while await !done.isSet
                    return totals
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            let batches = waves * batchesPerWave
            #expect(totals.count >= 7)
            let partial = totals.filter { $0 % batchSize != 0 }
            #expect(partial.isEmpty, "searches saw part of a batch: \(partial)")
            #expect(totals.allSatisfy { $0 <= batches * batchSize })
            #expect(Set(totals).count > 2, "the searches should have run while the writes committed: \(Set(totals).sorted())")
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
        try IndexWriter.waitingForLock(path: path).close()
    }
}
