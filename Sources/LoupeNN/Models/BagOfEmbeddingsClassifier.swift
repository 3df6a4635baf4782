import LoupeTensor

/// Sizes of a ``BagOfEmbeddingsClassifier`` (the `config.json` keys in comments).
public struct BagOfEmbeddingsConfig: Equatable, Sendable {
    public var vocabularySize: Int      // vocab_size
    public var embedDimension: Int      // embed_dim
    public var hiddenDimension: Int     // hidden_dim
    public var labels: [String]         // labels (num_classes = labels.count)
    public var padID: Int               // pad_id
    /// The model ends in a ``ScriptTemperature`` layer (`calibration`).
    public var scriptTemperature: Bool  // script_temperature (optional, default false)

    public init(vocabularySize: Int, embedDimension: Int, hiddenDimension: Int, labels: [String], padID: Int = 0,
                scriptTemperature: Bool = false) {
        self.scriptTemperature = scriptTemperature
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
    public private(set) var config: BagOfEmbeddingsConfig
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
        calibration = config.scriptTemperature ? ScriptTemperature(vocabularySize: config.vocabularySize) : nil
    }

    /// Temperatures by script applied to the logits (present when `config.scriptTemperature`).
    public private(set) var calibration: ScriptTemperature?

    public var submodules: [Module] { [embedding, hidden, output] + (calibration.map { [$0] } ?? []) }

    /// Ends the model in `layer` (sets `config.scriptTemperature`).
    public func setScriptTemperature(_ layer: ScriptTemperature) {
        precondition(layer.tokenScript.value.count == config.vocabularySize, "one script per vocabulary token")
        calibration = layer
        config.scriptTemperature = true
    }
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
        let logits = output(hidden(pooled).relu())
        return hooked(calibration.map { $0(logits, tokenIDs: tokenIDs) } ?? logits)
    }
}
