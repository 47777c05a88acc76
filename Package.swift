// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "autobw",
    products: [
        .library(name: "Autobw", targets: ["Autobw"]),
        .executable(name: "coin-flip", targets: ["CoinFlip"]),
        .executable(name: "autobw-bench", targets: ["AutobwBench"]),
    ],
    targets: [
        .systemLibrary(
            name: "CBLAS",
            path: "Sources/CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .target(name: "Autobw", dependencies: ["CBLAS"]),
        .executableTarget(name: "CoinFlip", dependencies: ["Autobw"], path: "Examples/coin-flip"),
        .executableTarget(name: "AutobwBench", dependencies: ["Autobw"], path: "Benchmarks"),
        .testTarget(name: "AutobwTests", dependencies: ["Autobw"]),
    ]
)
