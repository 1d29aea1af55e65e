import Foundation
import Logging
import MCP

/// A transport that knows which requests it has not answered yet, so that a process can wait for them
/// before it exits. The SDK's server answers each request in a task of its own and stops as soon as its
/// input ends: a client that sends `add_reports` and closes stdin at once would otherwise have the
/// process exit before the write is answered, or even finished.
public actor DrainingTransport: Transport {
    public nonisolated let logger: Logger
    private let inner: any Transport
    /// The ids of the requests received and not yet answered (nor cancelled by the client).
    private var unanswered: Set<String> = []
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// Wraps `inner`.
    public init(_ inner: any Transport) {
        self.inner = inner
        logger = Logger(label: "hansearch.mcp.draining", factory: { _ in SwiftLogNoOpLogHandler() })
    }

    public func connect() async throws {
        try await inner.connect()
    }

    public func disconnect() async {
        await inner.disconnect()
    }

    public func send(_ data: Data) async throws {
        defer {
            for message in DrainingTransport.messages(data) where message["method"] == nil {
                if let id = DrainingTransport.key(message["id"]) { answered(id) }
            }
        }
        try await inner.send(data)
    }

    public func receive() -> AsyncThrowingStream<Data, Swift.Error> {
        let (stream, continuation) = AsyncThrowingStream<Data, Swift.Error>.makeStream()
        let task = Task {
            do {
                for try await data in await inner.receive() {
                    note(data)
                    continuation.yield(data)
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// Returns once every request received so far has been answered or cancelled.
    public func drained() async {
        guard !unanswered.isEmpty else { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func note(_ data: Data) {
        for message in DrainingTransport.messages(data) {
            guard let method = message["method"] as? String else { continue }
            if method == "notifications/cancelled",
               let id = DrainingTransport.key((message["params"] as? [String: Any])?["requestId"]) {
                answered(id)
            } else if let id = DrainingTransport.key(message["id"]) {
                unanswered.insert(id)
            }
        }
    }

    private func answered(_ id: String) {
        unanswered.remove(id)
        guard unanswered.isEmpty else { return }
        for waiter in waiters { waiter.resume() }
        waiters.removeAll()
    }

    /// The JSON-RPC messages in `data`: one, or the members of a batch.
    private static func messages(_ data: Data) -> [[String: Any]] {
        switch try? JSONSerialization.jsonObject(with: data) {
        case let message as [String: Any]: return [message]
        case let batch as [Any]: return batch.compactMap { $0 as? [String: Any] }
        default: return []
        }
    }

    /// A request id as a key that tells the number 1 from the string "1".
    private static func key(_ id: Any?) -> String? {
        switch id {
        case let text as String: return "s" + text
        case let number as NSNumber: return "n" + number.stringValue
        default: return nil
        }
    }
}
