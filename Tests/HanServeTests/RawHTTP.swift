import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A client that sends bytes exactly as given, for requests no HTTP library would write.
enum RawHTTP {
    struct Answer {
        /// Everything the server sent.
        var bytes: [UInt8]
        /// Whether the server closed the connection (rather than the wait running out).
        var closedByServer: Bool

        var text: String { String(decoding: bytes, as: UTF8.self) }
        /// The status line.
        var statusLine: String { text.components(separatedBy: "\r\n").first ?? "" }
        /// The header lines, lowercased.
        var headers: [String] {
            let head = text.components(separatedBy: "\r\n\r\n").first ?? ""
            return head.components(separatedBy: "\r\n").dropFirst().map { $0.lowercased() }
        }
        /// The body of the first answer.
        var body: String { text.components(separatedBy: "\r\n\r\n").dropFirst().first ?? "" }
    }

    /// Sends `request` to 127.0.0.1:`port`, then (with `halfClose`) ends the sending side, and reads
    /// until the server closes or nothing arrives for `wait` seconds.
    static func exchange(port: Int, _ request: [UInt8], halfClose: Bool = false, wait: Int = 60) throws -> Answer {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw POSIXError(.EIO) }
        defer { close(socket) }
        var timeout = timeval(tv_sec: wait, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        var sent = 0
        while sent < request.count {
            let count = request[sent...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count <= 0 { break }  // the server may close early, after refusing what it has read
            sent += count
        }
        if halfClose { shutdown(socket, Int32(SHUT_WR)) }
        var answer = Answer(bytes: [], closedByServer: false)
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = recv(socket, &chunk, chunk.count, 0)
            if count > 0 {
                answer.bytes += chunk[..<count]
            } else {
                answer.closedByServer = count == 0 || errno == ECONNRESET
                return answer
            }
        }
    }

    /// ``exchange(port:_:halfClose:wait:)`` on a thread of its own: the blocking reads must not hold one of
    /// the few threads that Swift's tasks, the server's among them, run on.
    static func send(port: Int, _ request: [UInt8], halfClose: Bool = false) async throws -> Answer {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try exchange(port: port, request, halfClose: halfClose) }) }.start()
        }
    }

    static func send(port: Int, _ request: String, halfClose: Bool = false) async throws -> Answer {
        try await send(port: port, Array(request.utf8), halfClose: halfClose)
    }
}
