import Foundation
import LoupePretrained

/// A generation run in the `loupe.generation.v1` JSON format (docs/language-models.md): the
/// prompt's tokens and every generated token with its logit, probability and the top-5
/// alternatives; with `--explain`, the attribution of every answer token (``Explanation``).
public struct GenerationDocument: SchemaDocument, Equatable, Sendable {
    public static let schemaName = "loupe.generation.v1"

    public var schema: String = GenerationDocument.schemaName
    public var model: Model
    public var prompt: Prompt
    public var generated: [GeneratedToken]
    /// The generated text (special tokens left out).
    public var text: String
    /// `"end-of-sequence"`, `"max-new-tokens"`, `"context-full"`, or `"forced"` for a target text.
    public var stopReason: String
    /// The attributions, when the run explained its answer.
    public var explanation: Explanation?

    enum CodingKeys: String, CodingKey { case schema, model, prompt, generated, text, explanation, stopReason = "stop_reason" }

    public struct Model: Codable, Equatable, Sendable {
        public var path: String
        public var architecture: String
        public var format: String
    }

    public struct Prompt: Codable, Equatable, Sendable {
        /// The prompt as given.
        public var text: String
        /// True when the prompt went through the chat template.
        public var chat: Bool
        /// The text the tokenizer read (the rendered chat template with `chat`).
        public var rendered: String
        /// Where the user's text lies in `rendered` (Unicode scalars), with `--explain`.
        public var userStart: Int?
        public var userEnd: Int?
        public var tokens: [PromptToken]

        enum CodingKeys: String, CodingKey { case text, chat, rendered, tokens, userStart = "user_start", userEnd = "user_end" }
    }

    public struct PromptToken: Codable, Equatable, Sendable {
        public var id: Int
        public var text: String
        /// Span in the rendered prompt (Unicode scalars), with `--explain`.
        public var start: Int?
        public var end: Int?
        /// True for special tokens, with `--explain`.
        public var special: Bool?
        /// False for tokens held fixed (the chat template), with `--explain`.
        public var attributed: Bool?
    }

    public struct Alternative: Codable, Equatable, Sendable {
        public var id: Int
        public var text: String
        public var logit: Double
        public var probability: Double
    }

    public struct GeneratedToken: Codable, Equatable, Sendable {
        public var id: Int
        public var text: String
        public var logit: Double
        public var probability: Double
        /// The five highest-scoring tokens at this step, best first (the chosen one included).
        public var top: [Alternative]
    }

    /// The document of one generation run of `loaded`.
    public init(_ loaded: PretrainedModel, prompt: String, chat: Bool, renderedPrompt: String, promptIDs: [Int],
                generation: Generation) {
        let tokenizer = loaded.tokenizer
        func text(_ id: Int) -> String { tokenizer.decode([id], skipSpecialTokens: false) }
        model = Model(path: loaded.source.path, architecture: loaded.architecture, format: loaded.format.rawValue)
        self.prompt = Prompt(text: prompt, chat: chat, rendered: renderedPrompt,
                             tokens: promptIDs.map { PromptToken(id: $0, text: text($0)) })
        generated = generation.tokens.map { t in
            GeneratedToken(id: t.id, text: text(t.id), logit: Double(t.logit), probability: Double(t.probability),
                           top: t.alternatives.map { Alternative(id: $0.id, text: text($0.id), logit: Double($0.logit),
                                                                 probability: Double($0.probability)) })
        }
        self.text = tokenizer.decode(generation.ids, skipSpecialTokens: true)
        switch generation.stop {
        case .endOfSequence: stopReason = "end-of-sequence"
        case .length: stopReason = "max-new-tokens"
        case .contextFull: stopReason = "context-full"
        }
    }
}
