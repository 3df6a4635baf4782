import Foundation
import LoupeTensor

/// A model of one of the four reference architectures, built from a checkpoint folder or from a
/// config, with the checkpoint's config and vocabulary.
public enum LoadedModel {
    case bagOfEmbeddings(BagOfEmbeddingsClassifier)
    case transformerClassifier(TransformerClassifier)
    case textVAE(TextVAE)
    case imageVAE(ImageVAE)

    /// The architecture names this factory builds.
    public static let architectures = [BagOfEmbeddingsConfig.architecture, TransformerClassifierConfig.architecture,
                                       TextVAEConfig.architecture, ImageVAEConfig.architecture]

    /// A model with fresh random weights for `config` (whose `architecture` picks the class).
    /// Throws a ``CheckpointError`` naming `config.json` and the key for an unknown architecture or
    /// a missing/invalid size.
    public static func make(config: CheckpointConfig, seed: UInt64 = 0) throws -> LoadedModel {
        switch config.architecture {
        case BagOfEmbeddingsConfig.architecture:
            return .bagOfEmbeddings(BagOfEmbeddingsClassifier(config: try BagOfEmbeddingsConfig(config), seed: seed))
        case TransformerClassifierConfig.architecture:
            return .transformerClassifier(TransformerClassifier(config: try TransformerClassifierConfig(config), seed: seed))
        case TextVAEConfig.architecture:
            return .textVAE(TextVAE(config: try TextVAEConfig(config), seed: seed))
        case ImageVAEConfig.architecture:
            return .imageVAE(ImageVAE(config: try ImageVAEConfig(config), seed: seed))
        default:
            throw CheckpointError(.invalidEntry, file: CheckpointConfig.fileName, key: "architecture", subject: "key",
                                  "unknown architecture '\(config.architecture)' (known: \(architectures.joined(separator: ", ")))")
        }
    }

    /// The model's `config.json` contents (for ``Checkpoint/save(_:config:vocabulary:to:metadata:)``).
    public func checkpointConfig() throws -> CheckpointConfig {
        switch self {
        case .bagOfEmbeddings(let m): return try m.config.checkpointConfig()
        case .transformerClassifier(let m): return try m.config.checkpointConfig()
        case .textVAE(let m): return try m.config.checkpointConfig()
        case .imageVAE(let m): return try m.config.checkpointConfig()
        }
    }

    /// The architecture name.
    public var architecture: String {
        switch self {
        case .bagOfEmbeddings: return BagOfEmbeddingsConfig.architecture
        case .transformerClassifier: return TransformerClassifierConfig.architecture
        case .textVAE: return TextVAEConfig.architecture
        case .imageVAE: return ImageVAEConfig.architecture
        }
    }

    /// The model as a module (for parameters, hooks, optimizers and saving).
    public var module: Module {
        switch self {
        case .bagOfEmbeddings(let m): return m
        case .transformerClassifier(let m): return m
        case .textVAE(let m): return m
        case .imageVAE(let m): return m
        }
    }

    /// The model as a text classifier, when it is one.
    public var classifier: TextClassifier? { module as? TextClassifier }

    /// The model as a token model (what attribution explains), when it reads token ids.
    public var tokenModel: TokenModel? { module as? TokenModel }
}

/// A model loaded from a checkpoint folder, with its config and vocabulary.
public struct ModelCheckpoint {
    /// The model, weights assigned.
    public let model: LoadedModel
    /// The checkpoint's `config.json`, as read.
    public let config: CheckpointConfig
    /// The tokens of `vocab.txt` (index = id), if the folder has one.
    public let vocabulary: [String]?
    /// The folder it came from.
    public let directory: URL
}

/// Builds models from checkpoint folders.
public enum ModelFactory {
    /// Loads a checkpoint folder, builds the model its `architecture` names and assigns the weights.
    /// Errors are ``CheckpointError``s naming the file and key (unknown architecture, bad sizes,
    /// missing/extra/mis-shaped tensors, invalid files).
    public static func load(from directory: URL) throws -> ModelCheckpoint {
        let checkpoint = try Checkpoint.load(from: directory)
        try checkFits(checkpoint)
        let model = try LoadedModel.make(config: checkpoint.config)
        try checkpoint.assign(to: model.module)
        if let vocabulary = checkpoint.vocabulary, let expected = checkpoint.config.optionalInt("vocab_size"),
           vocabulary.count != expected {
            throw CheckpointError(.invalidVocabulary, file: Checkpoint.vocabularyFileName,
                                  "holds \(vocabulary.count) tokens but config.json says vocab_size \(expected)")
        }
        return ModelCheckpoint(model: model, config: checkpoint.config, vocabulary: checkpoint.vocabulary,
                               directory: directory)
    }

    /// Saves `model` as a checkpoint folder (config from the model, weights by parameter name).
    public static func save(_ model: LoadedModel, vocabulary: [String]?, to directory: URL,
                            metadata: [String: String] = [:]) throws {
        try Checkpoint.save(model.module, config: try model.checkpointConfig(), vocabulary: vocabulary, to: directory, metadata: metadata)
    }
}

extension LoadedModel {
    /// Loads a checkpoint folder (see ``ModelFactory/load(from:)``).
    public static func load(from directory: URL) throws -> ModelCheckpoint {
        try ModelFactory.load(from: directory)
    }
}
