import Foundation
import Loupe

/// The work of one `loupe lens` prompt, shared by the single-prompt and the stdin batch modes:
/// tokenise (raw or through the chat template), resolve the target and foil texts to their first
/// token, run the logit lens, direct logit attribution (with a target) and attention summaries.
struct LensRunner {
    var loaded: PretrainedModel
    var model: any ResidualStreamModel
    var chat: Bool
    var system: String?
    var topK: Int
    /// Lens layers (`nil`: all).
    var layers: [Int]?
    /// Blocks whose attention heads are summarised.
    var attentionLayers: [Int] = []
    /// Read only this many positions at the end of the prompt (`nil`: all) — what the terminal table shows.
    var lastPositions: Int?

    init(loaded: PretrainedModel, model: String, chat: Bool, system: String?, topK: Int, layers: [Int]?) throws {
        guard let lm = loaded.module as? any ResidualStreamModel else {
            throw CLIError.usage("--model \(model): a '\(loaded.architecture)' model is not a causal language model "
                                 + "with a residual stream (GPT-2, LLaMA, Qwen2)")
        }
        if let layers, let bad = layers.first(where: { $0 > lm.layerCount }) {
            throw CLIError.usage("--layers: lens layer \(bad) is outside 0-\(lm.layerCount) "
                                 + "(0 = embeddings, \(lm.layerCount) = the last block's output)")
        }
        self.loaded = loaded
        self.model = lm
        self.chat = chat
        self.system = system
        self.topK = topK
        self.layers = layers
    }

    /// The rendered prompt and its ids.
    func tokenize(_ text: String) throws -> (rendered: String, ids: [Int]) {
        guard !text.isEmpty else { throw CLIError.usage("empty prompt: give the text to look into") }
        let rendered: String
        let ids: [Int]
        if chat {
            var messages: [ChatMessage] = []
            if let system { messages.append(ChatMessage(role: "system", content: system)) }
            messages.append(ChatMessage(role: "user", content: text))
            rendered = try loaded.renderChat(messages)
            ids = loaded.tokenizer.encode(rendered, addSpecialTokens: false).map(\.id)
        } else {
            rendered = text
            ids = loaded.tokenizer.encode(text, addSpecialTokens: true).map(\.id)
        }
        guard !ids.isEmpty else { throw CLIError.usage("the prompt has no tokens") }
        if let limit = model.maximumSequenceLength, ids.count > limit {
            throw CLIError.usage("the prompt has \(ids.count) tokens; the model accepts at most \(limit)")
        }
        return (rendered, ids)
    }

    /// The first token of `text` tokenised without special tokens.
    func firstToken(of text: String, option: String) throws -> Int {
        guard let first = loaded.tokenizer.encode(text, addSpecialTokens: false).first else {
            throw CLIError.usage("\(option) '\(text)': the text has no tokens")
        }
        return first.id
    }

    /// The `loupe.lens.v1` document of one prompt.
    func run(prompt: String, targetText: String?, foilText: String?, loadSeconds: Double?) throws -> LensDocument {
        if foilText != nil && targetText == nil { throw CLIError.usage("a foil needs a target (--target-text)") }
        let (rendered, ids) = try tokenize(prompt)
        let target = try targetText.map { try firstToken(of: $0, option: "--target-text") }
        let foil = try foilText.map { try firstToken(of: $0, option: "--foil-text") }
        var clock = Date()
        let positions = lastPositions.map { Array(max(0, ids.count - $0)..<ids.count) }
        let lens = try LogitLens(topK: topK, layers: layers, positions: positions)
            .run(model, tokenIDs: ids, target: target, foil: foil)
        let lensSeconds = Date().timeIntervalSince(clock)
        var dla: DirectLogitAttributionResult?
        var dlaSeconds: Double?
        if let target {
            clock = Date()
            dla = try DirectLogitAttribution(perHead: true).run(model, tokenIDs: ids, target: target, foil: foil)
            dlaSeconds = Date().timeIntervalSince(clock)
        }
        var attention: [AttentionSummary]?
        var attentionSeconds: Double?
        if !attentionLayers.isEmpty {
            clock = Date()
            attention = try AttentionSummary.run(model, tokenIDs: ids, layers: attentionLayers)
            attentionSeconds = Date().timeIntervalSince(clock)
        }
        return LensDocument(loaded, prompt: prompt, chat: chat, system: system, renderedPrompt: rendered, lens: lens,
                            topK: topK, targetText: targetText, foilText: foilText, directLogitAttribution: dla,
                            attention: attention,
                            timings: .init(loadSeconds: loadSeconds, lensSeconds: lensSeconds,
                                           directLogitAttributionSeconds: dlaSeconds, attentionSeconds: attentionSeconds))
    }
}
