import Foundation

#if FUZZING
/// The target this fuzzer process runs, from `HANFUZZ_TARGET` (see `scripts/fuzz.sh`).
let selectedTarget: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["HANFUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        FileHandle.standardError.write(Data("hanfuzz: set HANFUZZ_TARGET to one of \(names)\n".utf8))
        exit(2)
    }
    return target
}()

/// libFuzzer's entry point.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    selectedTarget.run(bytes)
    return 0
}

/// libFuzzer's driver (in the `-sanitize=fuzzer` runtime): parses libFuzzer's flags and runs the fuzzer.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// SwiftPM links an executable target's `main` to the module's own entry point, so the fuzzer
/// cannot rely on libFuzzer's `main`; this one hands over to libFuzzer's driver.
@main
struct HanFuzz {
    static func main() {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOneInput))
    }
}
#else
/// Without libFuzzer: `hanfuzz TARGET FILE...` runs the target on each file, to replay a crash
/// input (or a whole corpus folder) in an ordinary build.
@main
struct HanFuzz {
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        guard let name = arguments.first, let target = FuzzTarget(rawValue: name), arguments.count > 1 else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")
            FileHandle.standardError.write(Data("usage: hanfuzz \(names) FILE|FOLDER...\n".utf8))
            exit(2)
        }
        var count = 0
        for path in arguments.dropFirst() {
            var isDirectory: ObjCBool = false
            let isFolder = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
            let files = isFolder
                ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { path + "/" + $0 }
                : [path]
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else {
                    FileHandle.standardError.write(Data("hanfuzz: cannot read \(file)\n".utf8))
                    exit(1)
                }
                target.run([UInt8](data))
                count += 1
            }
        }
        print("hanfuzz \(name): \(count) inputs, no crash")
    }
}
#endif
