import Foundation
import Testing

/// A path `name` inside a new, empty folder of its own under the temporary directory. The path itself
/// does not exist yet: the test puts a file, a folder or an index there. The folder is removed when the
/// test that asked for it ends, which needs the suite to have the ``RemovingTemporaryFolders`` trait;
/// without it, the folder would be left behind, and the test records an issue saying so.
public func temporaryPath(_ name: String = "index", sourceLocation: SourceLocation = #_sourceLocation) -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hansearch-tests-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    if let scope = TemporaryFolders.current {
        scope.add(folder)
    } else {
        Issue.record("temporaryPath(_:) outside a test of a suite with .removingTemporaryFolders: \(folder.path) stays",
                     sourceLocation: sourceLocation)
    }
    return folder.appendingPathComponent(name).path
}

/// The folders made by ``temporaryPath(_:sourceLocation:)`` within one test (or suite), to remove when it ends.
final class TemporaryFolders: @unchecked Sendable {
    @TaskLocal static var current: TemporaryFolders?
    private let lock = NSLock()
    private var folders: [URL] = []

    func add(_ folder: URL) {
        lock.withLock { folders.append(folder) }
    }

    func removeAll() {
        for folder in lock.withLock({ folders }) { try? FileManager.default.removeItem(at: folder) }
    }
}

/// Removes the temporary folders each test made once it ends; with `afterSuite`, once the whole suite
/// ends instead, for suites whose tests share a fixture that one of them builds.
public struct RemovingTemporaryFolders: SuiteTrait, TestTrait, TestScoping {
    /// Per test (and per case of a parameterized test), unless the scope is the whole suite.
    public let isRecursive: Bool

    public func provideScope(for test: Test, testCase: Test.Case?,
                             performing function: @Sendable () async throws -> Void) async throws {
        let scope = TemporaryFolders()
        defer { scope.removeAll() }
        try await TemporaryFolders.$current.withValue(scope) { try await function() }
    }
}

extension Trait where Self == RemovingTemporaryFolders {
    /// Each test's temporary folders are removed when it ends.
    public static var removingTemporaryFolders: Self { RemovingTemporaryFolders(isRecursive: true) }

    /// The suite's temporary folders are removed when the whole suite ends.
    public static var removingTemporaryFoldersAfterSuite: Self { RemovingTemporaryFolders(isRecursive: false) }
}
