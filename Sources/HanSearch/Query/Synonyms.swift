/// Groups of interchangeable words (`甬 宁波`), applied to queries: an unquoted query part also matches
/// the text with any occurrence of a group member replaced by another member of its group.
///
/// Members are normalized like queries and documents. A member listed in several groups joins them into
/// one group (`甬 宁波` and `宁波 明州` make `甬 宁波 明州`), so that replacing is symmetric and
/// transitive. Built from a file by ``SynonymFile``.
public struct SynonymTable: Sendable, Equatable {
    /// The groups, each a list of distinct normalized members in the order first met.
    public let groups: [[String]]
    /// For each member, its group's index in ``groups``.
    let groupOfMember: [String: Int]
    /// Members by their first scalar, longest first: where an occurrence may start.
    let membersByFirstScalar: [Unicode.Scalar: [[Unicode.Scalar]]]

    /// No synonyms.
    public static let empty = SynonymTable(normalizedGroups: [])

    /// A table of `groups`, each a list of words; groups sharing a member are merged.
    /// Throws a message for a member that cannot be searched or a group of fewer than two distinct members.
    public init(groups: [[String]]) throws(SynonymError) {
        var checked: [[String]] = []
        for group in groups { checked.append(try SynonymTable.group(group)) }
        self.init(checkedGroups: checked)
    }

    /// A table of groups already checked by ``group(_:)``; groups sharing a member are merged.
    init(checkedGroups: [[String]]) {
        self.init(normalizedGroups: SynonymTable.merged(checkedGroups))
    }

    /// The distinct normalized members of `words`. Throws a message for a member that cannot be searched
    /// or a group of fewer than two distinct members.
    static func group(_ words: [String]) throws(SynonymError) -> [String] {
        var members: [String] = []
        for word in words {
            let member = try SynonymTable.member(word)
            if !members.contains(member) { members.append(member) }
        }
        guard members.count >= 2 else {
            throw SynonymError(message: "the group \"\(words.joined(separator: " "))\" has only one distinct member; "
                + "a group needs two or more words separated by spaces")
        }
        return members
    }

    private init(normalizedGroups: [[String]]) {
        groups = normalizedGroups
        var groupOfMember: [String: Int] = [:]
        var byFirst: [Unicode.Scalar: [[Unicode.Scalar]]] = [:]
        for (index, group) in normalizedGroups.enumerated() {
            for member in group {
                groupOfMember[member] = index
                let scalars = Array(member.unicodeScalars)
                byFirst[scalars[0], default: []].append(scalars)
            }
        }
        self.groupOfMember = groupOfMember
        membersByFirstScalar = byFirst.mapValues { $0.sorted { $0.count > $1.count } }
    }

    /// Whether the table holds no group.
    public var isEmpty: Bool { groups.isEmpty }

    /// The longest a member may be, in characters.
    public static let maximumMemberLength = 64

    /// `word` normalized, checked to be something the index can find as one exact phrase: letters,
    /// digits and CJK characters only (punctuation and symbols leave a gap in the index).
    static func member(_ word: String) throws(SynonymError) -> String {
        let member = Normalizer.normalize(word)
        guard member.count <= maximumMemberLength else {
            throw SynonymError(message: "the member \"\(word.prefix(20))…\" is \(member.count) characters long; "
                + "the limit is \(maximumMemberLength)")
        }
        if let bad = member.unicodeScalars.first(where: { CharacterClass($0) != .cjk && CharacterClass($0) != .word }) {
            throw SynonymError(message: "the member \"\(word)\" contains \"\(bad)\" (U+\(String(bad.value, radix: 16, uppercase: true))), "
                + "which cannot be searched: a member is letters, digits and CJK characters only")
        }
        return member
    }

    /// Merges groups that share a member, keeping the order in which members were first met.
    static func merged(_ groups: [[String]]) -> [[String]] {
        var result: [[String]] = []
        var groupOfMember: [String: Int] = [:]
        for group in groups {
            let joined = Set(group.compactMap { groupOfMember[$0] }).sorted()
            var members = joined.flatMap { result[$0] }
            for member in group where !members.contains(member) { members.append(member) }
            // The merged group takes the place of the first group it joins; the others are emptied.
            let target = joined.first ?? result.count
            if target == result.count { result.append([]) }
            for index in joined { result[index] = [] }
            result[target] = members
            for member in members { groupOfMember[member] = target }
        }
        return result.filter { !$0.isEmpty }
    }

    /// The default most alternatives one query part may expand into.
    public static let defaultMaximumAlternatives = 64

    /// Every text that `text` stands for: `text` normalized, then each way of replacing its occurrences
    /// of members by members of the same group, the original first.
    ///
    /// Occurrences are found from left to right, the longest member first, without overlapping. A member
    /// that begins or ends with a letter or digit only matches where it is not part of a longer word
    /// (`ai` is in `ai芯片` but not in `aid`); CJK members match anywhere, as CJK queries do.
    /// Throws when there would be more than `maximumAlternatives`.
    public func alternatives(of text: String, maximumAlternatives: Int = defaultMaximumAlternatives)
        throws(QuerySyntaxError) -> [String] {
        let scalars = Array(Normalizer.normalize(text).unicodeScalars)
        var pieces: [[[Unicode.Scalar]]] = []  // each piece: its alternatives (one for plain text)
        var plain: [Unicode.Scalar] = []
        var count = 1
        var index = 0
        while index < scalars.count {
            guard let found = occurrence(in: scalars, at: index) else {
                plain.append(scalars[index])
                index += 1
                continue
            }
            if !plain.isEmpty { pieces.append([plain]) }
            plain = []
            let member = String(String.UnicodeScalarView(scalars[index..<(index + found)]))
            let group = groups[groupOfMember[member]!]
            pieces.append([Array(member.unicodeScalars)] + group.filter { $0 != member }.map { Array($0.unicodeScalars) })
            count = count > maximumAlternatives ? count : count * group.count
            index += found
        }
        if !plain.isEmpty { pieces.append([plain]) }
        guard count <= maximumAlternatives else {
            throw QuerySyntaxError(message: "\"\(text)\" expands into more than \(maximumAlternatives) alternatives "
                + "through synonyms; shorten it, or quote it to search it exactly as typed")
        }
        var results: [[Unicode.Scalar]] = [[]]
        for piece in pieces {
            results = results.flatMap { prefix in piece.map { prefix + $0 } }
        }
        return results.map { String(String.UnicodeScalarView($0)) }
    }

    /// The length in scalars of the longest member occurring at `start` of `scalars`, on word boundaries.
    func occurrence(in scalars: [Unicode.Scalar], at start: Int) -> Int? {
        guard let candidates = membersByFirstScalar[scalars[start]] else { return nil }
        func isWord(_ index: Int) -> Bool {
            index >= 0 && index < scalars.count && CharacterClass(scalars[index]) == .word
        }
        for member in candidates where start + member.count <= scalars.count {
            let end = start + member.count
            guard scalars[start..<end].elementsEqual(member) else { continue }
            if isWord(start) && isWord(start - 1) { continue }
            if isWord(end - 1) && isWord(end) { continue }
            return member.count
        }
        return nil
    }

    /// `parsed` with every unquoted part, required or excluded, widened into its alternatives: a required
    /// part becomes alternatives within its `OR` group, an excluded part excludes each of them.
    /// Quoted parts are left exactly as typed.
    public func expand(_ parsed: ParsedQuery, maximumAlternatives: Int = defaultMaximumAlternatives)
        throws(QuerySyntaxError) -> ParsedQuery {
        guard !isEmpty else { return parsed }
        var expanded = ParsedQuery(required: [], excluded: [])
        for group in parsed.required {
            var parts: [QueryPart] = []
            for part in group { parts += try expand(part, maximumAlternatives: maximumAlternatives) }
            expanded.required.append(parts)
        }
        for part in parsed.excluded {
            expanded.excluded += try expand(part, maximumAlternatives: maximumAlternatives)
        }
        return expanded
    }

    /// `part` and, unless it is quoted, one part per other text it stands for (same field, distinct patterns).
    func expand(_ part: QueryPart, maximumAlternatives: Int) throws(QuerySyntaxError) -> [QueryPart] {
        guard !part.isQuoted else { return [part] }
        var parts = [part]
        for text in try alternatives(of: part.text, maximumAlternatives: maximumAlternatives).dropFirst() {
            let patterns = PhrasePattern.patterns(for: text)
            guard !parts.contains(where: { $0.patterns == patterns }) else { continue }
            parts.append(QueryPart(field: part.field, text: text, isQuoted: false, patterns: patterns))
        }
        return parts
    }
}
