import Foundation
import LoupeNN
import LoupeTokenizers

/// Where a pretrained checkpoint came from.
public enum PretrainedFormat: String, Sendable {
    /// A Hugging Face folder: `config.json`, `model.safetensors` (or shards), a tokenizer.
    case huggingFace = "hugging-face"
    /// A GGUF file (llama.cpp), weights and tokenizer in one.
    case gguf
}

/// A pretrained checkpoint ready to run and explain: the model (a BERT-family classifier or
/// encoder, or a causal language model), its tokenizer, and, for chat models, the chat template.
///
/// ```swift
/// let loaded = try PretrainedModel.load(URL(fileURLWithPath: "SmolLM2-135M-Instruct.Q4_1.gguf"))
/// let prompt = try loaded.renderChat([ChatMessage(role: "user", content: "Hi!")])
/// let ids = loaded.tokenizer.encode(prompt, addSpecialTokens: false).map(\.id)
/// ```
public final class PretrainedModel {
    /// The folder or file loaded.
    public let source: URL
    public let format: PretrainedFormat
    /// The architecture as the checkpoint names it (`BertForSequenceClassification`,
    /// `LlamaForCausalLM`, or a GGUF's `general.architecture` such as `llama`).
    public let architecture: String
    /// The model: a classifier (``HFEncoderClassifier``), a bare encoder (``HFEncoder``) or a
    /// causal language model (``DecoderLanguageModel``).
    public let module: any Module
    /// The tokenizer, exact to Hugging Face `tokenizers`.
    public let tokenizer: PretrainedTokenizer
    /// The chat template, for models that have one.
    public let chatTemplate: ChatTemplate?
    /// The template's `bos_token` and `eos_token` strings.
    public let beginningOfSequenceToken: String?
    public let endOfSequenceToken: String?
    /// Ids that end generation.
    public let endOfSequenceIDs: Set<Int>
    /// How many tensors are stored in each format (`F32`, `F16`, `Q4_1`, …).
    public let storageCensus: [String: Int]
    /// Number of stored weights (elements of every tensor in the file, quantized ones included).
    public let storedParameterCount: Int
    /// Seconds the load took.
    public let loadSeconds: Double

    init(source: URL, format: PretrainedFormat, architecture: String, module: any Module,
         tokenizer: PretrainedTokenizer, chatTemplate: ChatTemplate?, beginningOfSequenceToken: String?,
         endOfSequenceToken: String?, endOfSequenceIDs: Set<Int>, storageCensus: [String: Int], storedParameterCount: Int, loadSeconds: Double) {
        self.source = source
        self.format = format
        self.architecture = architecture
        self.module = module
        self.tokenizer = tokenizer
        self.chatTemplate = chatTemplate
        self.beginningOfSequenceToken = beginningOfSequenceToken
        self.endOfSequenceToken = endOfSequenceToken
        self.endOfSequenceIDs = endOfSequenceIDs
        self.storageCensus = storageCensus
        self.storedParameterCount = storedParameterCount
        self.loadSeconds = loadSeconds
    }

    /// The model as a token model (what attribution works against), when it is one.
    public var tokenModel: (any TokenModel)? { module as? any TokenModel }
    /// The model as a text classifier, when it is one.
    public var classifier: (any TextClassifier)? { module as? any TextClassifier }
    /// The model as a causal language model, when it is one.
    public var languageModel: (any CausalLanguageModel)? { module as? any CausalLanguageModel }
    /// The bare encoder (hidden states, no head), when the checkpoint is one.
    public var encoder: HFEncoder? { module as? HFEncoder }

    /// The conversation rendered by the chat template, as transformers'
    /// `apply_chat_template(messages, tokenize=False, add_generation_prompt=...)`.
    /// - Throws: ``PretrainedError/tokenizer(file:detail:)`` when the model has no chat template,
    ///   or the template's own error (`raise_exception`, a bad role order).
    public func renderChat(_ messages: [ChatMessage], addGenerationPrompt: Bool = true) throws -> String {
        guard let chatTemplate else {
            throw PretrainedError.tokenizer(file: source.lastPathComponent, detail: "the model has no chat template")
        }
        return try chatTemplate.render(messages: messages, addGenerationPrompt: addGenerationPrompt,
                                       bosToken: beginningOfSequenceToken, eosToken: endOfSequenceToken)
    }

    /// True when `url` is a GGUF file or a Hugging Face folder (a `config.json` with
    /// `model_type` or `architectures`), as opposed to a checkpoint in Loupe's own layout.
    public static func isPretrained(_ url: URL) -> Bool {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else { return false }
        if !isFolder.boolValue { return GGUFFile.hasMagic(url) }
        guard let data = FileManager.default.contents(atPath: url.appendingPathComponent("config.json").path),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return false }
        return object["model_type"] != nil || object["architectures"] != nil
    }

    /// Loads a GGUF file or a Hugging Face folder.
    /// - Throws: ``PretrainedError`` naming the file and the key or tensor at fault.
    public static func load(_ url: URL) throws -> PretrainedModel {
        let start = Date()
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw PretrainedError.malformed(file: url.path, detail: "no such file or folder")
        }
        let loaded = isFolder.boolValue ? try loadHuggingFace(url, start: start) : try loadGGUF(url, start: start)
        return loaded
    }

    /// Only the tokenizer of a GGUF file or Hugging Face folder (no weights are read).
    public static func loadTokenizer(_ url: URL) throws -> PretrainedTokenizer {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw PretrainedError.malformed(file: url.path, detail: "no such file or folder")
        }
        if isFolder.boolValue { return try translated { try TokenizerLoader.load(folder: url) } }
        let file = try GGUFFile.open(url)
        return try translated { try PretrainedTokenizer(gguf: try GGUFTokenizerSpec(file)) }
    }
}

/// A tokenizer error as a ``PretrainedError`` (one error type for the loader's users).
func translated<R>(_ body: () throws -> R) throws -> R {
    do { return try body() } catch let error as TokenizerError {
        throw PretrainedError.tokenizer(file: error.file, detail: "\(error.key.isEmpty ? "" : error.key + ": ")\(error.reason)")
    }
}
