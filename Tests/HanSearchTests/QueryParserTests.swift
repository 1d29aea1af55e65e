import Testing
@testable import HanSearch

@Suite("Query parser")
struct QueryParserTests {
    let parser = QueryParser()

    private func parse(_ query: String) throws -> ParsedQuery {
        try parser.parse(query)
    }

    private func syntaxError(_ query: String) -> QuerySyntaxError? {
        do {
            _ = try parser.parse(query)
            return nil
        } catch {
            return error
        }
    }

    @Test("whitespace-separated parts are all required")
    func and() throws {
        let query = try parse("招商 公司")
        #expect(query.required.count == 2)
        #expect(query.required.map { $0[0].patterns.map(\.terms) } == [[["招商"]], [["公司"]]])
        #expect(query.excluded.isEmpty)
    }

    @Test("full-width quotes and minus act as the ASCII ones, as NFKC reads them")
    func fullWidthOperators() throws {
        #expect(try parse("＂宁波 科技＂") == parse("\"宁波 科技\""))
        #expect(try parse("＂宁波 科技＂").required.count == 1)
        #expect(try parse("宁波 －杭州") == parse("宁波 -杭州"))
    }

    @Test("a CJK part is one phrase of bigrams")
    func phrase() throws {
        let query = try parse("科技服务业")
        #expect(query.required == [[QueryPart(field: .text, text: "科技服务业", isQuoted: false,
                                              patterns: [PhrasePattern(["科技", "技服", "服务", "务业"])])]])
    }

    @Test("OR joins its neighbours into one group and binds tighter than AND")
    func or() throws {
        let query = try parse("宁波 科技 OR 金融 OR 服务")
        #expect(query.required.count == 2)
        #expect(query.required[1].map(\.text) == ["科技", "金融", "服务"])
    }

    @Test("a leading minus excludes")
    func exclude() throws {
        let query = try parse("宁波 -科技 -\"金融 服务\"")
        #expect(query.required.map { $0.map(\.text) } == [["宁波"]])
        #expect(query.excluded.map(\.text) == ["科技", "金融 服务"])
        #expect(query.excluded[1].patterns == [PhrasePattern(["金融", "融服", "服务"])])
    }

    @Test("a quoted phrase spans scripts and spaces")
    func quoted() throws {
        let query = try parse("\"Debian 参考 手册\"")
        #expect(query.required[0][0].isQuoted)
        #expect(query.required[0][0].patterns == [PhrasePattern(["debian", "参考", "考手", "手册"])])
    }

    @Test("title: searches titles, also with a quoted phrase")
    func title() throws {
        let query = try parse("title:宁波 TITLE:\"科技 服务\" 服务")
        #expect(query.required.map { $0[0].field } == [.title, .title, .text])
        #expect(query.required[1][0].patterns == [PhrasePattern(["科技", "技服", "服务"])])
    }

    @Test("a minus inside a word, or standing alone, is not an exclusion")
    func minus() throws {
        let query = try parse("2023-02-04 - 宁波")
        #expect(query.excluded.isEmpty)
        #expect(query.required.count == 2)
        #expect(query.required[0][0].patterns.map(\.terms) == [["2023"], ["02"], ["04"]])
    }

    @Test("a lowercase or quoted or is searched as a word, not an operator")
    func orAsWord() throws {
        #expect(try parse("a or b").required.count == 3)
        #expect(try parse("a \"OR\" b").required.count == 3)
    }

    @Test("stray punctuation between words is ignored")
    func strayPunctuation() throws {
        #expect(try parse("宁波 ， 科技").required.count == 2)
    }

    @Test("syntax errors are reported with a message, never a crash")
    func errors() {
        #expect(syntaxError("\"宁波 科技")?.message == "a quote is opened but never closed")
        #expect(syntaxError("\"宁波 科技")?.offset == 0)
        #expect(syntaxError("宁波 \"科技\" \"")?.offset == 8)
        #expect(syntaxError("OR 宁波")?.message == "OR needs a word to search for on its left")
        #expect(syntaxError("宁波 OR")?.message == "OR needs a word to search for on its right")
        #expect(syntaxError("OR OR") != nil)
        #expect(syntaxError("宁波 OR OR 科技") != nil)
        #expect(syntaxError("-宁波 OR 科技") != nil)
        #expect(syntaxError("-宁波")?.message == "the query only excludes; add at least one word to search for")
        #expect(syntaxError("")?.message == "the query contains nothing to search for")
        #expect(syntaxError("   ") != nil)
        #expect(syntaxError("，。！") != nil)
        #expect(syntaxError("title:") != nil)
        #expect(syntaxError("\"，\"") != nil)
    }

    @Test("over-long queries are refused before any work is done")
    func limits() {
        let long = String(repeating: "宁", count: 1_001)
        #expect(syntaxError(long)?.message.contains("limit is 1000") == true)
        let many = Array(repeating: "宁波", count: 65).joined(separator: " ")
        #expect(syntaxError(many)?.message.contains("parts") == true)
    }

    @Test("a description shows the structure")
    func description() throws {
        #expect(try parse("宁波 科技 OR 金融 -服务").description == "(宁波) AND ((科技) OR (金融)) NOT (服务)")
    }
}
