/// The name in `names` closest to `word`, when it is close enough to be a typo of it: at most a third
/// of its letters (and at least one) inserted, deleted, replaced or swapped with a neighbour.
func nearest(to word: String, among names: [String]) -> String? {
    let scored = names.map { (name: $0, distance: editDistance(word, $0)) }
    guard let best = scored.min(by: { $0.distance < $1.distance }),
          best.distance <= max(1, best.name.count / 3) else { return nil }
    return best.name
}

/// The fewest single-character insertions, deletions, replacements and swaps of neighbours that turn
/// `a` into `b` (optimal string alignment distance): `lsit` is one swap from `list`.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    // d[i][j]: the distance between the first i characters of a and the first j of b.
    var d = (0...a.count).map { i in (0...b.count).map { j in i == 0 ? j : (j == 0 ? i : 0) } }
    for i in a.indices {
        for j in b.indices {
            d[i + 1][j + 1] = min(d[i][j + 1] + 1, d[i + 1][j] + 1, d[i][j] + (a[i] == b[j] ? 0 : 1))
            if i > 0, j > 0, a[i] == b[j - 1], a[i - 1] == b[j] {
                d[i + 1][j + 1] = min(d[i + 1][j + 1], d[i - 1][j - 1] + 1)
            }
        }
    }
    return d[a.count][b.count]
}
