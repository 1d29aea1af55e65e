import ArgumentParser
import Foundation
import HanServe
import Hummingbird
import Logging

/// `hanserve`: the HanSearch query server.
@main
struct HanServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hanserve",
        abstract: "Serves a HanSearch index over HTTP: a JSON API, live indexing and a search page.",
        discussion: """
            Write endpoints need `Authorization: Bearer <token>` when HANSERVE_TOKEN is set; the server \
            refuses to listen on a non-loopback address without it. MCP clients (assistants, agents) connect \
            to /mcp over Streamable HTTP, where the writing tools need the same token (docs/mcp.md). Stop \
            with Ctrl-C or SIGTERM: requests in flight finish and pending writes are committed. \
            LOG_LEVEL=debug logs more.
            """)

    @Option(help: "The index folder (created if missing), or its shards: DIR,tcp://HOST:PORT,... or @FILE.")
    var index = "index"

    @Option(help: "Timeout for remote shards, in milliseconds: a shard that does not answer in time gets 503.")
    var shardTimeout: UInt32 = 10_000

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on (0 picks a free one).")
    var port = 8080

    @Option(help: "Refuse request bodies larger than this many bytes (413).")
    var maxBodyBytes = ServerConfiguration.defaultMaximumBodyBytes

    @Option(help: "Read handles, i.e. searches running at the same time.")
    var readers = ServerConfiguration.defaultReaders

    @Option(help: "Close connections idle for this many seconds.")
    var idleTimeout = 30

    @Option(help: ArgumentHelp("The synonym file, reloaded when it changes and on SIGHUP (default: synonyms.txt in the index folder, if present).",
                               valueName: "FILE"))
    var synonyms: String?

    @Option(help: ArgumentHelp("Keep the index in step with this folder: index new and changed files, remove deleted ones.",
                               valueName: "FOLDER"))
    var watch: String?

    @Option(help: "Seconds between scans of the --watch folder.")
    var watchInterval: Double = 1

    func run() async throws {
        // A write to a closed connection, to a client or a remote shard, must fail with an error (see
        // RemoteTimeouts), not end the process.
        signal(SIGPIPE, SIG_IGN)
        var logger = Logger(label: "hanserve")
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .info
        var settings = ServerConfiguration(
            indexPath: index, host: host, port: port, maximumBodyBytes: maxBodyBytes, readers: readers,
            token: ProcessInfo.processInfo.environment["HANSERVE_TOKEN"])
        settings.idleTimeoutSeconds = idleTimeout
        settings.shardTimeoutMilliseconds = shardTimeout
        settings.synonymsPath = synonyms
        settings.watchFolder = watch
        settings.watchIntervalSeconds = watchInterval
        let configuration = settings
        let app: any ApplicationProtocol
        do {
            app = try buildApplication(configuration: configuration, logger: logger) { port in
                let shownHost = host.contains(":") ? "[\(host)]" : host
                FileHandle.standardOutput.write(
                    Data("hanserve: listening on http://\(shownHost):\(port)/ (index \(configuration.indexPath))\n".utf8))
            }
        } catch let error as ServerStartError {
            throw ValidationError(error.description)
        }
        try await app.runService()
    }
}
