// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "HanSearch",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "hanindex", targets: ["hanindex"]),
        .executable(name: "hanbench", targets: ["hanbench"]),
        .library(name: "HanSearch", targets: ["HanSearch"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // A thin extern "C" API over Xapian's C++ API: opaque handles, every exception caught.
        .target(
            name: "CXapian",
            linkerSettings: [.linkedLibrary("xapian")]
        ),
        // Swift classes that own CXapian handles and throw typed errors.
        .target(name: "Xapian", dependencies: ["CXapian"]),
        // The model: normalization, tokenizer, query language, readers, indexing and search.
        .target(name: "HanSearch", dependencies: ["Xapian"]),
        .executableTarget(
            name: "hanindex",
            dependencies: [
                "HanSearch",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // In-process query timings for bench/run.
        .executableTarget(
            name: "hanbench",
            dependencies: [
                "HanSearch",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "XapianTests", dependencies: ["Xapian"]),
        .testTarget(name: "HanSearchTests", dependencies: ["HanSearch"], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6],
    cxxLanguageStandard: .cxx17
)
