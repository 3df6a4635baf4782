import Foundation
import LoupeNN

extension DecoderConfiguration {
    /// Reads a Hugging Face `config.json` (`GPT2Config`, `LlamaConfig`, `Qwen2Config`), taking
    /// transformers' defaults for absent keys. The rotary settings are read as transformers does:
    /// `rope_scaling` (older files) or else `rope_parameters`, with `rope_theta` inside it or at
    /// the top level; `rope_type` (or `type`) `default`, `linear` and `llama3` are supported.
    /// - Throws: ``PretrainedError`` naming `file` and the key at fault (unknown architecture,
    ///   wrong type, impossible size, unsupported RoPE type, sliding-window attention).
    public init(huggingFaceConfig data: Data, file: String = "config.json") throws {
        let root: [String: JSONValue]
        do {
            guard let object = try JSONValue.parse(data, fileName: file).objectValue else {
                throw PretrainedError.malformed(file: file, detail: "the top level is not a JSON object")
            }
            root = object
        } catch let error as PretrainedError {
            throw error
        } catch {
            throw PretrainedError.malformed(file: file, detail: "\(error)")
        }
        let keys = ConfigKeys(values: root, file: file)
        let architecture: DecoderArchitecture
        if let type = try keys.string("model_type") {
            guard let known = DecoderArchitecture(modelType: type) else {
                throw PretrainedError.unsupported(file: file, detail: "model_type '\(type)' (supported: gpt2, llama, qwen2)")
            }
            architecture = known
        } else if let names = root["architectures"]?.arrayValue?.compactMap(\.stringValue),
                  let known = names.lazy.compactMap(DecoderArchitecture.init(rawValue:)).first {
            architecture = known
        } else {
            throw PretrainedError.badConfig(file: file, key: "model_type", detail: "missing (and no known 'architectures' entry)")
        }
        switch architecture {
        case .gpt2: try self.init(gpt2: keys)
        case .llama, .qwen2: try self.init(llamaFamily: architecture, keys: keys)
        }
        try validate(file: file)
    }

    /// Reads `config.json` at `url`.
    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw PretrainedError.malformed(file: url.lastPathComponent, detail: "cannot read: \(error.localizedDescription)")
        }
        try self.init(huggingFaceConfig: data, file: url.lastPathComponent)
    }

    private init(gpt2 keys: ConfigKeys) throws {
        let hidden = try keys.integer("n_embd", alias: "hidden_size") ?? 768
        let activationName = try keys.string("activation_function") ?? "gelu_new"
        guard let activation = DecoderActivation(transformersName: activationName) else {
            throw PretrainedError.unsupported(file: keys.file, detail: "activation_function '\(activationName)'")
        }
        self.init(architecture: .gpt2,
                  vocabularySize: try keys.integer("vocab_size") ?? 50257,
                  hiddenSize: hidden,
                  layerCount: try keys.integer("n_layer", alias: "num_hidden_layers") ?? 12,
                  headCount: try keys.integer("n_head", alias: "num_attention_heads") ?? 12,
                  intermediateSize: try keys.integer("n_inner") ?? 4 * hidden,
                  normEpsilon: Float(try keys.number("layer_norm_epsilon") ?? 1e-5),
                  maximumPositions: try keys.integer("n_positions", alias: "max_position_embeddings") ?? 1024,
                  tieWordEmbeddings: try keys.bool("tie_word_embeddings") ?? true,
                  attentionBias: true, outputBias: true, mlpBias: true,
                  activation: activation, rotary: nil,
                  scaleAttentionWeights: try keys.bool("scale_attn_weights") ?? true,
                  scaleAttentionByInverseLayer: try keys.bool("scale_attn_by_inverse_layer_idx") ?? false,
                  beginningOfSequenceID: try keys.integer("bos_token_id") ?? 50256,
                  endOfSequenceIDs: try keys.integers("eos_token_id") ?? [50256],
                  paddingTokenID: try keys.integer("pad_token_id"))
        if try keys.bool("add_cross_attention") == true {
            throw PretrainedError.unsupported(file: keys.file, detail: "add_cross_attention (GPT-2 with cross-attention)")
        }
    }

    private init(llamaFamily architecture: DecoderArchitecture, keys: ConfigKeys) throws {
        let qwen = architecture == .qwen2
        let hidden = try keys.integer("hidden_size") ?? 4096
        let heads = try keys.integer("num_attention_heads") ?? 32
        guard heads > 0 else {
            throw PretrainedError.badConfig(file: keys.file, key: "num_attention_heads", detail: "must be positive, got \(heads)")
        }
        let headDimension = try keys.integer("head_dim") ?? hidden / heads
        let maximum = try keys.integer("max_position_embeddings") ?? (qwen ? 32768 : 2048)
        let activationName = try keys.string("hidden_act") ?? "silu"
        guard let activation = DecoderActivation(transformersName: activationName) else {
            throw PretrainedError.unsupported(file: keys.file, detail: "hidden_act '\(activationName)'")
        }
        if qwen, try keys.bool("use_sliding_window") == true {
            throw PretrainedError.unsupported(file: keys.file, detail: "use_sliding_window (sliding-window attention)")
        }
        let bias = try keys.bool("attention_bias") ?? false
        self.init(architecture: architecture,
                  vocabularySize: try keys.integer("vocab_size") ?? (qwen ? 151936 : 32000),
                  hiddenSize: hidden,
                  layerCount: try keys.integer("num_hidden_layers") ?? 32,
                  headCount: heads,
                  keyValueHeadCount: try keys.integer("num_key_value_heads") ?? heads,
                  headDimension: headDimension,
                  intermediateSize: try keys.integer("intermediate_size") ?? (qwen ? 22016 : 11008),
                  normEpsilon: Float(try keys.number("rms_norm_eps") ?? 1e-6),
                  maximumPositions: maximum,
                  tieWordEmbeddings: try keys.bool("tie_word_embeddings") ?? false,
                  attentionBias: qwen ? true : bias, outputBias: qwen ? false : bias,
                  mlpBias: qwen ? false : (try keys.bool("mlp_bias") ?? false),
                  activation: activation,
                  rotary: try Self.rotary(keys: keys, headDimension: headDimension, maximumPositions: maximum),
                  beginningOfSequenceID: qwen ? try keys.integer("bos_token_id") : (try keys.integer("bos_token_id") ?? 1),
                  endOfSequenceIDs: try keys.integers("eos_token_id") ?? (qwen ? [] : [2]),
                  paddingTokenID: try keys.integer("pad_token_id"))
    }

    /// transformers' `convert_rope_params_to_dict` + `standardize_rope_params` for one global
    /// RoPE dictionary.
    private static func rotary(keys: ConfigKeys, headDimension: Int, maximumPositions: Int) throws -> RotaryConfiguration {
        let container: String
        let parameters: ConfigKeys
        if let scaling = try keys.object("rope_scaling") {
            container = "rope_scaling"
            parameters = scaling
        } else if let dictionary = try keys.object("rope_parameters") {
            container = "rope_parameters"
            parameters = dictionary
        } else {
            container = "rope_parameters"
            parameters = ConfigKeys(values: [:], file: keys.file, prefix: container + ".")
        }
        let theta = try parameters.number("rope_theta") ?? keys.number("rope_theta") ?? 10000
        let partial = try parameters.number("partial_rotary_factor") ?? keys.number("partial_rotary_factor") ?? 1
        // A fraction of the head (transformers' `partial_rotary_factor`); anything else would make
        // the rotary dimension wrong, or (1e300) not an integer at all.
        guard partial > 0, partial <= 1 else {
            throw PretrainedError.badConfig(file: keys.file, key: "partial_rotary_factor", detail: "must be in (0, 1], got \(partial)")
        }
        let dimension = Int(Double(headDimension) * partial)
        let type = try parameters.string("rope_type") ?? parameters.string("type") ?? "default"
        let scaling: RotaryScaling
        switch type {
        case "default":
            scaling = .none
        case "linear":
            guard let factor = try parameters.number("factor") else {
                throw PretrainedError.badConfig(file: keys.file, key: container + ".factor", detail: "missing for rope_type 'linear'")
            }
            scaling = .linear(factor: factor)
        case "llama3":
            func required(_ key: String) throws -> Double {
                guard let value = try parameters.number(key) else {
                    throw PretrainedError.badConfig(file: keys.file, key: container + "." + key, detail: "missing for rope_type 'llama3'")
                }
                return value
            }
            let low = try required("low_freq_factor"), high = try required("high_freq_factor")
            guard high != low else {
                throw PretrainedError.badConfig(file: keys.file, key: container + ".high_freq_factor",
                                                detail: "must differ from low_freq_factor")
            }
            scaling = .llama3(factor: try required("factor"), lowFrequencyFactor: low, highFrequencyFactor: high,
                              originalContext: try parameters.integer("original_max_position_embeddings") ?? maximumPositions)
        default:
            throw PretrainedError.unsupported(file: keys.file, detail: "\(container).rope_type '\(type)' (supported: default, linear, llama3)")
        }
        if case .linear(let factor) = scaling, !(factor > 0) {
            throw PretrainedError.badConfig(file: keys.file, key: container + ".factor", detail: "must be positive")
        }
        if case .llama3(let factor, _, _, let original) = scaling, !(factor > 0) || original <= 0 {
            throw PretrainedError.badConfig(file: keys.file, key: container + ".factor", detail: "factor and original context must be positive")
        }
        return RotaryConfiguration(theta: theta, dimension: dimension, scaling: scaling)
    }
}

/// Typed access to the keys of a JSON object, `nil` for absent or `null`, a
/// ``PretrainedError/badConfig(file:key:detail:)`` for a value of the wrong type.
struct ConfigKeys {
    let values: [String: JSONValue]
    let file: String
    var prefix = ""

    private func present(_ key: String) -> JSONValue? {
        guard let value = values[key], value != .null else { return nil }
        return value
    }

    private func wrong(_ key: String, _ expected: String, _ value: JSONValue) -> PretrainedError {
        .badConfig(file: file, key: prefix + key, detail: "expected \(expected), found \(value.briefDescription)")
    }

    func number(_ key: String) throws -> Double? {
        guard let value = present(key) else { return nil }
        guard let number = value.doubleValue, number.isFinite else { throw wrong(key, "a number", value) }
        return number
    }

    func integer(_ key: String, alias: String? = nil) throws -> Int? {
        guard let value = present(key) ?? alias.flatMap(present) else { return nil }
        guard let number = value.doubleValue, number.rounded() == number, Swift.abs(number) < 9e15 else {
            throw wrong(key, "an integer", value)
        }
        return Int(number)
    }

    func integers(_ key: String) throws -> [Int]? {
        guard let value = present(key) else { return nil }
        if let array = value.arrayValue {
            return try array.map { element in
                guard let number = element.doubleValue, number.rounded() == number, Swift.abs(number) < 9e15 else {
                    throw wrong(key, "integers", value)
                }
                return Int(number)
            }
        }
        return try integer(key).map { [$0] }
    }

    func bool(_ key: String) throws -> Bool? {
        guard let value = present(key) else { return nil }
        guard let flag = value.boolValue else { throw wrong(key, "true or false", value) }
        return flag
    }

    func string(_ key: String) throws -> String? {
        guard let value = present(key) else { return nil }
        guard let text = value.stringValue else { throw wrong(key, "a string", value) }
        return text
    }

    func object(_ key: String) throws -> ConfigKeys? {
        guard let value = present(key) else { return nil }
        guard let object = value.objectValue else { throw wrong(key, "an object", value) }
        return ConfigKeys(values: object, file: file, prefix: prefix + key + ".")
    }
}
