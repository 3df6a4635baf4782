import Foundation
import LoupeNN
import LoupeTokenizers

extension PretrainedModel {
    /// A GGUF language model: `llama` or `qwen2` weights, the tokenizer from `tokenizer.ggml.*`,
    /// the chat template from `tokenizer.chat_template`.
    static func loadGGUF(_ url: URL, start: Date) throws -> PretrainedModel {
        let file = try GGUFFile.open(url)
        let model = try DecoderLanguageModel(gguf: file)
        let spec = try GGUFTokenizerSpec(file)
        let tokenizer = try translated { try PretrainedTokenizer(gguf: spec) }
        var template: ChatTemplate?
        if let source = try file.stringIfPresent("tokenizer.chat_template") {
            do { template = try ChatTemplate(source) } catch {
                throw PretrainedError.tokenizer(file: url.lastPathComponent, detail: "tokenizer.chat_template: \(error)")
            }
        }
        func token(_ id: Int?) -> String? { id.flatMap { spec.tokens.indices.contains($0) ? spec.tokens[$0] : nil } }
        var endOfSequence = Set(model.configuration.endOfSequenceIDs)
        if let eos = spec.eosTokenID { endOfSequence.insert(eos) }
        if let eot = try file.integerIfPresent("tokenizer.ggml.eot_token_id") { endOfSequence.insert(eot) }
        let architecture = try file.architecture
        let census = Dictionary(grouping: file.tensorInfos, by: { $0.type.rawValue }).mapValues(\.count)
        return PretrainedModel(source: url, format: .gguf, architecture: architecture, module: model,
                               tokenizer: tokenizer, chatTemplate: template,
                               beginningOfSequenceToken: token(spec.bosTokenID), endOfSequenceToken: token(spec.eosTokenID),
                               endOfSequenceIDs: endOfSequence, storageCensus: census,
                               storedParameterCount: file.tensorInfos.reduce(0) { $0 + $1.elementCount },
                               loadSeconds: Date().timeIntervalSince(start))
    }
}

extension GGUFTokenizerSpec {
    /// The tokenizer values of a GGUF file's metadata (`tokenizer.ggml.*`).
    /// - Throws: ``PretrainedError`` naming the file and key when one is missing or mistyped.
    public init(_ file: GGUFFile) throws {
        let p = "tokenizer.ggml."
        self.init(model: try file.string(p + "model"),
                  pre: try file.stringIfPresent(p + "pre"),
                  tokens: try file.stringArray(p + "tokens"),
                  tokenTypes: try file.integerArrayIfPresent(p + "token_type"),
                  merges: try file.stringArrayIfPresent(p + "merges"),
                  scores: try file.floatArrayIfPresent(p + "scores")?.map { Float($0) },
                  bosTokenID: try file.integerIfPresent(p + "bos_token_id"),
                  eosTokenID: try file.integerIfPresent(p + "eos_token_id"),
                  unknownTokenID: try file.integerIfPresent(p + "unknown_token_id"),
                  paddingTokenID: try file.integerIfPresent(p + "padding_token_id"),
                  addBOSToken: try file.boolIfPresent(p + "add_bos_token"),
                  addEOSToken: try file.boolIfPresent(p + "add_eos_token"))
    }
}

extension GGUFFile: GGUFMetadataReading {
    public func arrayCountIfPresent(_ key: String) throws -> Int? { try arrayIfPresent(key)?.count }

    /// True when `url` is a readable file that starts with the GGUF magic `GGUF`.
    public static func hasMagic(_ url: URL) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return false }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 4)) == Data("GGUF".utf8)
    }
}
