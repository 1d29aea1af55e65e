import ArgumentParser

/// The query of `search` and `synonyms`: every word that no option takes, so that an exclusion such as
/// -杭州 needs neither quotes nor `--`, and options work before and after the query.
struct QueryWords: ParsableArguments {
    @Argument(parsing: .allUnrecognized, help: ArgumentHelp(
        "The query; several words are joined by spaces. -word excludes a word.", valueName: "query"))
    var arguments: [String] = []

    /// The words before `--` are the ones that could be misspelt options.
    private var split: (options: ArraySlice<String>, rest: ArraySlice<String>) {
        guard let terminator = arguments.firstIndex(of: "--") else { return (arguments[...], []) }
        return (arguments[..<terminator], arguments[(terminator + 1)...])
    }

    /// The query words, without the `--` that may separate them from the options.
    var words: [String] { Array(split.options + split.rest) }

    /// The query as one string.
    var text: String { words.joined(separator: " ") }

    func validate() throws {
        // The query language has no use for --word, so it is a misspelt option, not something to search for.
        if let unknown = split.options.first(where: { $0.hasPrefix("--") }) {
            throw ValidationError("unknown option '\(unknown)' (put -- before a query word that starts with --)")
        }
    }
}
