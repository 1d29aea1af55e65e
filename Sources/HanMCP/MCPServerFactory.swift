import HanSearch
import MCP

/// Makes MCP `Server`s that offer the tools of ``HanTools`` and the query language as a resource.
public enum HanMCPServer {
    /// The version given to clients in `serverInfo`.
    public static let version = "1.0.0"

    /// A server for one client (one stdio process, or one HTTP session), not yet started.
    public static func make(backend: any SearchBackend) async -> Server {
        let tools = HanTools(backend: backend)
        let server = Server(
            name: "hansearch", version: version, title: "HanSearch",
            instructions: """
                Exact full-text search over Chinese reports and articles. Call search first (it finds exactly \
                the segments containing the query), then get_document with a hit's doc to read more. The query \
                language is in the resource \(QueryLanguage.uri).
                """,
            capabilities: .init(resources: .init(subscribe: false, listChanged: false), tools: .init(listChanged: false)))
        await server.withMethodHandler(ListTools.self) { _ in ListTools.Result(tools: tools.tools) }
        await server.withMethodHandler(CallTool.self) { parameters in
            try await tools.call(parameters, http: Server.currentHandlerContext?.httpContext)
        }
        await server.withMethodHandler(ListResources.self) { _ in ListResources.Result(resources: [QueryLanguage.resource]) }
        await server.withMethodHandler(ReadResource.self) { parameters in
            guard parameters.uri == QueryLanguage.uri else {
                throw MCPError.invalidParams("no resource \"\(parameters.uri)\"; the resource is \(QueryLanguage.uri)")
            }
            return ReadResource.Result(contents: [.text(QueryLanguage.text, uri: QueryLanguage.uri, mimeType: "text/markdown")])
        }
        return server
    }
}

/// The query language, for an assistant writing queries (docs/command-line.md#query-language says the same for people).
enum QueryLanguage {
    static let uri = "hansearch://docs/query-language"

    static let resource = Resource(name: "query-language", uri: uri, title: "HanSearch query language",
                                   description: "How to write queries for the search tool: exact substrings, phrases, OR, exclusion, titles, filters.",
                                   mimeType: "text/markdown")

    static let text = """
        # HanSearch query language

        The index finds **exactly** the segments (paragraphs) that contain the query: a Chinese query is a
        substring match, not a search for similar words. To find other wordings, search for each (with OR).

        | query | means |
        |---|---|
        | `科技服务业` | segments containing exactly this substring |
        | `招商 公司` | both parts, anywhere in the segment (parts separated by spaces must all match) |
        | `2021年`, `AI芯片` | the parts adjacent (also matches `2021 年`), not `2021，年` |
        | `"Debian 参考手册"` | one exact phrase, across scripts and spaces |
        | `宁波 OR 甬` | either part (`OR` binds tighter than the implicit AND) |
        | `龙井 -杭州` | excludes segments containing 杭州 |
        | `title:对口支援` | the article or report title contains it |
        | `设置参数，文件名` | punctuation splits a part into stretches that must all match |

        Queries are normalized like the documents: full-width `ＡＩ１２３` is `ai123`, Latin letters are
        case-folded, and variant characters are folded as the index was built. Synonym groups configured on
        the server are applied to every query.

        Errors (a tool error carrying the parser's message): an unbalanced quote, `OR` without a part on each
        side, a query of only punctuation, a query of only exclusions.

        Filters are arguments of the search tool, not query syntax: `from` / `to` (YYYY-MM-DD), `year`
        (YYYY), `source`; `sort` is `relevance` or `date` (newest first); `facets: ["source", "year"]` counts
        all matching segments per value. `total` is the exact number of matching segments; page with
        `offset` and `limit`.

        A hit's `id` is `DOC#n` (its segment); pass its `doc` to get_document to read the whole document.
        """
}
