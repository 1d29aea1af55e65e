import CoreMetrics
import Foundation
import HanSearch
import Hummingbird
import NIOConcurrencyHelpers
import Prometheus

/// The server's metrics, through swift-metrics into a Prometheus registry of its own (not the process-wide
/// `MetricsSystem`, so that several servers in one process, as in the tests, keep apart). A scrape only
/// writes out the registry: the index gauges are set when the server opens and after each commit.
final class ServerMetrics: Sendable {
    /// Upper bounds of the latency buckets.
    static let buckets: [Duration] = [.microseconds(500), .milliseconds(1), .microseconds(2_500), .milliseconds(5),
                                      .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
                                      .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2_500),
                                      .seconds(5), .seconds(10)]
    static let requestsName = "hanserve_http_requests_total"
    static let durationName = "hanserve_http_request_duration_seconds"

    private let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let reportsIndexed: CoreMetrics.Counter
    private let documentsDeleted: CoreMetrics.Counter
    private let commits: CoreMetrics.Counter
    private let sizeBytes: CoreMetrics.Gauge
    private let documents: CoreMetrics.Gauge
    private let segments: CoreMetrics.Gauge
    /// Whether a refresh of the index gauges runs, and whether a commit came since it started.
    private let refresh = NIOLockedValueBox((running: false, again: false))

    init(readHandles: Int) {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = [ServerMetrics.durationName: ServerMetrics.buckets]
        self.factory = factory
        reportsIndexed = CoreMetrics.Counter(label: "hanserve_reports_indexed_total", factory: factory)
        documentsDeleted = CoreMetrics.Counter(label: "hanserve_documents_deleted_total", factory: factory)
        commits = CoreMetrics.Counter(label: "hanserve_index_commits_total", factory: factory)
        sizeBytes = CoreMetrics.Gauge(label: "hanserve_index_size_bytes", factory: factory)
        documents = CoreMetrics.Gauge(label: "hanserve_index_documents", factory: factory)
        segments = CoreMetrics.Gauge(label: "hanserve_index_segments", factory: factory)
        CoreMetrics.Gauge(label: "hanserve_read_handles", factory: factory).record(readHandles)
    }

    /// Records one answered request. `route` is the route pattern (e.g. `/documents/**`), never the raw
    /// path, so the number of series stays bounded.
    func record(method: String, route: String, status: Int, duration: Duration) {
        CoreMetrics.Counter(label: ServerMetrics.requestsName,
                dimensions: [("method", method), ("route", route), ("status", String(status))], factory: factory).increment()
        let (seconds, attoseconds) = duration.components
        CoreMetrics.Timer(label: ServerMetrics.durationName, dimensions: [("method", method), ("route", route)],
                          factory: factory).recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// Records reports indexed and documents deleted through the API.
    func recordWrites(reports: Int, deletions: Int) {
        reportsIndexed.increment(by: reports)
        documentsDeleted.increment(by: deletions)
    }

    /// Sets the index gauges.
    func record(_ figures: IndexFigures) {
        sizeBytes.record(figures.sizeBytes)
        documents.record(figures.documents)
        segments.record(figures.segments)
    }

    /// Records a commit, and refreshes the index gauges with `figures` (a read of the index) — at most one
    /// refresh at a time, and one more when commits came during it.
    func recordCommit(figures: @escaping @Sendable () async -> IndexFigures?) {
        commits.increment()
        let start = refresh.withLockedValue { state -> Bool in
            if state.running { state.again = true; return false }
            state.running = true
            return true
        }
        guard start else { return }
        Task {
            repeat {
                if let figures = await figures() { record(figures) }
            } while refresh.withLockedValue { state -> Bool in
                let again = state.again
                state.again = false
                state.running = again
                return again
            }
        }
    }

    /// The exposition text (Prometheus text format 0.0.4).
    func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }
}

/// Measures every request: one structured log line with its latency, and the metrics by route.
/// It sits outside ``ErrorMiddleware`` so that it sees the final status of errors too.
struct ObservabilityMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let response = try await next(request, context)
        let duration = ContinuousClock.now - started
        let elapsed = milliseconds(since: started)
        let route = context.endpointPath ?? "NotFound"
        metrics.record(method: request.method.rawValue, route: route, status: response.status.code, duration: duration)
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
