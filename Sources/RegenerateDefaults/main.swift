// loupe-regenerate-defaults: retrains a bundled default model from its recipe and, with --write,
// stores it in Sources/LoupeDefaults/Resources/<folder> (not a benchmark: it reproduces a shipped
// artefact). Run it with `swift run -c release loupe-regenerate-defaults <model> --write`.
import Foundation
import Loupe

/// One bundled model this tool can regenerate.
struct Regeneration {
    var name: String
    var summary: String
    var run: (_ write: Bool, _ resources: URL) throws -> Void
}

let regenerations: [Regeneration] = [
    Regeneration(name: "classifier", summary: "the default sentiment classifier", run: regenerateClassifier),
    Regeneration(name: "image-vae", summary: "the default image VAE (MNIST, 784-400-16)", run: regenerateImageVAE),
    Regeneration(name: "text-vae", summary: "the default text VAE (SST-2 + Chinese reviews)", run: regenerateTextVAE),
    Regeneration(name: "zh-lexicon", summary: "the Chinese word lexicon of word-level aggregation", run: regenerateChineseLexicon),
]

let usage = "usage: loupe-regenerate-defaults <\(regenerations.map(\.name).joined(separator: "|"))> [--write]"
var arguments = Array(CommandLine.arguments.dropFirst())
let write = arguments.contains("--write")
arguments.removeAll { $0 == "--write" }
guard arguments.count == 1, let chosen = regenerations.first(where: { $0.name == arguments[0] }) else {
    let problem = arguments.isEmpty ? "which model to regenerate?" : "unknown argument '\(arguments.joined(separator: " "))'"
    FileHandle.standardError.write(Data("loupe-regenerate-defaults: error: \(problem) (\(usage))\n".utf8))
    for regeneration in regenerations {
        FileHandle.standardError.write(Data("  \(regeneration.name): \(regeneration.summary)\n".utf8))
    }
    exit(2)
}

do {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    try chosen.run(write, root.appendingPathComponent("Sources/LoupeDefaults/Resources"))
} catch {
    FileHandle.standardError.write(Data("loupe-regenerate-defaults: error: \(error)\n".utf8))
    exit(1)
}
