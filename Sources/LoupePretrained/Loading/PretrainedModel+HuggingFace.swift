import Foundation
import LoupeNN
import LoupeTokenizers

extension PretrainedModel {
    /// A Hugging Face folder: an encoder family (BERT, DistilBERT, RoBERTa, XLM-R) or a decoder
    /// family (GPT-2, LLaMA, Qwen2), chosen by `config.json`'s `model_type` / `architectures`.
    static func loadHuggingFace(_ folder: URL, start: Date) throws -> PretrainedModel {
        let configURL = folder.appendingPathComponent("config.json")
        guard let data = FileManager.default.contents(atPath: configURL.path) else {
            throw PretrainedError.malformed(file: configURL.path, detail: "missing (a Hugging Face folder needs config.json)")
        }
        guard let config = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw PretrainedError.malformed(file: configURL.path, detail: "not a JSON object")
        }
        let architectures = config["architectures"] as? [String] ?? []
        let modelType = config["model_type"] as? String
        let architecture = architectures.first ?? modelType ?? "unknown"
        let tokenizerConfig = Self.tokenizerConfig(folder)
        let tokenizer = try translated { try TokenizerLoader.load(folder: folder) }
        let model: any Module
        var endOfSequence = Set<Int>()
        var weights: SafeTensorsStore?
        let decoder = modelType.flatMap(DecoderArchitecture.init(modelType:))
            ?? (modelType == nil ? architectures.first.flatMap(DecoderArchitecture.init(rawValue:)) : nil)
        if decoder == nil, let name = architectures.first, name.hasSuffix("ForCausalLM") || name.hasSuffix("LMHeadModel") {
            // A decoder Loupe does not load (the encoder loader would list only encoders).
            let known = DecoderArchitecture.allCases.map(\.rawValue).joined(separator: ", ")
            throw PretrainedError.unsupported(file: configURL.lastPathComponent,
                                              detail: "key 'architectures': '\(name)' is not a causal language model Loupe loads (\(known))")
        }
        if decoder != nil {
            let configuration = try DecoderConfiguration(contentsOf: configURL)
            let store = try SafeTensorsStore(folder: folder)
            weights = store
            model = try DecoderLanguageModel(configuration: configuration, weights: store)
            endOfSequence = Set(configuration.endOfSequenceIDs)
        } else {
            switch try HFEncoderCheckpoint.load(folder: folder) {
            case .classifier(let classifier): model = classifier
            case .encoder(let encoder): model = encoder
            }
        }
        let bos = Self.tokenString(tokenizerConfig["bos_token"])
        let eos = Self.tokenString(tokenizerConfig["eos_token"])
        if let eos, let id = tokenizer.id(forToken: eos) { endOfSequence.insert(id) }
        let template = try Self.chatTemplate(folder, tokenizerConfig)
        // The census reads the headers only: the decoder's store is reused; the encoder loader
        // keeps its own, so its headers are read once more here.
        let store = weights ?? (try? SafeTensorsStore(folder: folder))
        let census = store.map { store in
            Dictionary(grouping: store.names, by: { store.elementType(of: $0)?.rawValue ?? "?" }).mapValues(\.count)
        } ?? [:]
        let stored = store.map { store in store.names.reduce(0) { $0 + (store.shape(of: $1)?.reduce(1, *) ?? 0) } }
            ?? model.parameterCount
        return PretrainedModel(source: folder, format: .huggingFace, architecture: architecture, module: model,
                               tokenizer: tokenizer, chatTemplate: template, beginningOfSequenceToken: bos,
                               endOfSequenceToken: eos, endOfSequenceIDs: endOfSequence, storageCensus: census, storedParameterCount: stored,
                               loadSeconds: Date().timeIntervalSince(start))
    }

    /// `tokenizer_config.json` as a dictionary (empty when absent or unreadable: it is optional).
    static func tokenizerConfig(_ folder: URL) -> [String: Any] {
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent("tokenizer_config.json").path),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
        return object
    }

    /// A special token as `tokenizer_config.json` writes it: a string or `{"content": …}`.
    static func tokenString(_ value: Any?) -> String? {
        if let s = value as? String { return s }
        if let d = value as? [String: Any] { return d["content"] as? String }
        return nil
    }

    /// The folder's chat template: `chat_template.jinja`, or `tokenizer_config.json`'s
    /// `chat_template` (a string, or a list of `{name, template}` of which `default` is used).
    static func chatTemplate(_ folder: URL, _ tokenizerConfig: [String: Any]) throws -> ChatTemplate? {
        var source: String?
        let jinja = folder.appendingPathComponent("chat_template.jinja")
        if let data = FileManager.default.contents(atPath: jinja.path) { source = String(decoding: data, as: UTF8.self) }
        if source == nil, let value = tokenizerConfig["chat_template"] {
            if let s = value as? String { source = s }
            else if let list = value as? [[String: Any]] {
                source = (list.first { $0["name"] as? String == "default" } ?? list.first)?["template"] as? String
            }
        }
        guard let source else { return nil }
        do { return try ChatTemplate(source) } catch {
            throw PretrainedError.tokenizer(file: "tokenizer_config.json", detail: "chat_template: \(error)")
        }
    }
}
