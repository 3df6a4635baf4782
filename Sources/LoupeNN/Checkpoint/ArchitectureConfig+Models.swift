import Foundation

extension BagOfEmbeddingsConfig: ArchitectureConfig {
    public static let architecture = "bag-of-embeddings"

    enum CodingKeys: String, CodingKey {
        case vocabularySize = "vocab_size", embedDimension = "embed_dim", hiddenDimension = "hidden_dim"
        case labels, classCount = "num_classes", padID = "pad_id", scriptTemperature = "script_temperature"
    }

    /// Reads `vocab_size`, `embed_dim`, `hidden_dim`, `labels` (and `num_classes`, if present, must
    /// agree), `pad_id` (default 0), `script_temperature` (default false; see ``ScriptTemperature``).
    public init(from decoder: Decoder) throws {
        let c = try ConfigValues<CodingKeys>(decoder)
        let vocabularySize = try c.positive(.vocabularySize)
        self.init(vocabularySize: vocabularySize, embedDimension: try c.positive(.embedDimension),
                  hiddenDimension: try c.positive(.hiddenDimension), labels: try c.labels(.labels, count: .classCount),
                  padID: try c.id(.padID, default: 0, below: vocabularySize),
                  scriptTemperature: try c.bool(.scriptTemperature, default: false))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(vocabularySize, forKey: .vocabularySize)
        try c.encode(embedDimension, forKey: .embedDimension)
        try c.encode(hiddenDimension, forKey: .hiddenDimension)
        try c.encode(labels.count, forKey: .classCount)
        try c.encode(labels, forKey: .labels)
        try c.encode(padID, forKey: .padID)
        if scriptTemperature { try c.encode(true, forKey: .scriptTemperature) }
    }
}

extension TransformerClassifierConfig: ArchitectureConfig {
    public static let architecture = "transformer-classifier"

    enum CodingKeys: String, CodingKey {
        case vocabularySize = "vocab_size", embedDimension = "embed_dim", heads = "num_heads", layerCount = "num_layers"
        case feedForwardDimension = "ffn_dim", maxLength = "max_len", labels, classCount = "num_classes", padID = "pad_id"
        case layerNormEpsilon = "layer_norm_eps", activation, normPlacement = "norm", pooling, dropout
        case scriptTemperature = "script_temperature"
    }

    /// Reads `vocab_size`, `embed_dim`, `num_heads`, `num_layers`, `ffn_dim`, `max_len`, `labels`,
    /// `pad_id` (default 0), `layer_norm_eps` (default 1e-5), `activation` (`relu`/`gelu`, default
    /// relu), `norm` (`post`/`pre`, default post), `pooling` (only `masked-mean`), `dropout` (default 0),
    /// `script_temperature` (default false; see ``ScriptTemperature``).
    public init(from decoder: Decoder) throws {
        let c = try ConfigValues<CodingKeys>(decoder)
        let vocabularySize = try c.positive(.vocabularySize)
        let embed = try c.positive(.embedDimension)
        let heads = try c.positive(.heads)
        guard embed % heads == 0 else {
            throw ConfigValues<CodingKeys>.invalid("num_heads", "\(heads) heads do not divide embed_dim \(embed)")
        }
        let activationName = try c.string(.activation, default: "relu")
        guard let activation = Activation(name: activationName), activation == .relu || activation == .gelu else {
            throw ConfigValues<CodingKeys>.invalid("activation", "expected \"relu\" or \"gelu\", found \"\(activationName)\"")
        }
        let normName = try c.string(.normPlacement, default: "post")
        guard let norm = TransformerEncoderLayer.NormPlacement(rawValue: normName) else {
            throw ConfigValues<CodingKeys>.invalid("norm", "expected \"post\" or \"pre\", found \"\(normName)\"")
        }
        let pooling = try c.string(.pooling, default: "masked-mean")
        guard pooling == "masked-mean" else {
            throw ConfigValues<CodingKeys>.invalid("pooling", "only \"masked-mean\" is supported, found \"\(pooling)\"")
        }
        let eps = try c.double(.layerNormEpsilon, default: 1e-5)
        guard eps > 0 else { throw ConfigValues<CodingKeys>.invalid("layer_norm_eps", "must be positive, found \(eps)") }
        let dropout = try c.double(.dropout, default: 0)
        guard dropout >= 0 && dropout < 1 else {
            throw ConfigValues<CodingKeys>.invalid("dropout", "must lie in [0, 1), found \(dropout)")
        }
        self.init(vocabularySize: vocabularySize, embedDimension: embed, heads: heads,
                  layerCount: try c.positive(.layerCount), feedForwardDimension: try c.positive(.feedForwardDimension),
                  maxLength: try c.positive(.maxLength), labels: try c.labels(.labels, count: .classCount),
                  padID: try c.id(.padID, default: 0, below: vocabularySize),
                  layerNormEpsilon: Float(eps), activation: activation, normPlacement: norm, dropout: Float(dropout),
                  scriptTemperature: try c.bool(.scriptTemperature, default: false))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(vocabularySize, forKey: .vocabularySize)
        try c.encode(embedDimension, forKey: .embedDimension)
        try c.encode(heads, forKey: .heads)
        try c.encode(layerCount, forKey: .layerCount)
        try c.encode(feedForwardDimension, forKey: .feedForwardDimension)
        try c.encode(maxLength, forKey: .maxLength)
        try c.encode(labels.count, forKey: .classCount)
        try c.encode(labels, forKey: .labels)
        try c.encode(padID, forKey: .padID)
        try c.encode(Self.shortest(layerNormEpsilon), forKey: .layerNormEpsilon)
        try c.encode(activation.rawValue, forKey: .activation)
        try c.encode(normPlacement.rawValue, forKey: .normPlacement)
        try c.encode("masked-mean", forKey: .pooling)
        try c.encode(Self.shortest(dropout), forKey: .dropout)
        if scriptTemperature { try c.encode(true, forKey: .scriptTemperature) }
    }

    /// The decimal a `Float` prints as, so 1e-5 is written as 1e-05 rather than 9.99999974737875e-06.
    static func shortest(_ value: Float) -> Double { Double(String(value)) ?? Double(value) }
}

extension TextVAEConfig: ArchitectureConfig {
    public static let architecture = "text-vae"

    enum CodingKeys: String, CodingKey {
        case vocabularySize = "vocab_size", embedDimension = "embed_dim", hiddenDimension = "hidden_dim"
        case latentDimension = "latent_dim", maxLength = "max_len", padID = "pad_id", bosID = "bos_id", eosID = "eos_id"
        case bidirectionalEncoder = "bidirectional_encoder"
    }

    /// Reads `vocab_size`, `embed_dim`, `hidden_dim`, `latent_dim`, `max_len`, `pad_id` (default 0),
    /// `bos_id` (default 2), `eos_id` (default 3), `bidirectional_encoder` (default `false`).
    public init(from decoder: Decoder) throws {
        let c = try ConfigValues<CodingKeys>(decoder)
        let vocabularySize = try c.positive(.vocabularySize)
        self.init(vocabularySize: vocabularySize, embedDimension: try c.positive(.embedDimension),
                  hiddenDimension: try c.positive(.hiddenDimension), latentDimension: try c.positive(.latentDimension),
                  maxLength: try c.positive(.maxLength), padID: try c.id(.padID, default: 0, below: vocabularySize),
                  bosID: try c.id(.bosID, default: 2, below: vocabularySize),
                  eosID: try c.id(.eosID, default: 3, below: vocabularySize),
                  bidirectionalEncoder: c.has(.bidirectionalEncoder) ? try c.config.bool(CodingKeys.bidirectionalEncoder.stringValue) : false)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(vocabularySize, forKey: .vocabularySize)
        try c.encode(embedDimension, forKey: .embedDimension)
        try c.encode(hiddenDimension, forKey: .hiddenDimension)
        try c.encode(latentDimension, forKey: .latentDimension)
        try c.encode(maxLength, forKey: .maxLength)
        try c.encode(padID, forKey: .padID)
        try c.encode(bosID, forKey: .bosID)
        try c.encode(eosID, forKey: .eosID)
        if bidirectionalEncoder { try c.encode(true, forKey: .bidirectionalEncoder) }
    }
}

extension ImageVAEConfig: ArchitectureConfig {
    public static let architecture = "image-vae"

    enum CodingKeys: String, CodingKey {
        case height, width, hiddenDimension = "hidden_dim", latentDimension = "latent_dim", hiddenLayers = "hidden_layers"
    }

    /// Reads `height`, `width`, `hidden_dim`, `latent_dim` and `hidden_layers` (optional, default 1).
    public init(from decoder: Decoder) throws {
        let c = try ConfigValues<CodingKeys>(decoder)
        self.init(height: try c.positive(.height), width: try c.positive(.width),
                  hiddenDimension: try c.positive(.hiddenDimension), latentDimension: try c.positive(.latentDimension),
                  hiddenLayers: c.has(.hiddenLayers) ? try c.positive(.hiddenLayers) : 1)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(height, forKey: .height)
        try c.encode(width, forKey: .width)
        try c.encode(hiddenDimension, forKey: .hiddenDimension)
        try c.encode(latentDimension, forKey: .latentDimension)
        if hiddenLayers != 1 { try c.encode(hiddenLayers, forKey: .hiddenLayers) }
    }
}
