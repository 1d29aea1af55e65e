import Foundation
import HanSearchTestSupport
import Testing
@testable import HanSearch

@Suite("Shard lists and routing", .removingTemporaryFolders)
struct ShardListTests {
    @Test("a plain folder is the unsharded index; lists mix folders and tcp:// entries")
    func parsing() throws {
        let single = try ShardList(parsing: "index")
        #expect(single.isSingleFolder && single.shards == [.local(path: "index")])
        let list = try ShardList(parsing: "index/a, tcp://127.0.0.1:7001,tcp://[::1]:7002")
        #expect(list.shards == [.local(path: "index/a"), .remote(host: "127.0.0.1", port: 7001),
                                .remote(host: "::1", port: 7002)])
        #expect(!list.isSingleFolder)
        #expect(list.description == "index/a,tcp://127.0.0.1:7001,tcp://[::1]:7002")
        #expect(try ShardList(parsing: list.description) == list)
    }

    @Test("@FILE lists one shard per line, skipping blank lines and comments")
    func file() throws {
        let path = temporaryPath("shards.txt")
        try "# two shards\ntcp://127.0.0.1:7001\n\n  shards/2  \n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try ShardList(parsing: "@" + path).shards == [.remote(host: "127.0.0.1", port: 7001), .local(path: "shards/2")])
    }

    @Test("bad lists are refused with a message naming the entry",
          arguments: [("a,,b", "empty entry"), ("tcp://host", "tcp://HOST:PORT"), ("tcp://h:0", "from 1 to 65535"),
                      ("tcp://h:70000", "from 1 to 65535"), ("tcp://:7001", "host is missing"), ("a,a", "listed twice"),
                      ("http://h:80", "only tcp://"), ("@/nonexistent/shards.txt", "cannot read")])
    func refused(spec: String, message: String) {
        #expect {
            _ = try ShardList(parsing: spec)
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test("routing is FNV-1a 64 of the UTF-8 id, fixed across processes")
    func routing() throws {
        // Reference values of the FNV-1a specification and of an independent implementation.
        #expect(ShardList.fnv1a64("") == 0xcbf2_9ce4_8422_2325)
        #expect(ShardList.fnv1a64("a") == 0xaf63_dc4c_8601_ec8c)
        #expect(ShardList.fnv1a64("foobar") == 0x8594_4171_f739_67e8)
        #expect(ShardList.fnv1a64("报告-7") == 0xd84a_4dbe_b77e_d794)
        let three = try ShardList(parsing: "a,b,c")
        #expect(three.shard(forDocument: "report-1") == 1)
        #expect(three.shard(forDocument: "报告-7") == 2)
        #expect(three.shard(forDocument: "foobar") == 0)
    }
}

@Suite("Sharded indexes", .removingTemporaryFolders)
struct ShardedIndexTests {
    static let reports: [Report] = (0..<40).map { n in
        Report(id: "r\(n)", title: n % 5 == 0 ? "科技服务业报告\(n)" : "报告\(n)",
               body: (0...(n % 4)).map { p in p % 2 == 0 ? "科技服务业发展第\(n)段\(p)" : "宁波港口AI芯片\(n * p)" }
                   .joined(separator: "\n"))
    }

    @Test("each document is written to the shard of its id; replace and delete find it there")
    func routingOfWrites() throws {
        let shards = try ShardList([.local(path: temporaryPath("s1")), .local(path: temporaryPath("s2"))])
        let writer = try ShardedWriter(shards: shards)
        for report in Self.reports { try writer.add(report) }
        try writer.add(Report(id: "r3", title: "报告3", body: "只剩一段"))
        #expect(try writer.delete(documentID: "r4") == 1)
        try writer.commit()
        try writer.close()
        for (number, shard) in shards.shards.enumerated() {
            guard case .local(let path) = shard else { continue }
            let index = try SearchIndex(path: path)
            let expected = Self.reports.map(\.id).filter { $0 != "r4" && shards.shard(forDocument: $0) == number }
            #expect(!expected.isEmpty)
            #expect(try index.stats().documents == expected.count)
            for id in expected { #expect(!(try index.segments(ofDocument: id)).isEmpty) }
        }
        let all = try SearchIndex(shards: shards)
        #expect(try all.segments(ofDocument: "r3").map(\.text) == ["只剩一段"])
        #expect(try all.segments(ofDocument: "r4").isEmpty)
        #expect(try all.shardStats().total.documents == Self.reports.count - 1)
    }

    @Test("a search over shards equals a search of one index: totals, ids, order of scores, scores")
    func sameAnswers() throws {
        let single = try SearchIndex(path: try TestSupport.index(Self.reports))
        let shards = try ShardList([.local(path: temporaryPath("s1")), .local(path: temporaryPath("s2")),
                                    .local(path: temporaryPath("s3"))])
        let writer = try ShardedWriter(shards: shards)
        #expect(try writer.applyAtomically(Self.reports.map { .add($0) }).reduce(0, +) > Self.reports.count)
        try writer.close()
        let sharded = try SearchIndex(shards: shards)
        for query in ["科技", "科技服务业", "芯片 宁波", "title:科技", "AI OR 发展", "报告 -宁波", "段", "不存在"] {
            let one = try single.search(query, options: SearchOptions(limit: 1000))
            let many = try sharded.search(query, options: SearchOptions(limit: 1000))
            #expect(one.total == many.total, "\(query)")
            // Equal scores are ordered by docid, which differs between the layouts: compare runs of equal scores as sets.
            let canonical = { (hits: [SearchHit]) in
                hits.sorted { ($0.score, $1.id) > ($1.score, $0.id) }.map { "\($0.id) \(String(format: "%.9f", $0.score))" }
            }
            #expect(canonical(one.hits) == canonical(many.hits), "\(query)")
        }
    }

    @Test("a remote shard that nothing serves is named in the error, within the connect timeout")
    func unreachableShard() throws {
        // Port 9 (discard) on loopback: nothing listens there in the test environment, so the connection is refused.
        let shards = try ShardList([.local(path: try TestSupport.index(Self.reports)), .remote(host: "127.0.0.1", port: 9)])
        let started = ContinuousClock.now
        #expect {
            _ = try SearchIndex(shards: shards, timeouts: .milliseconds(500))
        } throws: { error in
            (error as? ShardsUnavailableError)?.shards == [.remote(host: "127.0.0.1", port: 9)]
                && "\(error)".contains("tcp://127.0.0.1:9 unavailable")
        }
        #expect(ContinuousClock.now - started < .seconds(3))
        #expect(shards.unreachable(timeouts: .milliseconds(500)) == [.remote(host: "127.0.0.1", port: 9)])
    }
}
