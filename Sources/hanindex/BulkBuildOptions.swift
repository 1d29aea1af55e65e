import ArgumentParser
import HanSearch

/// How a bulk build may use the machine: `hanindex index` of a new index, and `hanindex rebuild`.
struct BulkBuildOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Memory a bulk build may use: bytes, or a number with K, M or G (binary units).",
                               valueName: "SIZE"))
    var memoryBudget = "1G"

    // Unconditional: a value such as -1 is taken (and refused by validate()), not read as an option.
    @Option(parsing: .unconditional, help: "Threads for a bulk build (default: one per core).")
    var threads: Int?

    func validate() throws {
        guard let budget = BulkBuildOptions.bytes(memoryBudget), budget >= 64 << 20 else {
            throw ValidationError("--memory-budget must be a size of at least 64M, such as 512M or 2G")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, not \(threads)") }
    }

    /// The build's options, the folding left at its default.
    var options: BulkIndexer.Options {
        var options = BulkIndexer.Options(memoryBudget: BulkBuildOptions.bytes(memoryBudget) ?? 1 << 30)
        if let threads { options.workers = threads }
        return options
    }

    /// `text` as a number of bytes: digits with an optional K, M or G suffix (powers of 1024).
    static func bytes(_ text: String) -> Int? {
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        var digits = text.uppercased()
        if digits.hasSuffix("IB") || digits.hasSuffix("B") { digits.removeLast(digits.hasSuffix("IB") ? 2 : 1) }
        var multiplier = 1
        if let last = digits.last, let unit = units[last] {
            multiplier = unit
            digits.removeLast()
        }
        guard let value = Int(digits), value >= 0 else { return nil }
        let (product, overflow) = value.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : product
    }
}
