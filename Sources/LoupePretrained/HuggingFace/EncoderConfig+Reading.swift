import Foundation
import LoupeNN

extension EncoderConfig {
    /// Architectures Loupe loads, by `architectures[0]`.
    public static let supportedArchitectures: [String: (Family, Head)] = [
        "BertModel": (.bert, .none),
        "BertForMaskedLM": (.bert, .none),
        "BertForPreTraining": (.bert, .none),
        "BertForSequenceClassification": (.bert, .bertSequenceClassification),
        "DistilBertModel": (.distilbert, .none),
        "DistilBertForMaskedLM": (.distilbert, .none),
        "DistilBertForSequenceClassification": (.distilbert, .distilBertSequenceClassification),
        "RobertaModel": (.roberta, .none),
        "RobertaForMaskedLM": (.roberta, .none),
        "RobertaForSequenceClassification": (.roberta, .robertaSequenceClassification),
        "XLMRobertaModel": (.xlmRoberta, .none),
        "XLMRobertaForMaskedLM": (.xlmRoberta, .none),
        "XLMRobertaForSequenceClassification": (.xlmRoberta, .robertaSequenceClassification),
    ]

    /// Bare-model architectures for a config without `architectures`, by `model_type`.
    static let architectureOfModelType: [String: String] = [
        "bert": "BertModel", "distilbert": "DistilBertModel", "roberta": "RobertaModel", "xlm-roberta": "XLMRobertaModel",
    ]

    /// Reads `config.json` (the file itself, or a folder holding it).
    /// - Throws: ``PretrainedError/unsupported(file:detail:)`` naming `architectures` for an
    ///   architecture Loupe does not load (and `position_embedding_type` other than `absolute`,
    ///   or `is_decoder`); ``PretrainedError/badConfig(file:key:detail:)`` naming the key for a
    ///   value of the wrong type or range; ``PretrainedError/malformed(file:detail:)`` for bad JSON.
    public static func read(from url: URL) throws -> EncoderConfig {
        var isFolder: ObjCBool = false
        let file = FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) && isFolder.boolValue
            ? url.appendingPathComponent("config.json") : url
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw PretrainedError.malformed(file: file.lastPathComponent, detail: "file not found at \(file.path)")
        }
        return try parse(ConfigReader(url: file))
    }

    /// Parses the members of a `config.json` (see ``read(from:)``).
    public static func parse(_ data: Data, fileName: String = "config.json") throws -> EncoderConfig {
        guard case .object(let members) = try JSONDocument.parse(data, fileName: fileName) else {
            throw PretrainedError.malformed(file: fileName, detail: "not a JSON object")
        }
        return try parse(ConfigReader(fileName: fileName, members: members))
    }

    static func parse(_ config: ConfigReader) throws -> EncoderConfig {
        let architecture: String
        if let names = try config.optionalStrings("architectures"), let first = names.first {
            architecture = first
        } else if let type = try config.optionalString("model_type"), let name = architectureOfModelType[type] {
            architecture = name
        } else {
            throw PretrainedError.unsupported(file: config.fileName,
                                              detail: "key 'architectures' is absent and 'model_type' names no encoder Loupe loads")
        }
        guard let (family, head) = supportedArchitectures[architecture] else {
            let known = supportedArchitectures.keys.sorted().joined(separator: ", ")
            throw PretrainedError.unsupported(file: config.fileName,
                                              detail: "key 'architectures': '\(architecture)' is not an encoder Loupe loads (\(known))")
        }
        let positionType = try config.string("position_embedding_type", default: "absolute")
        guard positionType == "absolute" else {
            throw PretrainedError.unsupported(file: config.fileName,
                                              detail: "key 'position_embedding_type': '\(positionType)' (only 'absolute' is implemented)")
        }
        guard try !config.bool("is_decoder", default: false) else {
            throw PretrainedError.unsupported(file: config.fileName, detail: "key 'is_decoder': a decoder BERT (causal mask) is not loaded")
        }

        let vocabulary, hidden, layers, heads, intermediate, positions, typeVocabulary, pad: Int
        let activationName: String
        let activationKey: String
        let epsilon: Double
        var sinusoidal = false
        switch family {
        case .distilbert:
            vocabulary = try config.int("vocab_size", default: 30522, minimum: 1)
            hidden = try config.int("dim", default: 768, minimum: 1)
            layers = try config.int("n_layers", default: 6, minimum: 1)
            heads = try config.int("n_heads", default: 12, minimum: 1)
            intermediate = try config.int("hidden_dim", default: 4 * 768, minimum: 1)
            positions = try config.int("max_position_embeddings", default: 512, minimum: 1)
            typeVocabulary = 0
            pad = try config.int("pad_token_id", default: 0)
            activationKey = "activation"
            activationName = try config.string(activationKey, default: "gelu")
            epsilon = 1e-12
            sinusoidal = try config.bool("sinusoidal_pos_embds", default: false)
        case .bert, .roberta, .xlmRoberta:
            let isBert = family == .bert
            vocabulary = try config.int("vocab_size", default: family == .roberta ? 50265 : 30522, minimum: 1)
            hidden = try config.int("hidden_size", default: 768, minimum: 1)
            layers = try config.int("num_hidden_layers", default: 12, minimum: 1)
            heads = try config.int("num_attention_heads", default: 12, minimum: 1)
            intermediate = try config.int("intermediate_size", default: 3072, minimum: 1)
            positions = try config.int("max_position_embeddings", default: 512, minimum: 1)
            typeVocabulary = try config.int("type_vocab_size", default: 2, minimum: 1)
            pad = try config.int("pad_token_id", default: isBert ? 0 : 1)
            activationKey = "hidden_act"
            activationName = try config.string(activationKey, default: "gelu")
            epsilon = try config.positiveNumber("layer_norm_eps", default: 1e-12)
        }
        guard hidden % heads == 0 else {
            throw config.fail(family == .distilbert ? "n_heads" : "num_attention_heads",
                              "\(heads) heads do not divide the hidden size \(hidden)")
        }
        guard pad < vocabulary else {
            throw config.fail("pad_token_id", "\(pad) is outside the vocabulary of \(vocabulary)")
        }
        guard let activation = EncoderActivation(configName: activationName) else {
            throw PretrainedError.unsupported(file: config.fileName,
                                              detail: "key '\(activationKey)': activation '\(activationName)' is not implemented")
        }
        let config0 = EncoderConfig(
            architecture: architecture, family: family, head: head, vocabularySize: vocabulary, hiddenSize: hidden,
            layerCount: layers, headCount: heads, intermediateSize: intermediate, activation: activation,
            maxPositionEmbeddings: positions, typeVocabularySize: typeVocabulary, layerNormEpsilon: epsilon,
            padTokenID: pad, labels: try labels(config), problemType: try problemType(config),
            sinusoidalPositionEmbeddings: sinusoidal, specialTokenIDs: try specialTokenIDs(config, vocabulary: vocabulary))
        guard config0.maximumSequenceLength > 0 else {
            throw config.fail("max_position_embeddings", "\(positions) leaves no position after the offset \(config0.positionOffset)")
        }
        return config0
    }

    /// `id2label` in index order; else `num_labels` (default 2) generic names, as transformers does.
    private static func labels(_ config: ConfigReader) throws -> [String] {
        if let value = config.value("id2label") {
            guard case .object(let map) = value, !map.isEmpty else {
                throw config.fail("id2label", "must be a non-empty object from class index to name")
            }
            var names = [String?](repeating: nil, count: map.count)
            for (key, item) in map {
                guard let index = Int(key), index >= 0, index < map.count else {
                    throw config.fail("id2label", "key '\(key)' is not a class index in 0..<\(map.count)")
                }
                guard let name = item.stringValue else {
                    throw config.fail("id2label", "value for '\(key)' must be a string, found \(item.briefDescription)")
                }
                names[index] = name
            }
            let result = names.compactMap { $0 }
            guard result.count == map.count else { throw config.fail("id2label", "class indices repeat") }
            if let count = try config.optionalInt("num_labels"), count != result.count {
                throw config.fail("num_labels", "\(count) disagrees with the \(result.count) entries of id2label")
            }
            return result
        }
        let count = try config.int("num_labels", default: 2, minimum: 1)
        return (0..<count).map { "LABEL_\($0)" }
    }

    private static func specialTokenIDs(_ config: ConfigReader, vocabulary: Int) throws -> Set<Int> {
        var ids: Set<Int> = []
        for key in ["bos_token_id", "eos_token_id", "cls_token_id", "sep_token_id"] {
            // eos_token_id may be a list in newer configs.
            if case .array(let items)? = config.value(key) {
                for item in items { if let id = item.intValue, id >= 0, id < vocabulary { ids.insert(id) } }
            } else if let id = try config.optionalInt(key) {
                guard id >= 0, id < vocabulary else { throw config.fail(key, "\(id) is outside the vocabulary of \(vocabulary)") }
                ids.insert(id)
            }
        }
        return ids
    }

    private static func problemType(_ config: ConfigReader) throws -> String? {
        guard let type = try config.optionalString("problem_type") else { return nil }
        let known = ["single_label_classification", "multi_label_classification", "regression"]
        guard known.contains(type) else { throw config.fail("problem_type", "'\(type)' is not one of \(known.joined(separator: ", "))") }
        return type
    }
}
