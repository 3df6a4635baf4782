// loupe-regenerate-defaults: retrains the bundled default classifier with DefaultModelRecipe and,
// with --write, stores it in Sources/LoupeDefaults/Resources/default-model (not a benchmark: it
// reproduces a shipped artefact). Run it with `swift run -c release loupe-regenerate-defaults --write`.
import Foundation
import Loupe

let arguments = Array(CommandLine.arguments.dropFirst())
let write = arguments.contains("--write")
if let unknown = arguments.first(where: { $0 != "--write" }) {
    FileHandle.standardError.write(Data("loupe-regenerate-defaults: error: unknown argument '\(unknown)' (usage: loupe-regenerate-defaults [--write])\n".utf8))
    exit(2)
}

do {
    let (trainer, result, heldOut) = try DefaultModelRecipe.classifier.train(observer: ProgressReporter(style: .lines))
    let evaluation = trainer.evaluate(heldOut)
    print(String(format: "held-out accuracy %.2f %% on %d sentences after %d epochs (%.1f s)",
                 evaluation.accuracy * 100, heldOut.count, result.state.completedEpochs, result.seconds))
    let failed = DefaultModelRecipe.failedProbes(trainer)
    for probe in failed { print("  ✘ \(probe.text) → \(probe.predicted), expected \(probe.expected)") }
    if write {
        guard failed.isEmpty else { throw DataSetError(.invalidArgument, file: "default-model", "a probe sentence is wrong") }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let folder = root.appendingPathComponent("Sources/LoupeDefaults/Resources/default-model")
        try trainer.saveModel(to: folder, metadata: ["source": "loupe-regenerate-defaults (DefaultModelRecipe, DefaultCorpus, seed 0)"])
        print("wrote \(folder.path)")
    }
} catch {
    FileHandle.standardError.write(Data("loupe-regenerate-defaults: error: \(error)\n".utf8))
    exit(1)
}
