import Foundation

extension CorpusReader {
    /// Reports from evenly spaced places of the JSON Lines files among `files`: the first whole line after
    /// each of `count` byte offsets spread over them. A bulk build trains its data dictionary on them
    /// (``BulkIndexer/train(onSampleOf:)``), so that it fits the whole input, not only its start: on real
    /// text, ordered by source, a dictionary of the first segments left the data 25% larger.
    /// Lines that do not decode are passed over here; reading the files reports them.
    public func sample(of files: [InputFile], count: Int = 512) -> [Report] {
        let jsonLines = files.filter { $0.format == .jsonLines && $0.size > 0 }
        let total = jsonLines.reduce(0) { $0 + $1.size }
        guard total > 0, count > 0 else { return [] }
        let step = max(1, total / count)
        var reports: [Report] = []
        var fileStart = 0
        for file in jsonLines {
            defer { fileStart += file.size }
            guard let handle = FileHandle(forReadingAtPath: file.path) else { continue }
            defer { try? handle.close() }
            var point = (fileStart + step - 1) / step * step - fileStart
            var lastLine = -1
            while point < file.size {
                defer { point += step }
                guard let (lineStart, line) = CorpusReader.line(after: point, in: handle), lineStart != lastLine else { continue }
                lastLine = lineStart
                let location = InputLocation(file: file.path)
                for case .report(let report, _) in decodeJSON(String(decoding: line, as: UTF8.self), location: location,
                                                              allowArray: false) {
                    reports.append(report)
                }
            }
        }
        return reports
    }

    /// Lines longer than this are not sampled.
    private static let longestSampledLine = 256 << 10

    /// The first whole line that starts at or after byte `offset` of `handle`'s file (at 0, the first
    /// line), with the offset it starts at. Reads 16 KB at a time: a line is about 2 KB on real text.
    private static func line(after offset: Int, in handle: FileHandle) -> (Int, [UInt8])? {
        // From offset - 1, so that a line starting exactly at offset is found after its newline.
        let from = max(0, offset - 1)
        guard (try? handle.seek(toOffset: UInt64(from))) != nil else { return nil }
        var bytes: [UInt8] = []
        var start: Int? = offset > 0 ? nil : 0
        while bytes.count < longestSampledLine + 1 {
            guard let data = try? handle.read(upToCount: 16 << 10), !data.isEmpty else {
                // The file ends: its last line may lack a newline.
                guard let start, start < bytes.count else { return nil }
                return (from + start, Array(bytes[start...]))
            }
            let scanned = bytes.count
            bytes += data
            if start == nil, let newline = bytes[scanned...].firstIndex(of: 0x0A) { start = newline + 1 }
            if let start, let end = bytes[max(start, scanned)...].firstIndex(of: 0x0A) {
                return end > start ? (from + start, Array(bytes[start..<end])) : nil
            }
        }
        return nil
    }
}
