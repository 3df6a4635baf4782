import LoupeTensor

/// Sizes of a ``BagOfEmbeddingsClassifier`` (the `config.json` keys in comments).
public struct BagOfEmbeddingsConfig: Equatable, Sendable {
    public var vocabularySize: Int      // vocab_size
    public var embedDimension: Int      // embed_dim
    public var hiddenDimension: Int     // hidden_dim
    public var labels: [String]         // labels (num_classes = labels.count)
    public var padID: Int               // pad_id

    public init(vocabularySize: Int, embedDimension: Int, hiddenDimension: Int, labels: [String], padID: Int = 0) {
        self.vocabularySize = vocabularySize
        self.embedDimension = embedDimension
        self.hiddenDimension = hiddenDimension
        self.labels = labels
        self.padID = padID
    }
}

/// The `bag-of-embeddings` architecture: `embedding` → mean over non-[PAD] positions →
/// `hidden` Linear(E, H) → ReLU → `output` Linear(H, C).
public final class BagOfEmbeddingsClassifier: TextClassifier {
    public let path = ""
    public let config: BagOfEmbeddingsConfig
    public let embedding: Embedding
    public let hidden: Linear
    public let output: Linear

    /// A model with fresh random weights (PyTorch's default initialisation; the [PAD] row is zero).
    public init(config: BagOfEmbeddingsConfig, seed: UInt64 = 0) {
        self.config = config
        var rng = RandomGenerator(seed: seed)
        embedding = Embedding(vocabularySize: config.vocabularySize, dimension: config.embedDimension,
                              paddingIndex: config.padID, path: "embedding", generator: &rng)
        hidden = Linear(config.embedDimension, config.hiddenDimension, path: "hidden", generator: &rng)
        output = Linear(config.hiddenDimension, config.labels.count, path: "output", generator: &rng)
    }

    public var submodules: [Module] { [embedding, hidden, output] }
    public var labels: [String] { config.labels }
    public var tokenEmbedding: Embedding { embedding }
    public var paddingID: Int { config.padID }
    public var activationSites: [ActivationSite] {
        [ActivationSite(.embed, embedding), ActivationSite("hook_hidden", hidden)]
    }

    public func logits(embeddings: Tensor, tokenIDs: [[Int]]) -> Tensor {
        let batch = TokenBatch(tokenIDs, padID: paddingID)
        precondition(embeddings.shape == batch.shape + [config.embedDimension],
                     "embeddings \(embeddings.shape) for a \(batch.batchSize)×\(batch.length) batch")
        let pooled = batch.maskedMean(embeddings)
        return hooked(output(hidden(pooled).relu()))
    }
}
