import ArgumentParser
import Foundation
import HanSearch

struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Index files and folders (JSON Lines, JSON, plain text, PDF).",
        discussion: """
            Re-running replaces documents by id: no duplicates, and no stale segments when a document \
            gets shorter; a document read again exactly as the index holds it is left alone. Changes are \
            committed in batches; an interrupted run leaves the index at its last commit, and running the \
            same command again completes it.
            A bad record (malformed JSON, invalid UTF-8, a missing field) is reported with its file and \
            line and skipped; the rest is indexed, and the exit status is 2.
            A new (or empty) index is built in bulk: one shard per thread, merged with Xapian's \
            compaction at the end, within --memory-budget. Nothing is visible until the build completes.
            A PDF is read from its text layer: a one-page PDF with a byline under a title is a newspaper \
            page (articles FILE.pdf/N), anything else one report FILE.pdf (--pdf-kind forces either). A PDF \
            that is encrypted, damaged, truncated, without text (a scan) or too big is reported and skipped whole.
            """
    )

    @OptionGroup var location: IndexLocation

    @Argument(help: ArgumentHelp("Files or folders to index.", valueName: "PATH"))
    var paths: [String] = ["corpus"]

    // Unconditional: a value such as -1 is taken (and refused by validate()), not read as an option.
    @Option(parsing: .unconditional, help: "Reports per commit when updating an existing index.")
    var batchSize = 2_000

    @OptionGroup var bulk: BulkBuildOptions

    @Flag(help: "Add to a new index one report at a time, as updates do, instead of building it in bulk.")
    var noBulk = false

    @Option(help: ArgumentHelp(
        "For a new index: variants folds traditional characters to simplified in documents and queries, so that either finds the other; none (the default) matches characters as written. An existing index keeps the fold it was built with.",
        valueName: "none|variants"))
    var fold: Folding?

    @Option(help: "How PDFs are read: auto (a one-page PDF with a byline under a title is a newspaper page), page or report.")
    var pdfKind: DocumentKind = .automatic

    func validate() throws {
        guard batchSize > 0 else { throw ValidationError("--batch-size must be at least 1, not \(batchSize)") }
    }

    /// The writer for this run: a bulk build for a new index, its data dictionary trained on a sample of
    /// `files`, or updates in place otherwise.
    func makeSink(for files: [InputFile], reader: CorpusReader) throws -> any ReportSink {
        let shards = try location.shardList()
        if shards.isSingleFolder && !noBulk && BulkIndexer.canBuild(at: location.index) {
            var options = bulk.options
            options.folding = fold ?? .none
            setenv("XAPIAN_FLUSH_THRESHOLD", BulkIndexer.recommendedFlushThreshold, 1)
            let indexer = try BulkIndexer(path: location.index, options: options)
            try indexer.train(onSampleOf: reader.sample(of: files))
            return indexer
        }
        return try UpdatingSink(writer: location.openWriter(folding: fold), batchSize: batchSize)
    }

    func run() throws {
        var reader = CorpusReader()
        reader.documentKind = pdfKind
        let (files, missing) = reader.files(in: paths)
        var problems = missing.count
        for problem in missing { note("hanindex: \(problem)") }
        let writer: any ReportSink
        do {
            writer = try makeSink(for: files, reader: reader)
        } catch {
            throw fail("\(error)")
        }
        var progress = Progress(totalBytes: files.reduce(0) { $0 + $1.size })
        var failure: Error?
        for file in files {
            let observed = try? FileState.observe(file)
            var ids: [String] = []
            var fileProblem: String?
            reader.read(file) { item in
                switch item {
                case .problem(let problem):
                    problems += 1
                    fileProblem = fileProblem ?? problem.message
                    progress.clearLine()
                    note("hanindex: \(problem)")
                case .report(let report, _):
                    do {
                        progress.segments += try writer.add(report)
                        progress.documents += 1
                        ids.append(report.id)
                    } catch {
                        failure = error
                    }
                case .page(let page, let fileID, _):
                    do {
                        ids += try writer.add(page: page, fileID: fileID)
                        progress.documents += page.articles.count
                        progress.segments += page.articles.reduce(0) { $0 + $1.segments.count }
                    } catch {
                        failure = error
                    }
                }
                do {
                    if failure == nil { try writer.checkpoint() }
                } catch {
                    failure = error
                }
                if failure != nil { return false }
                progress.update(bytes: item.sourceBytes)
                return true
            }
            if failure != nil { break }
            if let observed {
                do {
                    try writer.record(FileState(folder: observed.folder, hash: observed.hash, stamp: observed.stamp,
                                                ids: ids, problem: ids.isEmpty ? fileProblem : nil),
                                      forFile: file.relativePath)
                } catch {
                    failure = error
                    break
                }
            }
            progress.finishFile(file)
        }
        if let failure {
            progress.clearLine()
            throw fail("\(failure) — the index keeps its last commit; run the same command again to resume")
        }
        do {
            try writer.finish()
        } catch {
            throw fail("\(error)")
        }
        progress.clearLine()
        print(progress.summary(files: files.count, unchanged: writer.unchangedReports, problems: problems,
                               index: location.index))
        if !(writer is BulkIndexer) { noteReclaimableSpace() }
        if problems > 0 { throw ExitCode(2) }
    }

    /// After updates of a bulk-built index: when it keeps more replaced or deleted segments on disk than it
    /// shows, says so and how to get the space back, since nothing else would tell.
    private func noteReclaimableSpace() {
        guard (try? location.shardList().isSingleFolder) == true, let stats = try? location.openSearchIndex().stats(),
              stats.deletedSegments > 0, stats.deletedSegments >= stats.segments else { return }
        note("hanindex: \(location.index) keeps \(counted(stats.deletedSegments, "replaced or deleted segment")) on disk, "
             + "more than the \(stats.segments) it shows: `hanindex rebuild --index \(location.index)` reclaims them")
    }
}

/// Where `hanindex index` sends what it reads: a bulk build or updates of an existing index.
protocol ReportSink {
    /// Reports that the index already held exactly as read, and so left alone.
    var unchangedReports: Int { get }
    /// Adds or replaces a report; returns its number of segments.
    func add(_ report: Report) throws -> Int
    /// Adds or replaces the articles of a page; returns their ids.
    @discardableResult func add(page: Page, fileID: String) throws -> [String]
    /// Records what the index holds of an input file, for `hanindex watch`.
    func record(_ state: FileState, forFile relativePath: String) throws
    /// Called after each input item: commits when a batch is complete.
    func checkpoint() throws
    /// Makes everything durable and visible.
    func finish() throws
}

extension Folding: ExpressibleByArgument {}

extension BulkIndexer: ReportSink {
    var unchangedReports: Int { 0 }
    func checkpoint() {}
    func finish() throws { _ = try finish() as Int }
}

/// Updates an existing index (each document in its shard), committing every `batchSize` reports.
/// Each batch is one Xapian transaction per shard, so Xapian's own flushes cannot commit part of it.
struct UpdatingSink: ReportSink {
    let writer: ShardedWriter
    let batchSize: Int

    init(writer: ShardedWriter, batchSize: Int) throws {
        self.writer = writer
        self.batchSize = batchSize
        try writer.beginBatch()
    }

    var unchangedReports: Int { writer.unchangedReports }
    func add(_ report: Report) throws -> Int { try writer.add(report) }
    func add(page: Page, fileID: String) throws -> [String] { try writer.add(page: page, fileID: fileID) }
    /// Keeps the ids an earlier state listed (this command never deletes), so that `watch` can remove them later.
    func record(_ state: FileState, forFile relativePath: String) throws {
        var state = state
        let current = Set(state.ids)
        state.ids += try writer.fileState(forFile: relativePath)?.ids.filter { !current.contains($0) } ?? []
        try writer.record(state, forFile: relativePath)
    }
    func checkpoint() throws {
        guard writer.pendingChanges >= batchSize else { return }
        try writer.commitBatch()
        try writer.beginBatch()
    }
    func finish() throws { try writer.commitBatch() }
}

extension ReadItem {
    /// Roughly how many input bytes the item stands for, for throughput figures.
    var sourceBytes: Int {
        switch self {
        case .report(let report, _): return report.body.utf8.count + report.title.utf8.count + report.id.utf8.count
        case .page(let page, _, _): return page.articles.reduce(0) { $0 + $1.segments.reduce(0) { $0 + $1.text.utf8.count } }
        case .problem: return 0
        }
    }
}

/// The progress line (on a terminal) and the summary line.
struct Progress {
    let totalBytes: Int
    let start = Date()
    var documents = 0
    var segments = 0
    private var bytesInFinishedFiles = 0
    private var bytesInCurrentFile = 0
    private var lastDraw = Date.distantPast
    private let onTerminal = isatty(STDERR_FILENO) == 1

    init(totalBytes: Int) {
        self.totalBytes = totalBytes
    }

    var bytesDone: Int { bytesInFinishedFiles + bytesInCurrentFile }

    mutating func update(bytes: Int) {
        bytesInCurrentFile += bytes
        guard onTerminal, Date().timeIntervalSince(lastDraw) > 0.2 else { return }
        lastDraw = Date()
        let elapsed = Date().timeIntervalSince(start)
        let rate = Double(bytesDone) / max(elapsed, 0.001)
        let remaining = rate > 0 ? Double(max(totalBytes - bytesDone, 0)) / rate : 0
        let line = String(format: "\r%@, %@ of %@, %.2f MB/s, ETA %d:%02d ",
                          counted(documents, "document"), megabytes(bytesDone), megabytes(totalBytes), rate / 1_000_000,
                          Int(remaining) / 60, Int(remaining) % 60)
        FileHandle.standardError.write(Data(line.utf8))
    }

    mutating func finishFile(_ file: InputFile) {
        bytesInFinishedFiles += file.size
        bytesInCurrentFile = 0
    }

    func clearLine() {
        if onTerminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }

    func summary(files: Int, unchanged: Int, problems: Int, index: String) -> String {
        let elapsed = Date().timeIntervalSince(start)
        return String(format: "indexed %@ (%@) from %@, %@ in %.1f s (%.2f MB/s)%@%@ into %@",
                      counted(documents, "document"), counted(segments, "segment"), counted(files, "file"),
                      megabytes(bytesDone), elapsed,
                      Double(bytesDone) / max(elapsed, 0.001) / 1_000_000,
                      unchanged > 0 ? "; \(counted(unchanged, "document")) unchanged" : "",
                      problems > 0 ? "; \(problems) skipped (see above)" : "", index)
    }
}
