/// What a line of JSON Lines is, in one place: the bytes up to a newline (LF; a CR before it is a
/// blank), and a line of blanks holds no record.
enum JSONLines {
    /// How far ``split(_:firstLine:atEnd:_:)`` got.
    struct Progress: Equatable {
        /// The bytes split off: the lines handed over and their newlines.
        var consumed: Int
        /// The number of the line after them.
        var nextLine: Int
        /// Whether the callback asked to stop.
        var stopped: Bool
    }

    /// Calls `body` with each line of `bytes` that holds more than blanks and its number (counting every
    /// line from `firstLine`), until `body` returns false. Unless `atEnd`, the bytes after the last newline
    /// are a line still arriving: they are left for the next call, with more bytes after them.
    @discardableResult
    static func split<E: Error>(_ bytes: ArraySlice<UInt8>, firstLine: Int = 1, atEnd: Bool = true,
                                _ body: (_ line: ArraySlice<UInt8>, _ number: Int) throws(E) -> Bool)
        throws(E) -> Progress {
        var start = bytes.startIndex
        var number = firstLine
        while start < bytes.endIndex {
            let newline = bytes[start...].firstIndex(of: 0x0A)
            guard newline != nil || atEnd else { break }
            let line = bytes[start..<(newline ?? bytes.endIndex)]
            if line.contains(where: { !isBlank($0) }), try !body(line, number) {
                return Progress(consumed: start - bytes.startIndex, nextLine: number, stopped: true)
            }
            start = newline.map { $0 + 1 } ?? bytes.endIndex
            number += 1
        }
        return Progress(consumed: start - bytes.startIndex, nextLine: number, stopped: false)
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D
    }
}
