import CXapian

/// The C error out-parameter type.
typealias CError = UnsafeMutablePointer<hx_error>?

/// Runs a C call returning a status; throws its error when the status is nonzero.
@inline(__always)
func call(_ body: (inout CError) -> Int32) throws(XapianError) {
    var err: CError = nil
    if body(&err) != 0 { throw XapianError(consuming: err) }
}

/// Runs a C call returning a handle; throws its error when it returns NULL.
@inline(__always)
func make(_ body: (inout CError) -> OpaquePointer?) throws(XapianError) -> OpaquePointer {
    var err: CError = nil
    guard let p = body(&err) else { throw XapianError(consuming: err) }
    return p
}

/// For operations that can only fail on memory exhaustion or misuse that the
/// Swift layer already rules out.
@inline(__always)
func mustSucceed<T>(_ body: () throws(XapianError) -> T) -> T {
    do {
        return try body()
    } catch {
        fatalError("Xapian: unexpected \(error)")
    }
}

/// Runs a C call producing a malloc'ed byte buffer and returns a copy of it.
@inline(__always)
func takeBytes(
    _ body: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>, UnsafeMutablePointer<Int>, inout CError) -> Int32
) throws(XapianError) -> [UInt8] {
    var ptr: UnsafeMutablePointer<CChar>? = nil
    var len = 0
    try call { body(&ptr, &len, &$0) }
    defer { hx_string_free(ptr) }
    guard let ptr, len > 0 else { return [] }
    return ptr.withMemoryRebound(to: UInt8.self, capacity: len) {
        Array(UnsafeBufferPointer(start: $0, count: len))
    }
}

/// Like ``takeBytes(_:)`` but decodes the buffer as UTF-8 (invalid sequences repaired).
@inline(__always)
func takeString(
    _ body: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>, UnsafeMutablePointer<Int>, inout CError) -> Int32
) throws(XapianError) -> String {
    String(decoding: try takeBytes(body), as: UTF8.self)
}

/// The strings stored back to back in `bytes` (`total` bytes, UTF-8), one per entry of `lengths`;
/// all empty when `bytes` is NULL.
func splitStrings(_ bytes: UnsafeMutablePointer<CChar>?, total: Int, lengths: [UInt32]) -> [String] {
    guard let bytes, total > 0 else { return Array(repeating: "", count: lengths.count) }
    return bytes.withMemoryRebound(to: UInt8.self, capacity: total) { base in
        var start = 0
        return lengths.map { length in
            defer { start += Int(length) }
            return String(decoding: UnsafeBufferPointer(start: base + start, count: Int(length)), as: UTF8.self)
        }
    }
}

/// Runs a C call producing NUL-terminated keys in one buffer and returns them as strings.
func takeKeys(
    _ body: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>, UnsafeMutablePointer<Int>, inout CError) -> Int32
) throws(XapianError) -> [String] {
    try takeBytes(body).split(separator: 0, omittingEmptySubsequences: false).dropLast()
        .map { String(decoding: $0, as: UTF8.self) }
}

/// Runs a C postlist call and copies the docids out.
func takeDocids(
    _ body: (UnsafeMutablePointer<UnsafeMutablePointer<UInt32>?>, UnsafeMutablePointer<Int>, inout CError) -> Int32
) throws(XapianError) -> [UInt32] {
    var ptr: UnsafeMutablePointer<UInt32>? = nil
    var count = 0
    try call { body(&ptr, &count, &$0) }
    defer { hx_docids_free(ptr) }
    guard let ptr, count > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: ptr, count: count))
}

/// Converts a Swift count to Xapian's 32-bit unsigned type, clamping.
@inline(__always)
func u32(_ n: Int) -> UInt32 { UInt32(clamping: n) }
