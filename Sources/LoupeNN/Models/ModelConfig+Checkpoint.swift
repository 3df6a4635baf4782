import Foundation

/// Conversions between the architectures' config structs and `config.json`
/// (``CheckpointConfig``). Reading validates every value and names the offending key.
enum ConfigReader {
    static func positive(_ config: CheckpointConfig, _ key: String) throws -> Int {
        let value = try config.int(key)
        guard value > 0 else { throw invalid(key, "must be a positive integer, found \(value)") }
        return value
    }

    static func id(_ config: CheckpointConfig, _ key: String, default fallback: Int, below vocabularySize: Int) throws -> Int {
        let value = config.values[key] == nil ? fallback : try config.int(key)
        guard value >= 0 && value < vocabularySize else {
            throw invalid(key, "id \(value) is outside the vocabulary 0..<\(vocabularySize)")
        }
        return value
    }

    static func labels(_ config: CheckpointConfig) throws -> [String] {
        let labels = try config.strings("labels")
        guard !labels.isEmpty else { throw invalid("labels", "must name at least one class") }
        if let count = config.optionalInt("num_classes"), count != labels.count {
            throw invalid("num_classes", "is \(count) but `labels` names \(labels.count) classes")
        }
        return labels
    }

    static func invalid(_ key: String, _ message: String) -> CheckpointError {
        CheckpointError(.invalidEntry, file: CheckpointConfig.fileName, key: key, subject: "key", message)
    }

    /// The decimal a `Float` prints as, so 1e-5 is written as 1e-05 rather than 9.99999974737875e-06.
    static func shortest(_ value: Float) -> Double { Double(String(value)) ?? Double(value) }

    static func expect(_ config: CheckpointConfig, architecture: String) throws {
        guard config.architecture == architecture else {
            throw invalid("architecture", "expected '\(architecture)', found '\(config.architecture)'")
        }
    }
}

extension BagOfEmbeddingsConfig {
    public static let architecture = "bag-of-embeddings"

    /// Reads `vocab_size`, `embed_dim`, `hidden_dim`, `labels` (and `num_classes`, if present, must
    /// agree), `pad_id` (default 0).
    public init(_ config: CheckpointConfig) throws {
        try ConfigReader.expect(config, architecture: Self.architecture)
        let vocabularySize = try ConfigReader.positive(config, "vocab_size")
        self.init(vocabularySize: vocabularySize,
                  embedDimension: try ConfigReader.positive(config, "embed_dim"),
                  hiddenDimension: try ConfigReader.positive(config, "hidden_dim"),
                  labels: try ConfigReader.labels(config),
                  padID: try ConfigReader.id(config, "pad_id", default: 0, below: vocabularySize))
    }

    /// The `config.json` contents for this model.
    public var checkpointConfig: CheckpointConfig {
        CheckpointConfig(architecture: Self.architecture, values: [
            "vocab_size": .number(Double(vocabularySize)), "embed_dim": .number(Double(embedDimension)),
            "hidden_dim": .number(Double(hiddenDimension)), "num_classes": .number(Double(labels.count)),
            "labels": .array(labels.map { .string($0) }), "pad_id": .number(Double(padID)),
        ])
    }
}

extension TransformerClassifierConfig {
    public static let architecture = "transformer-classifier"

    /// Reads `vocab_size`, `embed_dim`, `num_heads`, `num_layers`, `ffn_dim`, `max_len`, `labels`,
    /// `pad_id` (default 0), `layer_norm_eps` (default 1e-5), `activation` (`relu`/`gelu`, default
    /// relu), `norm` (`post`/`pre`, default post), `pooling` (only `masked-mean`), `dropout` (default 0).
    public init(_ config: CheckpointConfig) throws {
        try ConfigReader.expect(config, architecture: Self.architecture)
        let vocabularySize = try ConfigReader.positive(config, "vocab_size")
        let embed = try ConfigReader.positive(config, "embed_dim")
        let heads = try ConfigReader.positive(config, "num_heads")
        guard embed % heads == 0 else {
            throw ConfigReader.invalid("num_heads", "\(heads) heads do not divide embed_dim \(embed)")
        }
        let activationName = config.optionalString("activation") ?? "relu"
        guard let activation = Activation(name: activationName), activation == .relu || activation == .gelu else {
            throw ConfigReader.invalid("activation", "expected \"relu\" or \"gelu\", found \"\(activationName)\"")
        }
        let normName = config.optionalString("norm") ?? "post"
        guard let norm = TransformerEncoderLayer.NormPlacement(rawValue: normName) else {
            throw ConfigReader.invalid("norm", "expected \"post\" or \"pre\", found \"\(normName)\"")
        }
        if let pooling = config.optionalString("pooling"), pooling != "masked-mean" {
            throw ConfigReader.invalid("pooling", "only \"masked-mean\" is supported, found \"\(pooling)\"")
        }
        let eps = config.values["layer_norm_eps"] == nil ? 1e-5 : try config.double("layer_norm_eps")
        guard eps > 0 else { throw ConfigReader.invalid("layer_norm_eps", "must be positive, found \(eps)") }
        let dropout = config.values["dropout"] == nil ? 0 : try config.double("dropout")
        guard dropout >= 0 && dropout < 1 else { throw ConfigReader.invalid("dropout", "must lie in [0, 1), found \(dropout)") }
        self.init(vocabularySize: vocabularySize, embedDimension: embed, heads: heads,
                  layerCount: try ConfigReader.positive(config, "num_layers"),
                  feedForwardDimension: try ConfigReader.positive(config, "ffn_dim"),
                  maxLength: try ConfigReader.positive(config, "max_len"),
                  labels: try ConfigReader.labels(config),
                  padID: try ConfigReader.id(config, "pad_id", default: 0, below: vocabularySize),
                  layerNormEpsilon: Float(eps), activation: activation, normPlacement: norm, dropout: Float(dropout))
    }

    /// The `config.json` contents for this model.
    public var checkpointConfig: CheckpointConfig {
        CheckpointConfig(architecture: Self.architecture, values: [
            "vocab_size": .number(Double(vocabularySize)), "embed_dim": .number(Double(embedDimension)),
            "num_heads": .number(Double(heads)), "num_layers": .number(Double(layerCount)),
            "ffn_dim": .number(Double(feedForwardDimension)), "max_len": .number(Double(maxLength)),
            "num_classes": .number(Double(labels.count)), "labels": .array(labels.map { .string($0) }),
            "pad_id": .number(Double(padID)), "layer_norm_eps": .number(ConfigReader.shortest(layerNormEpsilon)),
            "activation": .string(activation.rawValue), "norm": .string(normPlacement.rawValue),
            "pooling": .string("masked-mean"), "dropout": .number(ConfigReader.shortest(dropout)),
        ])
    }
}

extension TextVAEConfig {
    public static let architecture = "text-vae"

    /// Reads `vocab_size`, `embed_dim`, `hidden_dim`, `latent_dim`, `max_len`, `pad_id` (default 0),
    /// `bos_id` (default 2), `eos_id` (default 3).
    public init(_ config: CheckpointConfig) throws {
        try ConfigReader.expect(config, architecture: Self.architecture)
        let vocabularySize = try ConfigReader.positive(config, "vocab_size")
        self.init(vocabularySize: vocabularySize,
                  embedDimension: try ConfigReader.positive(config, "embed_dim"),
                  hiddenDimension: try ConfigReader.positive(config, "hidden_dim"),
                  latentDimension: try ConfigReader.positive(config, "latent_dim"),
                  maxLength: try ConfigReader.positive(config, "max_len"),
                  padID: try ConfigReader.id(config, "pad_id", default: 0, below: vocabularySize),
                  bosID: try ConfigReader.id(config, "bos_id", default: 2, below: vocabularySize),
                  eosID: try ConfigReader.id(config, "eos_id", default: 3, below: vocabularySize))
    }

    /// The `config.json` contents for this model.
    public var checkpointConfig: CheckpointConfig {
        CheckpointConfig(architecture: Self.architecture, values: [
            "vocab_size": .number(Double(vocabularySize)), "embed_dim": .number(Double(embedDimension)),
            "hidden_dim": .number(Double(hiddenDimension)), "latent_dim": .number(Double(latentDimension)),
            "max_len": .number(Double(maxLength)), "pad_id": .number(Double(padID)),
            "bos_id": .number(Double(bosID)), "eos_id": .number(Double(eosID)),
        ])
    }
}

extension ImageVAEConfig {
    public static let architecture = "image-vae"

    /// Reads `height`, `width`, `hidden_dim`, `latent_dim`.
    public init(_ config: CheckpointConfig) throws {
        try ConfigReader.expect(config, architecture: Self.architecture)
        self.init(height: try ConfigReader.positive(config, "height"), width: try ConfigReader.positive(config, "width"),
                  hiddenDimension: try ConfigReader.positive(config, "hidden_dim"),
                  latentDimension: try ConfigReader.positive(config, "latent_dim"))
    }

    /// The `config.json` contents for this model.
    public var checkpointConfig: CheckpointConfig {
        CheckpointConfig(architecture: Self.architecture, values: [
            "height": .number(Double(height)), "width": .number(Double(width)),
            "hidden_dim": .number(Double(hiddenDimension)), "latent_dim": .number(Double(latentDimension)),
        ])
    }
}
