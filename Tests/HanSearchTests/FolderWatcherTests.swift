import Foundation
import HanSearchTestSupport
import Testing
@testable import HanSearch

/// A temporary folder to watch and a temporary index, with helpers to change files and search.
private struct WatchFixture {
    let folder = temporaryPath("corpus")
    let index = temporaryPath("index")

    init() throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    /// Writes `text` to `name`, modified `age` seconds ago (old enough to count as finished by default).
    func write(_ name: String, _ text: String, age: TimeInterval = 60) throws {
        let path = folder + "/" + name
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-age)], ofItemAtPath: path)
    }

    func remove(_ name: String) throws {
        try FileManager.default.removeItem(atPath: folder + "/" + name)
    }

    /// Opens the index, runs `body` with a watcher made from its recorded states (as after a restart), closes it.
    func withWatcher<T>(_ body: (FolderWatcher, ShardedWriter) throws -> T) throws -> T {
        let writer = try ShardedWriter(shards: ShardList(parsing: index))
        defer { try? writer.close() }
        return try body(try FolderWatcher(folder: folder, writer: writer), writer)
    }

    /// One scan by a new watcher (as after a restart).
    func scan() throws -> [WatchEvent] {
        try withWatcher { watcher, writer in try watcher.scan(into: writer) }
    }

    /// The documents matching `query`.
    func documents(_ query: String) throws -> Set<String> {
        Set(try SearchIndex(path: index).search(query, options: SearchOptions(limit: 100)).hits.map(\.doc))
    }

    static func jsonl(_ reports: [(id: String, body: String)]) -> String {
        reports.map { #"{"id": "\#($0.id)", "title": "标题", "body": "\#($0.body)"}"# }.joined(separator: "\n") + "\n"
    }
}

private extension [WatchEvent] {
    var lines: [String] { map(\.description) }
    /// The indexed events' counts: (documents, new, updated, removed) by path suffix.
    func indexed(_ suffix: String) -> (Int, Int, Int, Int)? {
        indexedWithUnchanged(suffix).map { ($0.0, $0.1, $0.2, $0.4) }
    }

    /// Documents, new, updated, unchanged and removed of the file ending in `suffix`.
    func indexedWithUnchanged(_ suffix: String) -> (Int, Int, Int, Int, Int)? {
        for case .indexed(let path, let documents, let new, let updated, let unchanged, let removed, _) in self
        where path.hasSuffix(suffix) {
            return (documents, new, updated, unchanged, removed)
        }
        return nil
    }
}

@Suite("Watching a folder", .removingTemporaryFolders)
struct FolderWatcherTests {
    @Test("a dropped JSONL file and text page become searchable; a deleted file disappears")
    func dropAndDelete() throws {
        let fixture = try WatchFixture()
        try fixture.write("reports.jsonl", WatchFixture.jsonl([("w1", "宁波港吞吐量增长。"), ("w2", "杭州湾大桥通车。")]))
        try fixture.write("pages/page.txt", "港城日报\n甬江实验室成立\n记者 张三\n甬江实验室今天正式成立。\n")
        let events = try fixture.scan()
        #expect(events.indexed("reports.jsonl").map { [$0.0, $0.1, $0.2, $0.3] } == [2, 2, 0, 0], "\(events.lines)")
        #expect(events.indexed("pages/page.txt") != nil, "\(events.lines)")
        #expect(try fixture.documents("吞吐量") == ["w1"])
        #expect(try fixture.documents("甬江实验室") == ["pages/page.txt/1"])

        try fixture.remove("pages/page.txt")
        let removal = try fixture.scan()
        #expect(removal == [.removed(path: fixture.folder + "/pages/page.txt", documents: 1)], "\(removal.lines)")
        #expect(try fixture.documents("甬江实验室").isEmpty)
        #expect(try fixture.documents("吞吐量") == ["w1"])
        #expect(try fixture.withWatcher { watcher, _ in watcher.states.keys.sorted() } == ["reports.jsonl"])
    }

    @Test("after a restart, unchanged files are not read again; a touched file with the same content is not re-indexed")
    func restartAndTouch() throws {
        let fixture = try WatchFixture()
        try fixture.write("a.jsonl", WatchFixture.jsonl([("a1", "第一篇。")]))
        #expect(try fixture.scan().count == 1)
        let plan = try fixture.withWatcher { watcher, _ in watcher.plan() }
        #expect(plan.isEmpty && plan.events.isEmpty)
        // An idle scan commits nothing (the last-commit time stays as it was).
        try fixture.withWatcher { watcher, writer in
            try writer.stateWriter.database.setMetadata("sentinel", forKey: Schema.lastCommitKey)
            try writer.stateWriter.database.commit()
            #expect(try watcher.scan(into: writer).isEmpty)
            #expect(try writer.stateWriter.database.metadata(Schema.lastCommitKey) == "sentinel")
        }
        // Same content, new modification time: only the state's stamp is updated.
        try fixture.write("a.jsonl", WatchFixture.jsonl([("a1", "第一篇。")]), age: 30)
        let touched = try fixture.withWatcher { watcher, writer in
            let plan = watcher.plan()
            #expect(plan.changed.isEmpty && plan.touched.keys.sorted() == ["a.jsonl"])
            return try watcher.apply(plan, to: writer)
        }
        #expect(touched.isEmpty)
        #expect(try fixture.withWatcher { watcher, _ in watcher.plan().isEmpty })
    }

    @Test("a changed file replaces its documents and deletes the ones it no longer has")
    func changedFile() throws {
        let fixture = try WatchFixture()
        try fixture.write("a.jsonl", WatchFixture.jsonl([("c1", "旧内容甲。"), ("c2", "旧内容乙。")]))
        _ = try fixture.scan()
        try fixture.write("a.jsonl", WatchFixture.jsonl([("c1", "新内容丙。"), ("c3", "新内容丁。")]), age: 30)
        let events = try fixture.scan()
        #expect(events.indexed("a.jsonl").map { [$0.0, $0.1, $0.2, $0.3] } == [2, 1, 1, 1], "\(events.lines)")
        #expect(events.lines.first?.hasPrefix("indexed \(fixture.folder)/a.jsonl: 2 documents (1 new, 1 updated), 1 removed, ") == true)
        #expect(try fixture.documents("旧内容").isEmpty)
        #expect(try fixture.documents("新内容") == ["c1", "c3"])
    }

    @Test("commits within a large file keep every document, and a change still removes what the file dropped")
    func smallBatches() throws {
        let fixture = try WatchFixture()
        let writer = try ShardedWriter(shards: ShardList(parsing: fixture.index))
        defer { try? writer.close() }
        let watcher = FolderWatcher(folder: fixture.folder, states: [:], batchSize: 2)
        try fixture.write("big.jsonl", WatchFixture.jsonl((1...7).map { ("k\($0)", "第\($0)批的报告。") }))
        #expect(try watcher.scan(into: writer).indexed("big.jsonl").map { [$0.0, $0.1] } == [7, 7])
        try fixture.write("big.jsonl", WatchFixture.jsonl((3...9).map { ("k\($0)", "第\($0)批的报告。") }), age: 30)
        let events = try watcher.scan(into: writer)
        // k3–k7 are read again as the index holds them: left alone, and counted so.
        #expect(events.indexedWithUnchanged("big.jsonl").map { [$0.0, $0.1, $0.2, $0.3, $0.4] } == [7, 2, 0, 5, 2],
                "\(events.lines)")
        #expect(events.lines.contains { $0.contains("big.jsonl: 7 documents (2 new, 0 updated, 5 unchanged), 2 removed, ") },
                "\(events.lines)")
        #expect(try fixture.documents("批的报告") == Set((3...9).map { "k\($0)" }))
        #expect(try FolderWatcher(folder: fixture.folder, writer: writer).plan().isEmpty)
    }

    @Test("a file still being written waits until its stamp holds for one scan")
    func fileBeingWritten() throws {
        let fixture = try WatchFixture()
        try fixture.write("live.jsonl", WatchFixture.jsonl([("l1", "写到一半。")]), age: 0)
        let writer = try ShardedWriter(shards: ShardList(parsing: fixture.index))
        defer { try? writer.close() }
        let watcher = try FolderWatcher(folder: fixture.folder, writer: writer, quietPeriod: 5)
        let first = watcher.plan()
        #expect(first.waiting == ["live.jsonl"] && first.changed.isEmpty)
        // Still growing at the next scan: still waiting.
        try fixture.write("live.jsonl", WatchFixture.jsonl([("l1", "写到一半。"), ("l2", "写完了。")]), age: 0)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(1)],
                                              ofItemAtPath: fixture.folder + "/live.jsonl")
        #expect(watcher.plan().waiting == ["live.jsonl"])
        // Unchanged since the previous scan: indexed, though modified within the quiet period.
        let settled = watcher.plan()
        #expect(settled.waiting.isEmpty && settled.changed.map(\.file.relativePath) == ["live.jsonl"])
        _ = try watcher.apply(settled, to: writer)
        #expect(watcher.states["live.jsonl"]?.ids == ["l1", "l2"])
    }

    @Test("bad files are logged once, recorded as failed, and retried only when they change")
    func badFiles() throws {
        let fixture = try WatchFixture()
        try fixture.write("empty.jsonl", "")
        try fixture.write("notes.bin", "x")
        try fixture.write("mixed.jsonl", WatchFixture.jsonl([("m1", "好的。")]) + "{\"id\": \"m2\"}\n")
        let events = try fixture.scan()
        #expect(events.contains(.skipped(path: fixture.folder + "/notes.bin", reason: "not a .jsonl, .json, .txt, .pdf or .html file")),
                "\(events.lines)")
        #expect(events.contains { $0.description.hasPrefix("skipped \(fixture.folder)/empty.jsonl: the file is empty") })
        #expect(events.contains { if case .recordSkipped(let problem) = $0 { problem.location.line == 2 } else { false } })
        #expect(events.indexed("mixed.jsonl")?.0 == 1)
        try fixture.withWatcher { watcher, _ in
            #expect(watcher.states["empty.jsonl"]?.problem?.hasPrefix("the file is empty") == true)
            #expect(watcher.plan().isEmpty)
        }
        try fixture.write("empty.jsonl", WatchFixture.jsonl([("e1", "现在有内容。")]), age: 30)
        #expect(try fixture.scan().indexed("empty.jsonl")?.0 == 1)
        #expect(try fixture.documents("现在有内容") == ["e1"])
    }

    @Test("an id held by two files survives the removal of one, with the other file's version")
    func sharedID() throws {
        let fixture = try WatchFixture()
        try fixture.write("a.jsonl", WatchFixture.jsonl([("same", "甲文件版本。")]))
        try fixture.write("b.jsonl", WatchFixture.jsonl([("same", "乙文件版本。")]))
        _ = try fixture.scan()
        #expect(try fixture.documents("乙文件版本") == ["same"])  // b.jsonl was indexed last
        try fixture.remove("b.jsonl")
        let events = try fixture.scan()
        #expect(events.contains(.removed(path: fixture.folder + "/b.jsonl", documents: 0)), "\(events.lines)")
        #expect(try fixture.documents("甲文件版本") == ["same"])
        #expect(try fixture.documents("乙文件版本").isEmpty)
        try fixture.remove("a.jsonl")
        _ = try fixture.scan()
        #expect(try fixture.documents("文件版本").isEmpty)
    }

    @Test("a bulk build records the file states through the merge, so a watcher afterwards has nothing to do")
    func bulkBuildRecordsStates() throws {
        let fixture = try WatchFixture()
        try fixture.write("a.jsonl", WatchFixture.jsonl([("b1", "批量一。"), ("b2", "批量二。")]))
        let reader = CorpusReader()
        let file = try #require(reader.files(in: [fixture.folder]).files.first)
        let observed = try FileState.observe(file)
        #expect(observed.folder == FileState.folderKey(fixture.folder))
        let indexer = try BulkIndexer(path: fixture.index, options: BulkIndexer.Options(workers: 2))
        var ids: [String] = []
        reader.read(file) { item in
            guard case .report(let report, _) = item else { return true }
            ids.append(report.id)
            do { _ = try indexer.add(report) } catch { Issue.record(error) }
            return true
        }
        indexer.record(FileState(folder: observed.folder, hash: observed.hash, stamp: observed.stamp, ids: ids),
                       forFile: file.relativePath)
        try indexer.finish()
        let plan = try fixture.withWatcher { watcher, _ in watcher.plan() }
        #expect(plan.isEmpty)
        try fixture.remove("a.jsonl")
        #expect(try fixture.scan() == [.removed(path: fixture.folder + "/a.jsonl", documents: 2)])
    }

    @Test("a sharded index: documents go to their shards, the states to the last one, and removals find them")
    func shardedIndex() throws {
        let fixture = try WatchFixture()
        let shards = [fixture.index + "-a", fixture.index + "-b"].joined(separator: ",")
        let ids = (1...8).map { "s\($0)" }
        try fixture.write("many.jsonl", WatchFixture.jsonl(ids.map { ($0, "分片里的报告。") }))
        func scan() throws -> [WatchEvent] {
            let writer = try ShardedWriter(shards: ShardList(parsing: shards))
            defer { try? writer.close() }
            return try FolderWatcher(folder: fixture.folder, writer: writer).scan(into: writer)
        }
        func found() throws -> Set<String> {
            Set(try SearchIndex.open(location: shards).search("分片", options: SearchOptions(limit: 100)).hits.map(\.doc))
        }
        #expect(try scan().indexed("many.jsonl")?.0 == 8)
        #expect(try found() == Set(ids))
        #expect(try scan().isEmpty)  // a restart finds the states again
        #expect((1...7).contains(try SearchIndex(path: fixture.index + "-a").stats().documents))  // both shards hold some
        try fixture.remove("many.jsonl")
        #expect(try scan() == [.removed(path: fixture.folder + "/many.jsonl", documents: 8)])
        #expect(try found().isEmpty)
    }

    @Test("a vanished folder removes nothing")
    func vanishedFolder() throws {
        let fixture = try WatchFixture()
        try fixture.write("a.jsonl", WatchFixture.jsonl([("v1", "还在。")]))
        _ = try fixture.scan()
        try FileManager.default.removeItem(atPath: fixture.folder)
        let events = try fixture.scan()
        #expect(events.count == 1 && events.first?.description.hasPrefix("failed \(fixture.folder): no such folder") == true)
        #expect(try fixture.documents("还在") == ["v1"])
    }

    @Test("ContentHash is the SHA-256 of the whole file, also past the first 1 MiB read")
    func contentHash() throws {
        let fixture = try WatchFixture()
        try fixture.write("empty.txt", "")
        try fixture.write("short.txt", "宁波")
        let long = fixture.folder + "/long.bin"
        try Data((0..<(3 << 20) + 1).map { UInt8($0 % 251) }).write(to: URL(fileURLWithPath: long))
        #expect(try ContentHash.ofFile(fixture.folder + "/empty.txt")
                == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(try ContentHash.ofFile(fixture.folder + "/short.txt")
                == "1fcfa2f2bc2df3ddbabd0f5fa1f7a987e3113f0f5b50affd825e8676f3bc2012")
        #expect(try ContentHash.ofFile(long) == "fc66cb381d8de4396b685896bfef3b1811ca920b052873bea5227a354fd64f37")
    }

    @Test("a state written with the old FNV-1a hash: skipped while its stamp holds, read once when it changes")
    func oldHashStates() throws {
        let fixture = try WatchFixture()
        try fixture.write("a.jsonl", WatchFixture.jsonl([("h1", "旧哈希。")]))
        _ = try fixture.scan()
        try fixture.withWatcher { _, writer in
            var state = try #require(try writer.fileState(forFile: "a.jsonl"))
            state.hash = "af63dc4c8601ec8c"
            try writer.beginBatch()
            try writer.record(state, forFile: "a.jsonl")
            try writer.commitBatch()
        }
        #expect(try fixture.scan().isEmpty)
        try fixture.write("a.jsonl", WatchFixture.jsonl([("h1", "旧哈希。")]), age: 30)
        let events = try fixture.scan()
        #expect(events.indexedWithUnchanged("a.jsonl").map { [$0.0, $0.1, $0.2, $0.3, $0.4] } == [1, 0, 0, 1, 0],
                "read again, the same report: \(events.lines)")
        #expect(try fixture.withWatcher { _, writer in try writer.fileState(forFile: "a.jsonl")?.hash.count } == 64)
        #expect(try fixture.scan().isEmpty)
        #expect(try fixture.documents("旧哈希") == ["h1"])
    }
}

@Suite("Watching a folder of PDFs", .removingTemporaryFolders)
struct PDFWatchTests {
    @Test("a PDF dropped in is indexed with its pages, a scan is skipped naming it, a removed PDF is deleted")
    func pdfs() throws {
        let fixture = try WatchFixture()
        for name in ["report.pdf", "scan.pdf"] {
            let target = fixture.folder + "/" + name
            try FileManager.default.copyItem(atPath: TestSupport.repositoryRoot
                .appendingPathComponent("Tests/HanSearchTests/Fixtures/pdf/\(name)").path, toPath: target)
            try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-60)], ofItemAtPath: target)
        }
        let events = try fixture.scan()
        #expect(events.indexed("report.pdf").map { $0.0 } == 1)
        #expect(events.contains { if case .skipped(let path, let reason) = $0 { path.hasSuffix("scan.pdf") && reason.contains("no text layer") } else { false } },
                "\(events.lines)")
        let hits = try SearchIndex(path: fixture.index).search("\"数据治理\"", options: SearchOptions()).hits
        #expect(hits.map(\.doc) == ["report.pdf"] && hits.map(\.page) == [2])
        try fixture.remove("report.pdf")
        _ = try fixture.scan()
        #expect(try fixture.documents("\"数据治理\"").isEmpty)
    }
}

@Suite("hanindex watch", .removingTemporaryFolders)
struct WatchCommandTests {
    @Test("`hanindex index` then `watch --once` re-indexes nothing; a new file is indexed and a deleted one removed")
    func indexThenWatch() throws {
        let fixture = try WatchFixture()
        try fixture.write("a.jsonl", WatchFixture.jsonl([("x1", "命令行索引。"), ("x2", "第二条。")]))
        try fixture.write("page.txt", "日报\n标题在此\n正文写在这里。\n")
        let built = try CLI.run(["index", fixture.folder, "--index", fixture.index])
        #expect(built.status == 0, "\(built.stderr)")
        try fixture.write("c.jsonl", WatchFixture.jsonl([("z1", "更新已有索引。")]))
        let updated = try CLI.run(["index", fixture.folder + "/c.jsonl", "--index", fixture.index])  // not in bulk
        #expect(updated.status == 0, "\(updated.stderr)")
        let idle = try CLI.run(["watch", fixture.folder, "--index", fixture.index, "--once"])
        #expect(idle.status == 0 && idle.stderr.isEmpty, "\(idle.stderr)")

        try fixture.write("b.jsonl", WatchFixture.jsonl([("y1", "后来加入。")]))
        try fixture.remove("a.jsonl")
        let changed = try CLI.run(["watch", fixture.folder, "--index", fixture.index, "--once"])
        #expect(changed.status == 0, "\(changed.stderr)")
        let lines = changed.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 2, "\(changed.stderr)")
        #expect(lines.contains { $0.hasPrefix("indexed \(fixture.folder)/b.jsonl: 1 document (1 new, 0 updated), 0 removed, ") })
        #expect(lines.contains("removed \(fixture.folder)/a.jsonl: 2 documents"))
        #expect(try fixture.documents("后来加入") == ["y1"])
        #expect(try fixture.documents("命令行索引").isEmpty)
        #expect(try fixture.documents("正文写在这里") == ["page.txt/1"])
    }

    @Test("watch --once names a file that changed within --interval as not indexed, and says how to get it indexed")
    func fileStillChanging() throws {
        let fixture = try WatchFixture()
        try fixture.write("fresh.jsonl", WatchFixture.jsonl([("f1", "刚放进来。")]), age: 0)
        let early = try CLI.run(["watch", fixture.folder, "--index", fixture.index, "--once", "--interval", "60"])
        #expect(early.status == 0, "\(early.stderr)")
        #expect(early.stderr == "not indexed \(fixture.folder)/fresh.jsonl: it changed less than 60.0 s ago and may "
                + "still be being written; run this command again once the file is complete, or watch without --once\n")
        #expect(try fixture.documents("刚放进来").isEmpty)

        try fixture.write("fresh.jsonl", WatchFixture.jsonl([("f1", "刚放进来。")]), age: 120)
        let later = try CLI.run(["watch", fixture.folder, "--index", fixture.index, "--once", "--interval", "60"])
        #expect(later.stderr.hasPrefix("indexed \(fixture.folder)/fresh.jsonl: 1 document"), "\(later.stderr)")
        #expect(try fixture.documents("刚放进来") == ["f1"])
    }

    @Test("watch refuses a missing folder and a bad interval, naming them")
    func badArguments() throws {
        let missing = try CLI.run(["watch", "/nonexistent-folder-\(UUID().uuidString)", "--once"])
        #expect(missing.status == 64 && missing.stderr.contains("is not a folder"), "\(missing.stderr)")
        let fixture = try WatchFixture()
        let interval = try CLI.run(["watch", fixture.folder, "--interval", "0", "--once"])
        #expect(interval.status == 64 && interval.stderr.contains("--interval must be"), "\(interval.stderr)")
    }
}
