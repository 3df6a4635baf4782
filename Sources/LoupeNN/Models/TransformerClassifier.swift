import LoupeTensor

/// Sizes of a ``TransformerClassifier`` (the `config.json` keys in comments).
public struct TransformerClassifierConfig: Equatable, Sendable {
    public var vocabularySize: Int      // vocab_size
    public var embedDimension: Int      // embed_dim
    public var heads: Int               // num_heads
    public var layerCount: Int          // num_layers
    public var feedForwardDimension: Int  // ffn_dim
    public var maxLength: Int           // max_len
    public var labels: [String]         // labels (num_classes = labels.count)
    public var padID: Int               // pad_id
    public var layerNormEpsilon: Float  // layer_norm_eps
    public var activation: Activation   // activation ("relu" | "gelu")
    public var normPlacement: TransformerEncoderLayer.NormPlacement  // norm ("post" | "pre")
    public var dropout: Float           // dropout (optional, default 0)
    /// The model ends in a ``ScriptTemperature`` layer (`calibration`).
    public var scriptTemperature: Bool  // script_temperature (optional, default false)

    public init(vocabularySize: Int, embedDimension: Int, heads: Int, layerCount: Int, feedForwardDimension: Int,
                maxLength: Int, labels: [String], padID: Int = 0, layerNormEpsilon: Float = 1e-5,
                activation: Activation = .relu, normPlacement: TransformerEncoderLayer.NormPlacement = .post,
                dropout: Float = 0, scriptTemperature: Bool = false) {
        self.scriptTemperature = scriptTemperature
        self.vocabularySize = vocabularySize
        self.embedDimension = embedDimension
        self.heads = heads
        self.layerCount = layerCount
        self.feedForwardDimension = feedForwardDimension
        self.maxLength = maxLength
        self.labels = labels
        self.padID = padID
        self.layerNormEpsilon = layerNormEpsilon
        self.activation = activation
        self.normPlacement = normPlacement
        self.dropout = dropout
    }
}

/// The `transformer-classifier` architecture: `embedding` + `position` (a learned `[max_len, E]`
/// table, added after the token embedding) → `encoder.layers.N` (PyTorch encoder layers, [PAD]
/// keys masked out of attention) → mean over non-[PAD] positions → `output` Linear(E, C).
public final class TransformerClassifier: TextClassifier {
    public let path = ""
    public private(set) var config: TransformerClassifierConfig
    public let embedding: Embedding
    /// Learned position vectors, `position.weight` `[max_len, E]`.
    public let position: Embedding
    public let encoder: TransformerEncoder
    public let output: Linear

    /// Whether dropout is active (only matters when `config.dropout > 0`).
    public var isTraining: Bool {
        get { encoder.isTraining }
        set { encoder.isTraining = newValue }
    }

    /// A model with fresh random weights (the [PAD] row of `embedding` is zero).
    public init(config: TransformerClassifierConfig, seed: UInt64 = 0) {
        self.config = config
        var rng = RandomGenerator(seed: seed)
        embedding = Embedding(vocabularySize: config.vocabularySize, dimension: config.embedDimension,
                              paddingIndex: config.padID, path: "embedding", generator: &rng)
        position = Embedding(vocabularySize: config.maxLength, dimension: config.embedDimension,
                             path: "position", generator: &rng)
        encoder = TransformerEncoder(layerCount: config.layerCount, embedDimension: config.embedDimension,
                                     heads: config.heads, feedForwardDimension: config.feedForwardDimension,
                                     activation: config.activation, normPlacement: config.normPlacement,
                                     dropout: config.dropout, layerNormEpsilon: config.layerNormEpsilon,
                                     path: "encoder", generator: &rng)
        output = Linear(config.embedDimension, config.labels.count, path: "output", generator: &rng)
        calibration = config.scriptTemperature ? ScriptTemperature(vocabularySize: config.vocabularySize) : nil
    }

    /// Temperatures by script applied to the logits (present when `config.scriptTemperature`).
    public private(set) var calibration: ScriptTemperature?

    public var submodules: [Module] { [embedding, position, encoder, output] + (calibration.map { [$0] } ?? []) }

    /// Ends the model in `layer` (sets `config.scriptTemperature`).
    public func setScriptTemperature(_ layer: ScriptTemperature) {
        precondition(layer.tokenScript.value.count == config.vocabularySize, "one script per vocabulary token")
        calibration = layer
        config.scriptTemperature = true
    }
    public var labels: [String] { config.labels }
    public var tokenEmbedding: Embedding { embedding }
    public var paddingID: Int { config.padID }
    public var maximumSequenceLength: Int? { config.maxLength }
    public var activationSites: [ActivationSite] {
        [ActivationSite(.embed, embedding), ActivationSite(.positionEmbed, position)]
            + encoder.layers.enumerated().flatMap { i, layer in layer.activationSites(block: i) }
    }

    public func logits(embeddings: Tensor, tokenIDs: [[Int]]) -> Tensor {
        forward(embeddings: embeddings, tokenIDs: tokenIDs).logits
    }

    /// Logits `[B, C]` and every layer's attention weights `[B, heads, T, T]` (for attention
    /// rollout), from token ids.
    public func logitsAndAttention(tokenIDs: [[Int]]) -> (logits: Tensor, attentionWeights: [Tensor]) {
        let batch = TokenBatch(tokenIDs, padID: paddingID)
        return forward(embeddings: embedding(batch.ids, shape: batch.shape), tokenIDs: tokenIDs)
    }

    /// The full forward pass from token embeddings `[B, T, E]`; masks come from `tokenIDs`.
    public func forward(embeddings: Tensor, tokenIDs: [[Int]]) -> (logits: Tensor, attentionWeights: [Tensor]) {
        let batch = TokenBatch(tokenIDs, padID: paddingID)
        precondition(embeddings.shape == batch.shape + [config.embedDimension],
                     "embeddings \(embeddings.shape) for a \(batch.batchSize)×\(batch.length) batch")
        precondition(batch.length <= config.maxLength,
                     "sequence of \(batch.length) tokens exceeds max_len \(config.maxLength)")
        let positions = position(Array(0..<batch.length))
        let x = embeddings + positions
        let (encoded, weights) = encoder.encode(x, keyPaddingMask: batch.keyPaddingMask)
        let logits = output(batch.maskedMean(encoded))
        return (hooked(calibration.map { $0(logits, tokenIDs: tokenIDs) } ?? logits), weights)
    }
}
