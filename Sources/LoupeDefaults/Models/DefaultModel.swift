import Foundation
import LoupeNN
import LoupePretrained

/// The trained default classifier shipped as a LoupeDefaults resource (`Resources/default-model`):
/// a small classifier over a WordPiece vocabulary it learned itself (`tokenizer.json`, Chinese as
/// characters), trained on real reviews — SST-2 and Chinese product and food-delivery reviews —
/// and calibrated by temperature scaling (``DefaultModelRecipe``; the folder's README.md states the
/// data, the command and the measured accuracy and calibration error). Labels: `negative`, `positive`.
///
/// Regenerate it with `swift run -c release loupe-regenerate-defaults classifier --write` (see
/// docs/training.md).
public enum DefaultModel {
    /// The resource folder's name.
    public static let folderName = "default-model"

    /// The folder holding `config.json`, `model.safetensors` and the vocabulary, or `nil` when the
    /// package was built without it.
    public static var directory: URL? {
        DefaultResources.url(folderName).flatMap { isCheckpoint($0) ? $0 : nil }
    }

    /// Loads the model with its vocabulary.
    public static func load() throws -> ModelCheckpoint {
        guard let directory else {
            throw CheckpointError(.io, file: folderName, "resource missing from the LoupeDefaults bundle")
        }
        return try ModelFactory.load(from: directory)
    }

    /// The loaded classifier and a text encoder for it (truncating to its `max_len`).
    public static func classifier() throws -> (classifier: TextClassifier, encoder: TextEncoder) {
        let loaded = try load()
        guard let classifier = loaded.model.classifier else {
            throw CheckpointError(.invalidArgument, file: folderName, "is not a classifier")
        }
        return (classifier, try loaded.textEncoder(maximumLength: classifier.maximumSequenceLength))
    }

    /// Whether `folder` holds the two required files of a checkpoint.
    static func isCheckpoint(_ folder: URL) -> Bool {
        let manager = FileManager.default
        return manager.fileExists(atPath: folder.appendingPathComponent(Checkpoint.configFileName).path)
            && manager.fileExists(atPath: folder.appendingPathComponent(Checkpoint.weightsFileName).path)
    }
}
