import ArgumentParser
import Foundation
import HanMCP
import HanSearch
import MCP

struct MCPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve the index to an MCP client (an assistant or agent) over stdin and stdout.",
        discussion: """
            For MCP clients that launch a command: register `hanindex mcp --index DIR` (docs/mcp.md). \
            The tools are search, get_document and index_stats, and with --writable also add_reports and \
            delete_document (each write takes the index's lock, commits and lets it go). The query language \
            is offered as the resource hansearch://docs/query-language. Stdout carries only the protocol; \
            errors go to stderr. It ends when the client closes stdin.
            """
    )

    @OptionGroup var location: IndexLocation

    @OptionGroup var synonymOption: SynonymOption

    @Flag(help: "Offer the tools that add and delete documents.")
    var writable = false

    func run() throws {
        let backend: LocalIndexBackend
        do {
            backend = try LocalIndexBackend(location: location.index, timeouts: location.timeouts,
                                            synonyms: try synonymOption.table(index: location.index), writable: writable)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw fail("\(error)")
        }
        // ArgumentParser runs commands synchronously: the server runs on the concurrency pool while this
        // thread waits for the client to hang up.
        let done = DispatchSemaphore(value: 0)
        let failure = Failure()
        Task {
            do {
                let server = await HanMCPServer.make(backend: backend)
                let transport = DrainingTransport(StdioTransport())
                try await server.start(transport: transport)
                await server.waitUntilCompleted()
                // The input ended; calls still running are answered (a write committed) before exiting.
                await transport.drained()
            } catch {
                failure.message = "\(error)"
            }
            done.signal()
        }
        done.wait()
        if let message = failure.message { throw fail("mcp: \(message)") }
    }

    /// The server task's error, read after it signalled.
    private final class Failure: @unchecked Sendable {
        var message: String?
    }
}
