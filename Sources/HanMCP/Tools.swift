import Foundation
import HanAPI
import HanSearch
import MCP

/// The tools, their schemas and their calls, over a ``SearchBackend``.
public struct HanTools: Sendable {
    let backend: any SearchBackend

    /// Tools that run on `backend`.
    public init(backend: any SearchBackend) {
        self.backend = backend
    }

    static let writingTools: Set<String> = ["add_reports", "delete_document"]

    /// The tools offered: all five, or the three that read when the backend offers no writes.
    public var tools: [Tool] {
        let limits = backend.limits
        let reading = [
            Tool(name: "search", title: "Search the Chinese full-text index", description: """
                Finds the segments (paragraphs) of reports and articles that contain the query exactly: a \
                Chinese query matches exactly that substring, not similar words. Query language: parts \
                separated by spaces must all match; "quoted text" is one exact phrase; A OR B; -part \
                excludes; title:part searches titles. Read the resource hansearch://docs/query-language \
                for details. Returns the exact total of matching segments and a page of hits (id, doc, \
                title, section, date, source, score, snippet with matches in <mark>, full segment text); \
                page with offset. Use get_document with a hit's doc to read the whole document.
                """,
                 inputSchema: .object([
                    "type": "object",
                    "properties": .object([
                        "query": ["type": "string", "minLength": 1, "maxLength": .int(limits.maximumQueryLength),
                                  "description": "The query, e.g. 科技服务业, \"Debian 参考手册\", 宁波 OR 甬, 龙井 -杭州, title:对口支援."],
                        "limit": ["type": "integer", "minimum": 0, "maximum": .int(limits.maximumLimit), "default": 10,
                                  "description": "How many hits to return (0: only the total and facets)."],
                        "offset": ["type": "integer", "minimum": 0, "maximum": .int(limits.maximumOffset), "default": 0,
                                   "description": "How many hits to skip, for the next page."],
                        "from": ["type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
                                 "description": "Only documents dated on or after this day (YYYY-MM-DD)."],
                        "to": ["type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
                               "description": "Only documents dated on or before this day (YYYY-MM-DD)."],
                        "sort": ["type": "string", "enum": ["relevance", "date"], "default": "relevance",
                                 "description": "relevance (BM25) or date (newest first)."],
                        "source": ["type": "string", "minLength": 1, "description": "Only documents from this source."],
                        "year": ["type": "string", "pattern": "^[0-9]{4}$", "description": "Only documents dated in this year (YYYY)."],
                        "facets": ["type": "array", "items": ["type": "string", "enum": ["source", "year"]],
                                   "description": "Also count all matching segments per source and/or year."],
                    ]),
                    "required": ["query"],
                    "additionalProperties": false,
                 ]),
                 annotations: .init(readOnlyHint: true)),
            Tool(name: "get_document", title: "Read a whole document", description: """
                Returns one document (a report, or one article of a newspaper page) reassembled from its \
                segments in reading order: id, title, date, source and the segments with their text. Pass \
                a search hit's doc as id. With highlight (a query), each segment it matches is also given \
                whole as HTML with the matches in <mark>.
                """,
                 inputSchema: .object([
                    "type": "object",
                    "properties": [
                        "id": ["type": "string", "minLength": 1, "description": "The document id (a hit's doc, not its id with #n)."],
                        "highlight": ["type": "string", "description": "A query whose matches to mark in the segments."],
                    ],
                    "required": ["id"],
                    "additionalProperties": false,
                 ]),
                 annotations: .init(readOnlyHint: true)),
            Tool(name: "index_stats", title: "Index statistics", description: """
                Returns the index's figures: documents, segments, size, last commit, and the synonyms in use.
                """,
                 inputSchema: ["type": "object", "properties": [:], "additionalProperties": false],
                 annotations: .init(readOnlyHint: true)),
        ]
        guard backend.offersWrites else { return reading }
        return reading + [
            Tool(name: "add_reports", title: "Add or replace reports", description: """
                Indexes reports and commits them: all or nothing. Each report is {"id", "title", "body", \
                "date"? (YYYY-MM-DD), "source"?, "authors"? [strings]}; a report whose id is already in \
                the index replaces it. When any record is bad, nothing is indexed and every bad record is \
                named with its position and id. Once this answers, the reports are searchable.
                """,
                 inputSchema: .object([
                    "type": "object",
                    "properties": [
                        "reports": ["type": "array", "minItems": 1, "items": [
                            "type": "object",
                            "properties": [
                                "id": ["type": "string"], "title": ["type": "string"], "body": ["type": "string"],
                                "date": ["type": "string", "description": "YYYY-MM-DD"], "source": ["type": "string"],
                                "authors": ["type": "array", "items": ["type": "string"]],
                            ],
                            "required": ["id", "title", "body"],
                        ]],
                    ],
                    "required": ["reports"],
                    "additionalProperties": false,
                 ]),
                 annotations: .init(readOnlyHint: false, destructiveHint: false, idempotentHint: true)),
            Tool(name: "delete_document", title: "Delete a document", description: """
                Deletes one document with all its segments, by id (a hit's doc), and commits. An id that \
                is not in the index is an error and nothing changes.
                """,
                 inputSchema: .object([
                    "type": "object",
                    "properties": ["id": ["type": "string", "minLength": 1, "description": "The document id."]],
                    "required": ["id"],
                    "additionalProperties": false,
                 ]),
                 annotations: .init(readOnlyHint: false, destructiveHint: true, idempotentHint: false)),
        ]
    }

    /// Runs a call. Bad arguments, a bad query and every failure of the index are tool errors
    /// (`isError`, with the reason as text); only an unknown tool is a protocol error.
    public func call(_ parameters: CallTool.Parameters, http request: HTTPRequest?) async throws -> CallTool.Result {
        let arguments = ToolArguments(tool: parameters.name, values: parameters.arguments ?? [:])
        do {
            switch parameters.name {
            case "search": return try await search(arguments)
            case "get_document": return try await document(arguments)
            case "index_stats":
                try arguments.allow([])
                let stats = try await backend.stats()
                return try CallTool.Result(content: [HanTools.text(String(decoding: try APIJSON.encoder.encode(stats), as: UTF8.self))],
                                       structuredContent: stats, isError: false)
            case let name where HanTools.writingTools.contains(name):
                guard backend.offersWrites else {
                    throw ToolError("\(name) is not available: this server is read-only (start hanindex mcp with --writable)")
                }
                try backend.authorizeWrite(request)
                return name == "add_reports" ? try await add(arguments) : try await delete(arguments)
            default:
                throw MCPError.invalidParams("unknown tool \"\(parameters.name)\"; the tools are "
                                             + tools.map(\.name).joined(separator: ", "))
            }
        } catch let error as MCPError {
            throw error
        } catch let error as RefusedBatch {
            return CallTool.Result(content: [HanTools.text(error.description)], structuredContent: error.body, isError: true)
        } catch let error as QuerySyntaxError {
            return HanTools.failure("the query cannot be parsed: \(error)")
        } catch {
            return HanTools.failure("\(error)")
        }
    }

    static func text(_ text: String) -> Tool.Content {
        .text(text: text, annotations: nil, _meta: nil)
    }

    static func failure(_ message: String) -> CallTool.Result {
        CallTool.Result(content: [HanTools.text(message)], isError: true)
    }

    private func search(_ arguments: ToolArguments) async throws -> CallTool.Result {
        try arguments.allow(["query", "limit", "offset", "from", "to", "sort", "source", "year", "facets"])
        let limits = backend.limits
        guard let query = try arguments.string("query"), !query.allSatisfy(\.isWhitespace) else {
            throw ToolError("argument \"query\" is required: the text to search for")
        }
        guard query.count <= limits.maximumQueryLength else {
            throw ToolError("argument \"query\" is \(query.count) characters long; the limit is \(limits.maximumQueryLength)")
        }
        var options = SearchOptions()
        options.limit = try arguments.integer("limit", in: 0...limits.maximumLimit) ?? options.limit
        options.offset = try arguments.integer("offset", in: 0...limits.maximumOffset) ?? options.offset
        options.from = try arguments.date("from")
        options.to = try arguments.date("to")
        if let from = options.from, let to = options.to, from > to {
            throw ToolError("argument \"from\" (\(from)) is after \"to\" (\(to))")
        }
        if let sort = try arguments.string("sort") {
            guard let order = ResultOrder(rawValue: sort) else {
                throw ToolError("argument \"sort\" must be relevance or date, not \"\(sort)\"")
            }
            options.sort = order
        }
        if let source = try arguments.string("source") {
            guard !source.isEmpty else { throw ToolError("argument \"source\" must be a source, not empty") }
            options.source = source
        }
        if let year = try arguments.string("year") {
            guard Facet.isValidYear(year) else { throw ToolError("argument \"year\" must be a year written YYYY, not \"\(year)\"") }
            options.year = year
        }
        if let facets = try arguments.strings("facets") {
            do {
                options.facets = try Facet.list(parsing: facets.joined(separator: ","))
            } catch {
                throw ToolError("argument \"facets\": \(error)")
            }
        }
        let response = try await backend.search(query, options: options)
        return try HanTools.success(response, text: SearchText.render(response, offset: options.offset))
    }

    private func document(_ arguments: ToolArguments) async throws -> CallTool.Result {
        try arguments.allow(["id", "highlight"])
        let id = try arguments.requiredID()
        let highlight = try arguments.string("highlight").flatMap { $0.allSatisfy(\.isWhitespace) ? nil : $0 }
        let document = try await backend.document(id: id, highlight: highlight)
        return try HanTools.success(document, text: SearchText.render(document))
    }

    private func add(_ arguments: ToolArguments) async throws -> CallTool.Result {
        try arguments.allow(["reports"])
        guard let records = arguments.values["reports"] else {
            throw ToolError("argument \"reports\" is required: an array of {\"id\", \"title\", \"body\", ...} objects")
        }
        guard case .array = records else {
            throw ToolError("argument \"reports\" must be an array of report objects, not \(ToolArguments.kind(of: records))")
        }
        // Through the very reader of POST /documents, so that the same records pass and fail, with the same words.
        let (reports, problems) = ReportBatch.parse(Array(try JSONEncoder().encode(records)), format: .json)
        guard problems.isEmpty else { throw RefusedBatch(problems: problems) }
        let response = try await backend.add(reports)
        return try HanTools.success(response, text: "indexed \(response.indexed) report\(response.indexed == 1 ? "" : "s") "
                                    + "(\(response.segments) segments), now searchable: " + response.ids.joined(separator: ", "))
    }

    private func delete(_ arguments: ToolArguments) async throws -> CallTool.Result {
        try arguments.allow(["id"])
        let response = try await backend.delete(id: try arguments.requiredID())
        return try HanTools.success(response, text: "deleted \(response.deleted) (\(response.segments) segments)")
    }

    /// `value` as structured content (the HTTP route's JSON), with `text` for clients that read only text.
    static func success(_ value: some Encodable, text: String) throws -> CallTool.Result {
        try CallTool.Result(content: [HanTools.text(text)], structuredContent: Value(json: value), isError: false)
    }
}

extension Value {
    /// `value` as the JSON API writes it (``APIJSON/encoder``), so that structured content equals the route's answer.
    public init(json value: some Encodable) throws {
        self = try JSONDecoder().decode(Value.self, from: APIJSON.encoder.encode(value))
    }
}

/// A batch of reports refused as a whole: every bad record, as `POST /documents` answers 422.
struct RefusedBatch: Error, CustomStringConvertible {
    let problems: [RecordProblem]

    var description: String {
        ([ReportBatch.refusal(problems)] + (problems.count > 1 ? problems.map { "- \($0)" } : [])).joined(separator: "\n")
    }

    /// `{"error": {"code": "invalid_records", "message", "records"}}`, the body of the 422.
    var body: Value? {
        struct Detail: Encodable { let code: String; let message: String; let records: [RecordProblem] }
        struct Body: Encodable { let error: Detail }
        let body = Body(error: Detail(code: "invalid_records", message: ReportBatch.refusal(problems), records: problems))
        return try? Value(json: body)
    }
}

/// A call's arguments, read one by one with a refusal that names the argument.
struct ToolArguments {
    let tool: String
    let values: [String: Value]

    /// Refuses arguments the tool does not take (a misspelt one would otherwise be ignored silently).
    func allow(_ names: Set<String>) throws {
        if let unknown = values.keys.sorted().first(where: { !names.contains($0) }) {
            throw ToolError("\(tool) has no argument \"\(unknown)\"; "
                            + (names.isEmpty ? "it takes none" : "its arguments are " + names.sorted().joined(separator: ", ")))
        }
    }

    func string(_ name: String) throws -> String? {
        switch values[name] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case let other?: throw ToolError("argument \"\(name)\" must be a string, not \(ToolArguments.kind(of: other))")
        }
    }

    func strings(_ name: String) throws -> [String]? {
        switch values[name] {
        case nil, .null?: return nil
        case .array(let items)?:
            return try items.map { item in
                guard case .string(let text) = item else {
                    throw ToolError("argument \"\(name)\" must be an array of strings, not one holding \(ToolArguments.kind(of: item))")
                }
                return text
            }
        case let other?: throw ToolError("argument \"\(name)\" must be an array of strings, not \(ToolArguments.kind(of: other))")
        }
    }

    func integer(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        let number: Int
        switch values[name] {
        case nil, .null?: return nil
        case .int(let value)?: number = value
        case .double(let value)? where value.rounded() == value && abs(value) < 1e15: number = Int(value)
        case let other?: throw ToolError("argument \"\(name)\" must be a whole number, not \(ToolArguments.kind(of: other))")
        }
        guard range.contains(number) else {
            throw ToolError("argument \"\(name)\" must be from \(range.lowerBound) to \(range.upperBound), not \(number)")
        }
        return number
    }

    func date(_ name: String) throws -> String? {
        guard let text = try string(name) else { return nil }
        guard Report.isValidDate(text) else {
            throw ToolError("argument \"\(name)\" must be a calendar date written YYYY-MM-DD, not \"\(text)\"")
        }
        return text
    }

    func requiredID() throws -> String {
        guard let id = try string("id"), !id.isEmpty else {
            throw ToolError("argument \"id\" is required: a document id, as a search hit's doc")
        }
        return id
    }

    /// How a wrong value is named in a refusal: its JSON type and, when short, the value.
    static func kind(of value: Value) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return "the boolean \(flag)"
        case .int(let number): return "the number \(number)"
        case .double(let number): return "the number \(number)"
        case .string(let text): return "the string \"\(text.unicodeScalars.count > 40 ? String(String.UnicodeScalarView(text.unicodeScalars.prefix(40))) + "…" : text)\""
        case .data: return "binary data"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
