// swift-tools-version:6.2
import PackageDescription

// Module graph (one-way):
//   LoupeIO (atomic files) ← LoupeNN, LoupeRender
//   CLoupeKernels ← LoupeTensor ← LoupeNN ← LoupeAttribution ─┐
//                                 LoupeNN ← LoupePretrained ──┤
//                         LoupePretrained ← LoupeDefaults ────┤
//                         LoupeTokenizers ← LoupePretrained    │
//   CLibPNG, CFreeType, CFontconfig ← LoupeRender ────────────┴→ Loupe (umbrella) ← loupe, loupe-bench,
//                                                                                    loupe-regenerate-defaults
// The numeric modules are compiled with optimization in debug builds as well, so that the test suite
// (a debug build) can run the real models — a 135M-parameter LLM decoding 640 tokens — in minutes.
// Debug-only assertions stay on (`precondition` is kept by -O); only -Onone's slowness goes.
let optimizedInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "Loupe",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "Loupe", targets: ["Loupe"]),
        .library(name: "LoupeIO", targets: ["LoupeIO"]),
        .library(name: "LoupeTensor", targets: ["LoupeTensor"]),
        .library(name: "LoupeNN", targets: ["LoupeNN"]),
        .library(name: "LoupeAttribution", targets: ["LoupeAttribution"]),
        .library(name: "LoupeRender", targets: ["LoupeRender"]),
        .executable(name: "loupe", targets: ["LoupeCLI"]),
        .executable(name: "loupe-bench", targets: ["LoupeBench"]),
        .executable(name: "loupe-regenerate-defaults", targets: ["RegenerateDefaults"]),
        .library(name: "LoupeDefaults", targets: ["LoupeDefaults"]),
        .library(name: "LoupeTokenizers", targets: ["LoupeTokenizers"]),
        .library(name: "LoupePretrained", targets: ["LoupePretrained"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // `swift package generate-documentation` (the DocC catalogs under Sources/*/Documentation.docc).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // Hand-written SIMD kernels (GEMM, vector math) with run-time CPU dispatch.
        .target(
            name: "CLoupeKernels",
            cSettings: [
                .define("NDEBUG", .when(configuration: .release)),
                // The kernels are optimized in debug builds too: `swift test` runs real models.
                .unsafeFlags(["-O2"], .when(configuration: .debug)),
            ]
        ),
        .target(name: "LoupeTensor", dependencies: ["CLoupeKernels"], swiftSettings: optimizedInDebug),
        // The one crash-safe file writer (temporary sibling, fsync, rename), below every module that writes.
        .target(name: "LoupeIO"),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "LoupeNN", dependencies: ["LoupeTensor", "LoupeIO", "CZlib"]),
        .target(name: "LoupeAttribution", dependencies: ["LoupeNN"]),
        // Tokenizers of pretrained models (tokenizer.json, vocab files, GGUF metadata) and chat templates.
        .target(name: "LoupeTokenizers", swiftSettings: optimizedInDebug),
        // Pretrained checkpoints: Hugging Face folders and GGUF files, their architectures.
        .target(name: "LoupePretrained", dependencies: ["LoupeNN", "LoupeTokenizers"], swiftSettings: optimizedInDebug),

        .systemLibrary(name: "CLibPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CFreeType", pkgConfig: "freetype2", providers: [.apt(["libfreetype-dev"])]),
        .systemLibrary(name: "CFontconfig", pkgConfig: "fontconfig", providers: [.apt(["libfontconfig-dev"])]),
        .target(name: "LoupeRender", dependencies: ["LoupeIO", "CLibPNG", "CFreeType", "CFontconfig"], resources: [.copy("Resources")]),

        // Demo material and defaults: the built-in corpus, procedural shapes, the bundled model and its recipe.
        // `.copy` keeps the folder tree (one folder per bundled model: config.json, weights, tokenizer, README).
        .target(name: "LoupeDefaults", dependencies: ["LoupeIO", "LoupeNN", "LoupePretrained"], resources: [.copy("Resources")]),

        .target(name: "Loupe", dependencies: ["LoupeIO", "LoupeTensor", "LoupeNN", "LoupeAttribution", "LoupeRender", "LoupeDefaults",
                                          "LoupeTokenizers", "LoupePretrained"]),
        .executableTarget(
            name: "LoupeCLI",
            dependencies: ["Loupe", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(name: "LoupeBench", dependencies: ["Loupe"]),
        .executableTarget(name: "RegenerateDefaults", dependencies: ["Loupe"]),
        .executableTarget(name: "SeedVAE", dependencies: ["Loupe"], path: "Examples/SeedVAE"),
        .executableTarget(name: "ExplainSentence", dependencies: ["Loupe"], path: "Examples/ExplainSentence"),
        .executableTarget(name: "RenderTraversal", dependencies: ["Loupe"], path: "Examples/RenderTraversal"),
        .executableTarget(name: "ExportAttributionJSON", dependencies: ["Loupe"], path: "Examples/ExportAttributionJSON"),

        // Shared test helpers: expectClose, finite-difference checker, tiny fixture models.
        .target(name: "LoupeTestSupport", dependencies: ["LoupeTensor", "LoupeNN"], path: "Tests/LoupeTestSupport"),
        .testTarget(name: "LoupeIOTests", dependencies: ["LoupeIO"]),
        .testTarget(name: "LoupeTensorTests", dependencies: ["LoupeTensor", "LoupeTestSupport"]),
        .testTarget(
            name: "LoupeNNTests",
            dependencies: ["LoupeNN", "LoupeDefaults", "LoupeTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "LoupeDefaultsTests", dependencies: ["LoupeDefaults", "LoupeTestSupport"]),
        .testTarget(name: "LoupeRenderTests", dependencies: ["LoupeRender"]),
        .testTarget(
            name: "LoupeAttributionTests",
            dependencies: ["LoupeAttribution", "LoupeTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        // The real-model suites read GGUF metadata with the product's reader (LoupePretrained).
        .testTarget(name: "LoupeTokenizersTests", dependencies: ["LoupeTokenizers", "LoupePretrained", "LoupeTestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(
            name: "LoupePretrainedTests",
            dependencies: ["LoupePretrained", "LoupeAttribution", "LoupeTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "LoupeCLITests", dependencies: ["Loupe", "LoupeTestSupport"], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v5]
)

// Fuzz targets (Fuzz/run.sh builds them with -sanitize=fuzzer; a plain build makes replayers).
package.targets.append(.executableTarget(name: "FuzzSafeTensors", dependencies: ["LoupeNN"], path: "Fuzz/SafeTensors"))
package.products.append(.executable(name: "loupe-fuzz-safetensors", targets: ["FuzzSafeTensors"]))
package.targets.append(.executableTarget(name: "FuzzGGUF", dependencies: ["LoupePretrained", "LoupeTensor", "LoupeTokenizers"], path: "Fuzz/GGUF"))
package.products.append(.executable(name: "loupe-fuzz-gguf", targets: ["FuzzGGUF"]))
package.targets.append(.executableTarget(name: "FuzzTokenizer", dependencies: ["LoupeTokenizers"], path: "Fuzz/Tokenizer"))
package.products.append(.executable(name: "loupe-fuzz-tokenizer", targets: ["FuzzTokenizer"]))
package.targets.append(.executableTarget(name: "FuzzConfig", dependencies: ["LoupeNN", "LoupePretrained"], path: "Fuzz/Config"))
package.products.append(.executable(name: "loupe-fuzz-config", targets: ["FuzzConfig"]))
package.targets.append(.executableTarget(name: "FuzzCorpus", dependencies: ["LoupeNN"], path: "Fuzz/Corpus"))
package.products.append(.executable(name: "loupe-fuzz-corpus", targets: ["FuzzCorpus"]))
package.targets.append(.executableTarget(name: "FuzzPNG", dependencies: ["LoupeRender"], path: "Fuzz/PNG"))
package.products.append(.executable(name: "loupe-fuzz-png", targets: ["FuzzPNG"]))
package.targets.append(.executableTarget(name: "FuzzJSON", dependencies: ["Loupe"], path: "Fuzz/JSON"))
package.products.append(.executable(name: "loupe-fuzz-json", targets: ["FuzzJSON"]))
