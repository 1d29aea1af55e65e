// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "HanSearch",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "hanindex", targets: ["hanindex"]),
        .executable(name: "hanbench", targets: ["hanbench"]),
        .library(name: "HanSearch", targets: ["HanSearch"]),
        .executable(name: "hanserve", targets: ["hanserve"]),
        .library(name: "HanServe", targets: ["HanServe"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.24.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
    ],
    targets: [
        // A thin extern "C" API over Xapian's C++ API: opaque handles, every exception caught.
        .target(
            name: "CXapian",
            linkerSettings: [.linkedLibrary("xapian")]
        ),
        // A thin extern "C" API over poppler-cpp (Debian's libpoppler-cpp-dev): a PDF's pages as positioned words.
        .target(
            name: "CPoppler",
            linkerSettings: [.linkedLibrary("poppler-cpp")]
        ),
        // libxml2 from Debian (libxml2-dev), found with pkg-config, and a thin C walk of its HTML tree into text blocks.
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .target(name: "CHTML", dependencies: ["CLibXML2"]),
        // libzstd from Debian (libzstd-dev): segment data compressed with a dictionary trained on the index.
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        // Swift classes that own CXapian handles and throw typed errors.
        .target(name: "Xapian", dependencies: ["CXapian"]),
        // The model: normalization, tokenizer, query language, readers, indexing and search.
        .target(
            name: "HanSearch",
            dependencies: ["Xapian", "CPoppler", "CHTML", "CZstd", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // The JSON answers of the API, and the steps from the model's results to them, shared by HTTP and MCP.
        .target(name: "HanAPI", dependencies: ["HanSearch"]),
        // The MCP tools and resources over any backend: an index opened directly (hanindex mcp) or the server's.
        .target(
            name: "HanMCP",
            dependencies: ["HanAPI", .product(name: "MCP", package: "swift-sdk")]
        ),
        .executableTarget(
            name: "hanindex",
            dependencies: [
                "HanSearch",
                "HanAPI",
                "HanMCP",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // jemalloc from Debian (libjemalloc-dev) instead of glibc's malloc: Xapian allocates a map node per
            // posting it buffers, and a bulk build took 0.85x the CPU with it (bench/results/2026-12-04-ingest.md).
            linkerSettings: [.linkedLibrary("jemalloc")]
        ),
        // The query server: routes, the writer actor, the read-handle pool, metrics, OpenAPI, the search page.
        .target(
            name: "HanServe",
            dependencies: [
                "HanSearch",
                "HanAPI",
                "HanMCP",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            resources: [.copy("Resources/index.html"), .copy("Resources/app.js"), .copy("Resources/app.css"),
                        .copy("Resources/favicon.svg"), .copy("Resources/openapi.json")]
        ),
        .executableTarget(
            name: "hanserve",
            dependencies: [
                "HanServe",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Fuzz targets for the tokenizer, query parser, page parser and JSON Lines readers: a libFuzzer
        // binary when built by scripts/fuzz.sh (-sanitize=fuzzer -DFUZZING), a replayer of saved inputs otherwise.
        .executableTarget(name: "hanfuzz", dependencies: ["HanSearch"]),
        // Helpers shared by the HanSearch and HanServe tests.
        .target(name: "HanSearchTestSupport", dependencies: ["HanSearch"], path: "Tests/HanSearchTestSupport"),
        .testTarget(
            name: "HanServeTests",
            dependencies: [
                "HanServe",
                "HanSearchTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
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
        .testTarget(name: "HanSearchTests", dependencies: ["HanSearch", "HanSearchTestSupport"], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6],
    cxxLanguageStandard: .cxx17
)
