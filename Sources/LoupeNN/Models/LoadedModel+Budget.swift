import Foundation

extension LoadedModel {
    /// A lower bound of the parameters `config` would allocate (its embedding tables and main
    /// matrices), computed without allocating: a checkpoint whose weights file holds fewer
    /// elements cannot fill such a model, so loading refuses it before building anything (a
    /// config claiming `vocab_size` 10⁹ must not allocate 10⁹ rows first). Products saturate at
    /// `Double` range instead of overflowing.
    /// - Throws: the architecture's own config errors (unknown architecture, missing keys).
    public static func minimumParameterCount(config: CheckpointConfig) throws -> Double {
        func d(_ x: Int) -> Double { Double(Swift.max(0, x)) }
        switch config.architecture {
        case BagOfEmbeddingsConfig.architecture:
            let c = try BagOfEmbeddingsConfig(config)
            return d(c.vocabularySize) * d(c.embedDimension)
        case TransformerClassifierConfig.architecture:
            let c = try TransformerClassifierConfig(config)
            let e = d(c.embedDimension)
            return (d(c.vocabularySize) + d(c.maxLength)) * e
                + d(c.layerCount) * (4 * e * e + 2 * e * d(c.feedForwardDimension))
        case TextVAEConfig.architecture:
            let c = try TextVAEConfig(config)
            return d(c.vocabularySize) * d(c.embedDimension) + d(c.hiddenDimension) * d(c.latentDimension)
        case ImageVAEConfig.architecture:
            let c = try ImageVAEConfig(config)
            return 2 * d(c.height) * d(c.width) * d(c.hiddenDimension) + d(c.hiddenDimension) * d(c.latentDimension)
        default:
            _ = try make(config: config)   // the unknown-architecture error
            return 0
        }
    }
}

extension ModelFactory {
    /// Refuses `checkpoint` when its config implies more parameters than its weights file holds.
    /// - Throws: ``CheckpointError`` (`shapeMismatch`, naming config.json and both counts).
    static func checkFits(_ checkpoint: Checkpoint) throws {
        let needed = try LoadedModel.minimumParameterCount(config: checkpoint.config)
        let stored = checkpoint.tensors.values.reduce(0.0) { $0 + Double($1.count) }
        guard needed <= stored else {
            throw CheckpointError(.shapeMismatch, file: CheckpointConfig.fileName, subject: "config",
                                  "the sizes it gives (\(checkpoint.config.sizeSummary)) need at least "
                                  + String(format: "%.4g", needed) + " parameters but \(Checkpoint.weightsFileName) holds "
                                  + "\(Int(stored)) values")
        }
    }
}

extension CheckpointConfig {
    /// `vocab_size 16000, embed_dim 64, …`: the integer sizes the config gives, in key order.
    var sizeSummary: String {
        let keys = ["vocab_size", "embed_dim", "hidden_dim", "latent_dim", "num_layers", "ffn_dim", "max_len", "height", "width"]
        return keys.compactMap { key in optionalInt(key).map { "\(key) \($0)" } }.joined(separator: ", ")
    }
}
