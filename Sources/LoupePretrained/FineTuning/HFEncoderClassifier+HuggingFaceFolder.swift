import Foundation
import LoupeNN
import LoupeTensor

extension HFEncoderClassifier {
    /// The weights under the names transformers' `…ForSequenceClassification` uses: the encoder's
    /// under the family prefix (`bert.embeddings.…`, `bert.encoder.layer.N.…`, `bert.pooler.dense.…`)
    /// whether or not the checkpoint it came from had one, the head's as they are (`classifier.…`).
    public var sequenceClassificationStateDict: [String: Tensor] {
        let prefix = config.family.statePrefix
        let headNames = ["classifier.", "pre_classifier."]
        var tensors: [String: Tensor] = [:]
        for p in parameters {
            let name = p.name
            let stored = headNames.contains(where: name.hasPrefix) || name.hasPrefix(prefix + ".") ? name : prefix + "." + name
            tensors[stored] = p.value
        }
        return tensors
    }

    /// The files of a tokenizer that ``saveHuggingFace(to:baseConfig:tokenizerFolder:)`` copies.
    public static let tokenizerFileNames = ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt",
                                            "vocab.json", "merges.txt", "sentencepiece.bpe.model"]

    /// Saves the model as a Hugging Face sequence-classification folder that
    /// `AutoModelForSequenceClassification.from_pretrained` and Loupe's ``load(folder:)`` both load:
    ///
    /// - `config.json`: the keys of `baseConfig` (the pretrained checkpoint's `config.json`) with
    ///   `architectures` = [``sequenceClassificationArchitecture``], `id2label`, `label2id`,
    ///   `num_labels`, `problem_type` = `single_label_classification`, `torch_dtype` = `float32`;
    /// - `model.safetensors`: ``sequenceClassificationStateDict`` in F32;
    /// - the tokenizer files of `tokenizerFolder` that exist (``tokenizerFileNames``).
    ///
    /// - Throws: ``PretrainedError`` when `baseConfig` cannot be read; file-system errors.
    public func saveHuggingFace(to folder: URL, baseConfig: URL, tokenizerFolder: URL?,
                                metadata: [String: String] = [:]) throws {
        guard let data = FileManager.default.contents(atPath: baseConfig.path),
              var config = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw PretrainedError.malformed(file: baseConfig.path, detail: "not a readable JSON object")
        }
        config["architectures"] = [sequenceClassificationArchitecture]
        config["id2label"] = Dictionary(uniqueKeysWithValues: labels.enumerated().map { (String($0.offset), $0.element) })
        config["label2id"] = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($0.element, $0.offset) })
        config["num_labels"] = labels.count
        config["problem_type"] = "single_label_classification"
        config["torch_dtype"] = "float32"
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let json = try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys])
        try json.write(to: folder.appendingPathComponent("config.json"), options: .atomic)
        try SafeTensorsFile(tensors: sequenceClassificationStateDict, metadata: ["format": "pt"].merging(metadata) { a, _ in a })
            .write(to: folder.appendingPathComponent("model.safetensors"))
        guard let tokenizerFolder, tokenizerFolder.standardizedFileURL != folder.standardizedFileURL else { return }
        for name in Self.tokenizerFileNames {
            let source = tokenizerFolder.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: source.path) else { continue }
            let target = folder.appendingPathComponent(name)
            try? FileManager.default.removeItem(at: target)
            try FileManager.default.copyItem(at: source, to: target)
        }
    }
}
