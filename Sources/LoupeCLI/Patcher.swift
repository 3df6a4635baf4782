import Foundation
import Loupe

/// Settings shared by every request of one `loupe patch` run.
struct PatchSettings {
    var chat: Bool
    var system: String?
    var sites: [PatchingSite]
    var heads: HeadPatchingMode?
    var window: Int
    var metric: String?
    var noisePositions: [Int]?
    var noiseText: String?
    var noiseSamples: Int
    var noiseScale: Float
    var seed: UInt64
}

/// One clean/corrupted pair (or clean prompt with noise) and its target, as texts.
struct PatchRequest: Decodable {
    var clean: String?
    var corrupt: String?
    var target: String?
    var foil: String?
}

/// Runs activation patching for requests given as text: tokenizes (through the chat template with
/// `chat`), resolves the target and foil tokens and the noise positions, sweeps, and builds the
/// `loupe.patching.v1` document. Every bad input is a usage ``CLIError`` naming it.
struct Patcher {
    let loaded: PretrainedModel
    let model: any ResidualStreamModel
    let settings: PatchSettings

    /// The rendered text and token ids of a prompt.
    func tokenize(_ text: String, which: String) throws -> (rendered: String, tokens: [EncodedToken]) {
        guard !text.isEmpty else { throw CLIError.usage("the \(which) prompt is empty") }
        let rendered: String
        let tokens: [EncodedToken]
        if settings.chat {
            var messages: [ChatMessage] = []
            if let system = settings.system { messages.append(ChatMessage(role: "system", content: system)) }
            messages.append(ChatMessage(role: "user", content: text))
            rendered = try loaded.renderChat(messages)
            tokens = loaded.tokenizer.encode(rendered, addSpecialTokens: false)
        } else {
            rendered = text
            tokens = loaded.tokenizer.encode(text, addSpecialTokens: true)
        }
        guard !tokens.isEmpty else { throw CLIError.usage("the \(which) prompt has no tokens") }
        return (rendered, tokens)
    }

    /// The first token of `text` encoded without special tokens.
    func token(_ text: String, option: String) throws -> PatchingDocument.Token {
        guard let first = loaded.tokenizer.encode(text, addSpecialTokens: false).first else {
            throw CLIError.usage("\(option) '\(text)' has no tokens")
        }
        return PatchingDocument.Token(id: first.id, text: loaded.tokenizer.decode([first.id], skipSpecialTokens: false))
    }

    /// The positions of the tokens overlapping the first occurrence of `needle` in `rendered`.
    static func positions(of needle: String, in rendered: String, tokens: [EncodedToken]) throws -> [Int] {
        let haystack = Array(rendered.unicodeScalars), pattern = Array(needle.unicodeScalars)
        guard !pattern.isEmpty, pattern.count <= haystack.count,
              let start = (0...(haystack.count - pattern.count)).first(where: { Array(haystack[$0..<($0 + pattern.count)]) == pattern })
        else { throw CLIError.usage("--noise-text '\(needle)' does not occur in the clean prompt") }
        let end = start + pattern.count
        let positions = tokens.indices.filter { i in
            guard let s = tokens[i].start, let e = tokens[i].end else { return false }
            return s < end && e > start
        }
        guard !positions.isEmpty else { throw CLIError.usage("--noise-text '\(needle)' covers no token of the clean prompt") }
        return positions
    }

    /// The document (and the clean prompt's token labels) of one request.
    func patch(_ request: PatchRequest) throws -> (PatchingDocument, [String]) {
        guard let cleanText = request.clean else { throw CLIError.usage("no clean prompt") }
        guard let targetText = request.target else { throw CLIError.usage("no target (--target or \"target\")") }
        let clean = try tokenize(cleanText, which: "clean")
        let cleanIDs = clean.tokens.map(\.id)
        let target = try token(targetText, option: "--target")
        let foil = try request.foil.map { try token($0, option: "--foil") }
        let metricName = settings.metric ?? (foil == nil ? "logit" : "logit-difference")
        let metric: PatchingMetric
        do { metric = try PatchingMetric(name: metricName, target: target.id, foil: foil?.id) } catch let e as ActivationPatchingError {
            throw CLIError.usage(e.description + (foil == nil ? " (give --foil)" : ""))
        }
        func prompt(_ text: String, _ rendered: String, _ ids: [Int]) -> PatchingDocument.Prompt {
            PatchingDocument.Prompt(text: text, rendered: rendered, tokens: ids.map {
                PatchingDocument.Token(id: $0, text: loaded.tokenizer.decode([$0], skipSpecialTokens: false))
            })
        }
        var corruptPrompt: PatchingDocument.Prompt?
        var noise: EmbeddingNoise?
        let corruption: PatchingCorruption
        if let corruptText = request.corrupt {
            let corrupt = try tokenize(corruptText, which: "corrupted")
            let ids = corrupt.tokens.map(\.id)
            guard ids.count == cleanIDs.count else {
                throw CLIError.usage("the clean prompt has \(cleanIDs.count) tokens and the corrupted prompt \(ids.count); "
                                     + "activation patching needs equal lengths")
            }
            corruptPrompt = prompt(corruptText, corrupt.rendered, ids)
            corruption = .prompt(ids)
        } else {
            let positions: [Int]
            if let text = settings.noiseText {
                positions = try Self.positions(of: text, in: clean.rendered, tokens: clean.tokens)
            } else if let given = settings.noisePositions {
                positions = given
            } else {
                throw CLIError.usage("no corruption: give \"corrupt\", --corrupt, --noise-positions or --noise-text")
            }
            let sd = ActivationPatching.embeddingStandardDeviation(of: model)
            noise = EmbeddingNoise(positions: positions, standardDeviation: settings.noiseScale * sd,
                                   samples: settings.noiseSamples, seed: settings.seed)
            corruption = .noise(noise!)
        }
        let result: ActivationPatchingResult
        let patching: ActivationPatching
        do {
            patching = try ActivationPatching(model: model, clean: cleanIDs, corruption: corruption, metric: metric)
            result = try patching.run(sites: settings.sites, heads: settings.heads, window: settings.window)
        } catch let e as ActivationPatchingError {
            throw CLIError.usage(e.description)
        }
        let document = PatchingDocument(
            model: PatchingDocument.Model(path: loaded.source.path, architecture: loaded.architecture, format: loaded.format.rawValue,
                                          layers: model.layerCount, heads: model.headCount),
            chat: settings.chat, clean: prompt(cleanText, clean.rendered, cleanIDs), corrupt: corruptPrompt, noise: noise,
            noiseStandardDeviation: patching.noiseStandardDeviation, target: target, foil: foil, result: result)
        return (document, PatchingDocument.tokenLabels(cleanIDs, tokenizer: loaded.tokenizer))
    }
}
