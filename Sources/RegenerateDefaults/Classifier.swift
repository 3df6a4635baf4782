import Foundation
import Loupe

/// Retrains the default classifier with ``DefaultModelRecipe`` and checks the probe sentences.
func regenerateClassifier(write: Bool, resources: URL) throws {
    let (trainer, result, heldOut) = try DefaultModelRecipe.classifier.train(observer: ProgressReporter(style: .lines))
    let evaluation = trainer.evaluate(heldOut)
    print(String(format: "held-out accuracy %.2f %% on %d sentences after %d epochs (%.1f s)",
                 evaluation.accuracy * 100, heldOut.count, result.state.completedEpochs, result.seconds))
    let failed = DefaultModelRecipe.failedProbes(trainer)
    for probe in failed { print("  ✘ \(probe.text) → \(probe.predicted), expected \(probe.expected)") }
    guard write else { return }
    guard failed.isEmpty else { throw DataSetError(.invalidArgument, file: "default-model", "a probe sentence is wrong") }
    let folder = resources.appendingPathComponent(DefaultModel.folderName)
    try trainer.saveModel(to: folder, metadata: ["source": "loupe-regenerate-defaults (DefaultModelRecipe, DefaultCorpus, seed 0)"])
    print("wrote \(folder.path)")
}
