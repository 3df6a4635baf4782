import Foundation

/// The trained default classifier shipped with LoupeNN (`Resources/default-model`): a small
/// `transformer-classifier` (E = 32, 2 layers, 2 heads, ffn 64, 998-token vocabulary, ~210 KB)
/// trained on ``DefaultCorpus`` (English + Chinese sentiment), so that tools can explain a
/// sentence without training first. Labels: `negative`, `positive`.
///
/// Regenerate it (bit-identical on the same CPU kernel) with
/// `swift run -c release loupe-bench train-default --write` (see docs/training.md).
public enum DefaultModel {
    /// The folder holding `config.json`, `model.safetensors` and `vocab.txt`, or `nil` when the
    /// resource is missing. (SwiftPM's `.process` rule flattens `Resources/default-model/` into the
    /// bundle root; a `.copy` rule keeps the subfolder — both layouts are found.)
    public static var directory: URL? {
        if let url = Bundle.module.url(forResource: "config", withExtension: "json", subdirectory: "default-model") {
            return url.deletingLastPathComponent()
        }
        guard let weights = Bundle.module.url(forResource: "model", withExtension: "safetensors") else { return nil }
        return weights.deletingLastPathComponent()
    }

    /// Loads the model with its vocabulary.
    public static func load() throws -> ModelCheckpoint {
        guard let directory else {
            throw CheckpointError(.io, file: "default-model", "resource missing from the LoupeNN bundle")
        }
        return try ModelFactory.load(from: directory)
    }

    /// The loaded classifier and a text encoder for it (truncating to its `max_len`).
    public static func classifier() throws -> (classifier: TextClassifier, encoder: TextEncoder) {
        let loaded = try load()
        guard let classifier = loaded.model.classifier, let tokens = loaded.vocabulary else {
            throw CheckpointError(.invalidArgument, file: "default-model", "is not a classifier with a vocabulary")
        }
        return (classifier, TextEncoder(vocabulary: try Vocabulary(tokens: tokens),
                                        maximumLength: loaded.config.optionalInt("max_len")))
    }
}
