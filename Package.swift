// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "autobw",
    products: [
        .executable(name: "autobw", targets: ["AutobwCommand"]),
        .library(name: "Autobw", targets: ["Autobw"]),
        .library(name: "AutobwTrainer", targets: ["AutobwTrainer"]),
        .library(name: "AutobwTUI", targets: ["AutobwTUI"]),
        .executable(name: "coin-flip", targets: ["CoinFlip"]),
        .executable(name: "rnn-sine", targets: ["RNNSine"]),
        .executable(name: "char-lstm", targets: ["CharLSTMExample"]),
        .executable(name: "mlp", targets: ["MLPExample"]),
        .executable(name: "custom-model", targets: ["CustomModel"]),
        .executable(name: "autobw-bench", targets: ["AutobwBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CNCurses",
            path: "Sources/CNCurses",
            providers: [.apt(["libncurses-dev"])]
        ),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "CMPI", path: "Sources/CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev", "openmpi-bin"])]),
        // No unsafe flags in any target a library product holds: SwiftPM refuses them in a versioned dependency.
        // (Benchmarks/callgrind.sh passes DWARF 4, which valgrind needs, for its own build.)
        // What the CPU can run (cpuid), for choosing OpenBLAS's kernels.
        .target(name: "CPUFeatures"),
        // Element-wise loops (an LSTM step's, softmax rows), compiled for AVX-512, AVX2 and the baseline, picked
        // at load time.
        .target(name: "CVectorLoops"),
        // Products with a right operand packed once (an LSTM's recurrent weight), for AVX-512 and AVX2.
        .target(name: "CPackedGEMM"),
        // OpenBLAS is loaded at run time (Kernels/OpenBLASLibrary.swift), not linked: see KernelChoice.
        .target(name: "Autobw", dependencies: ["CPUFeatures", "CVectorLoops", "CPackedGEMM"]),
        // The default corpus, linked in as bytes (Assets/README.md says what it is and where it comes from).
        .target(
            name: "CAssets", path: "Assets/CAssets", exclude: ["tinyshakespeare.txt.gz"],
            cSettings: [.headerSearchPath(".")]),
        .target(name: "AutobwAssets", dependencies: ["CAssets"], path: "Assets/AutobwAssets"),
        .target(name: "AutobwTrainer", dependencies: ["Autobw", "AutobwAssets", "CZlib"]),
        .target(name: "AutobwTUI", dependencies: ["AutobwTrainer", "CNCurses"]),
        .target(name: "AutobwDistributed", dependencies: ["AutobwTrainer", "CMPI"]),
        .executableTarget(
            name: "AutobwCommand",
            dependencies: ["AutobwTrainer", "AutobwTUI", "AutobwDistributed", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "CoinFlip", dependencies: ["Autobw"], path: "Examples/coin-flip"),
        .executableTarget(name: "RNNSine", dependencies: ["Autobw"], path: "Examples/rnn-sine"),
        .executableTarget(
            name: "CharLSTMExample",
            dependencies: [
                "Autobw", "AutobwAssets", "AutobwTrainer", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Examples/char-lstm"),
        .executableTarget(name: "MLPExample", dependencies: ["Autobw", "AutobwTrainer"], path: "Examples/mlp"),
        // A model of the user's own, on the public API only (README: "Use autobw in your package").
        .executableTarget(name: "CustomModel", dependencies: ["Autobw", "AutobwTrainer", "AutobwTUI"], path: "Examples/custom-model"),
        .executableTarget(name: "AutobwBench", dependencies: ["Autobw", "AutobwTrainer"], path: "Benchmarks", exclude: ["data_parallel.sh", "callgrind.sh", "README.md", "bench_jax.py", "compare_jax.py"]),
        // The autobw side of the safetensors check against the reference Python library (scripts/test).
        .executableTarget(
            name: "SafeTensorsInterop", dependencies: ["Autobw"], path: "Tests/Interop/SafeTensorsInterop"),
        // What every test target shares: unique temporary paths, tolerances.
        .target(name: "AutobwTestSupport", path: "Tests/AutobwTestSupport"),
        .testTarget(name: "AutobwTests", dependencies: ["Autobw", "CVectorLoops", "AutobwTestSupport"]),
        .testTarget(name: "AutobwTrainerTests", dependencies: ["AutobwTrainer", "AutobwAssets", "CZlib", "AutobwTestSupport"]),
        .testTarget(name: "AutobwTUITests", dependencies: ["AutobwTUI", "AutobwTrainer", "Autobw", "AutobwTestSupport"]),
    ]
)
