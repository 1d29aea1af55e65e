import Foundation
import Hummingbird
import NIOConcurrencyHelpers

/// Request counts and latency histograms by route, kept in memory and written in the Prometheus text
/// exposition format (version 0.0.4) by ``exposition(index:)``.
final class ServerMetrics: Sendable {
    /// Upper bounds of the latency buckets, in seconds.
    static let buckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    private struct RouteKey: Hashable, Comparable {
        var method: String
        var route: String
        static func < (a: RouteKey, b: RouteKey) -> Bool { (a.route, a.method) < (b.route, b.method) }
    }

    private struct CountKey: Hashable, Comparable {
        var route: RouteKey
        var status: Int
        static func < (a: CountKey, b: CountKey) -> Bool { (a.route, a.status) < (b.route, b.status) }
    }

    private struct Histogram {
        var counts = [Int](repeating: 0, count: ServerMetrics.buckets.count)
        var sum = 0.0
        var count = 0

        mutating func observe(_ seconds: Double) {
            if let bucket = ServerMetrics.buckets.firstIndex(where: { seconds <= $0 }) { counts[bucket] += 1 }
            sum += seconds
            count += 1
        }
    }

    private struct State {
        var requests: [CountKey: Int] = [:]
        var latency: [RouteKey: Histogram] = [:]
        var reportsWritten = 0
        var documentsDeleted = 0
    }

    private let state = NIOLockedValueBox(State())

    /// Records one answered request. `route` is the route pattern (e.g. `/documents/**`), never the raw
    /// path, so the number of series stays bounded.
    func record(method: String, route: String, status: Int, seconds: Double) {
        let key = RouteKey(method: method, route: route)
        state.withLockedValue { state in
            state.requests[CountKey(route: key, status: status), default: 0] += 1
            state.latency[key, default: Histogram()].observe(seconds)
        }
    }

    /// Records reports indexed and documents deleted.
    func recordWrites(reports: Int, deletions: Int) {
        state.withLockedValue { state in
            state.reportsWritten += reports
            state.documentsDeleted += deletions
        }
    }

    /// The figures that describe the index at scrape time.
    struct IndexFigures {
        var sizeBytes: Int
        var documents: Int
        var segments: Int
        var commits: Int
        var readers: Int
    }

    /// The whole exposition text.
    func exposition(index: IndexFigures) -> String {
        let state = state.withLockedValue { $0 }
        var out = ""
        func header(_ name: String, _ type: String, _ help: String) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        }
        func labels(_ key: RouteKey, _ extra: String = "") -> String {
            "method=\"\(escape(key.method))\",route=\"\(escape(key.route))\"" + extra
        }
        header("hanserve_http_requests_total", "counter", "HTTP requests answered, by method, route and status.")
        for (key, count) in state.requests.sorted(by: { $0.key < $1.key }) {
            out += "hanserve_http_requests_total{\(labels(key.route, ",status=\"\(key.status)\""))} \(count)\n"
        }
        header("hanserve_http_request_duration_seconds", "histogram", "Time to answer a request, by method and route.")
        for (key, histogram) in state.latency.sorted(by: { $0.key < $1.key }) {
            var cumulative = 0
            for (bound, count) in zip(ServerMetrics.buckets, histogram.counts) {
                cumulative += count
                out += "hanserve_http_request_duration_seconds_bucket{\(labels(key, ",le=\"\(format(bound))\""))} \(cumulative)\n"
            }
            out += "hanserve_http_request_duration_seconds_bucket{\(labels(key, ",le=\"+Inf\""))} \(histogram.count)\n"
            out += "hanserve_http_request_duration_seconds_sum{\(labels(key))} \(format(histogram.sum))\n"
            out += "hanserve_http_request_duration_seconds_count{\(labels(key))} \(histogram.count)\n"
        }
        func single(_ name: String, _ type: String, _ help: String, _ value: Int) {
            header(name, type, help)
            out += "\(name) \(value)\n"
        }
        single("hanserve_index_size_bytes", "gauge", "Size of the index folder on disk.", index.sizeBytes)
        single("hanserve_index_documents", "gauge", "Documents (reports or articles) in the index.", index.documents)
        single("hanserve_index_segments", "gauge", "Segments in the index.", index.segments)
        single("hanserve_index_commits_total", "counter", "Commits made by this server.", index.commits)
        single("hanserve_reports_indexed_total", "counter", "Reports added or replaced through POST /documents.",
               state.reportsWritten)
        single("hanserve_documents_deleted_total", "counter", "Documents deleted through DELETE /documents.",
               state.documentsDeleted)
        single("hanserve_read_handles", "gauge", "Read handles in the search pool.", index.readers)
        return out
    }

    private func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    private func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}

/// Measures every request: one structured log line with its latency, and the metrics by route.
/// It sits outside ``ErrorMiddleware`` so that it sees the final status of errors too.
struct ObservabilityMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = milliseconds(since: started)
        let route = context.endpointPath ?? "NotFound"
        metrics.record(method: request.method.rawValue, route: route, status: response.status.code, seconds: elapsed / 1_000)
        context.logger.info("request", metadata: [
            "method": .string(request.method.rawValue),
            "path": .string(request.uri.path),
            "route": .string(route),
            "status": .stringConvertible(response.status.code),
            "ms": .string(String(format: "%.2f", elapsed)),
        ])
        return response
    }
}
