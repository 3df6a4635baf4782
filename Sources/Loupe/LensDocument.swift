import Foundation
import LoupeAttribution
import LoupePretrained

/// A logit-lens run in the `loupe.lens.v1` JSON format (docs/language-models.md): the prompt's
/// tokens, per lens layer × position the top tokens with their probabilities and the target's
/// (and foil's) probability and rank, the direct logit attribution table, optional attention
/// head summaries, and timings. Keys are snake_case.
public struct LensDocument: SchemaDocument, Equatable, Sendable {
    public static let schemaName = "loupe.lens.v1"

    public var schema: String = LensDocument.schemaName
    public var model: Model
    public var prompt: Prompt
    /// The target token (the first token of the target text), if one was given.
    public var target: Token?
    public var foil: Token?
    public var topK: Int
    /// The number of blocks; lens layer 0 is the embeddings, lens layer `i` the output of block `i − 1`.
    public var blockCount: Int
    /// The positions read, in the order of every layer's cells.
    public var positions: [Int]
    public var layers: [Layer]
    public var directLogitAttribution: DirectLogitAttributionTable?
    public var attention: [AttentionLayer]?
    public var timings: Timings

    enum CodingKeys: String, CodingKey {
        case schema, model, prompt, target, foil, topK = "top_k", blockCount = "block_count", positions, layers
        case directLogitAttribution = "direct_logit_attribution", attention, timings
    }

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
        /// The system message, with `chat`.
        public var system: String?
        /// The text the tokenizer read.
        public var rendered: String
        public var tokens: [Token]
    }

    /// A token: its id and decoded text.
    public struct Token: Codable, Equatable, Sendable {
        public var id: Int
        public var text: String
        /// For a target or foil: the text it was given as (its first token is the one used).
        public var source: String?

        public init(id: Int, text: String, source: String? = nil) {
            self.id = id
            self.text = text
            self.source = source
        }
    }

    public struct Alternative: Codable, Equatable, Sendable {
        public var id: Int
        public var text: String
        public var probability: Double
        public var logit: Double
    }

    /// What the target (or foil) scores in one cell.
    public struct Reading: Codable, Equatable, Sendable {
        public var probability: Double
        public var logProbability: Double
        public var logit: Double
        /// 1 = the most probable token.
        public var rank: Int

        enum CodingKeys: String, CodingKey { case probability, logProbability = "log_probability", logit, rank }
    }

    public struct Cell: Codable, Equatable, Sendable {
        public var position: Int
        /// The most probable next tokens, best first.
        public var top: [Alternative]
        /// Entropy of the lens distribution, nats.
        public var entropy: Double
        public var target: Reading?
        public var foil: Reading?
    }

    public struct Layer: Codable, Equatable, Sendable {
        /// 0 = the embeddings, `i` = the output of block `i − 1`.
        public var layer: Int
        /// The site read (`blocks.0.hook_resid_pre`, `blocks.3.hook_resid_post`).
        public var site: String
        public var cells: [Cell]
    }

    public struct Component: Codable, Equatable, Sendable {
        public var name: String
        public var kind: String
        public var layer: Int?
        public var contribution: Double
    }

    public struct HeadRow: Codable, Equatable, Sendable {
        public var layer: Int
        public var heads: [Double]
        public var bias: Double
    }

    /// The direct logit attribution at one position (``DirectLogitAttribution``).
    public struct DirectLogitAttributionTable: Codable, Equatable, Sendable {
        public var position: Int
        /// The logit of the target at `position` (minus the foil's).
        public var logit: Double
        public var components: [Component]
        public var heads: [HeadRow]?
        /// `logit − Σ contributions`: the final LayerNorm's bias through the unembedding (0 for RMSNorm).
        public var remainder: Double
    }

    public struct HeadSummary: Codable, Equatable, Sendable {
        public var head: Int
        public var entropy: Double
        public var previousTokenScore: Double?
        public var firstTokenScore: Double?
        /// `[query][key]`.
        public var pattern: [[Double]]

        enum CodingKeys: String, CodingKey {
            case head, entropy, previousTokenScore = "previous_token_score", firstTokenScore = "first_token_score", pattern
        }
    }

    public struct AttentionLayer: Codable, Equatable, Sendable {
        public var layer: Int
        public var heads: [HeadSummary]
    }

    public struct Timings: Codable, Equatable, Sendable {
        public var loadSeconds: Double?
        public var lensSeconds: Double
        public var directLogitAttributionSeconds: Double?
        public var attentionSeconds: Double?

        public init(loadSeconds: Double? = nil, lensSeconds: Double, directLogitAttributionSeconds: Double? = nil,
                    attentionSeconds: Double? = nil) {
            self.loadSeconds = loadSeconds
            self.lensSeconds = lensSeconds
            self.directLogitAttributionSeconds = directLogitAttributionSeconds
            self.attentionSeconds = attentionSeconds
        }

        enum CodingKeys: String, CodingKey {
            case loadSeconds = "load_seconds", lensSeconds = "lens_seconds"
            case directLogitAttributionSeconds = "direct_logit_attribution_seconds", attentionSeconds = "attention_seconds"
        }
    }

    /// The document of a lens run of `loaded`.
    /// - Parameters:
    ///   - prompt, chat, system, renderedPrompt: what the user gave and what the tokenizer read.
    ///   - targetText, foilText: the texts the target and foil came from.
    public init(_ loaded: PretrainedModel, prompt: String, chat: Bool, system: String? = nil, renderedPrompt: String,
                lens: LogitLensResult, topK: Int, targetText: String? = nil, foilText: String? = nil,
                directLogitAttribution dla: DirectLogitAttributionResult? = nil,
                attention: [AttentionSummary]? = nil, timings: Timings) {
        let tokenizer = loaded.tokenizer
        func text(_ id: Int) -> String { tokenizer.decode([id], skipSpecialTokens: false) }
        model = Model(path: loaded.source.path, architecture: loaded.architecture, format: loaded.format.rawValue)
        // Prompt tokens that are byte pieces of a character read as that character (their span).
        let encoded = tokenizer.encode(renderedPrompt, addSpecialTokens: !chat)
        let scalars = Array(renderedPrompt.unicodeScalars)
        let spanned = encoded.map(\.id) == lens.tokenIDs
        self.prompt = Prompt(text: prompt, chat: chat, system: system, rendered: renderedPrompt,
                             tokens: lens.tokenIDs.enumerated().map { i, id in
                                 let decoded = text(id)
                                 guard spanned, decoded.unicodeScalars.contains("\u{FFFD}"), let s = encoded[i].start,
                                       let e = encoded[i].end, s < e, e <= scalars.count else { return Token(id: id, text: decoded) }
                                 var view = String.UnicodeScalarView()
                                 view.append(contentsOf: scalars[s..<e])
                                 return Token(id: id, text: String(view))
                             })
        target = lens.target.map { Token(id: $0, text: text($0), source: targetText) }
        foil = lens.foil.map { Token(id: $0, text: text($0), source: foilText) }
        self.topK = topK
        blockCount = lens.blockCount
        positions = lens.positions
        func reading(_ r: TokenReading?) -> Reading? {
            r.map { Reading(probability: $0.probability, logProbability: $0.logProbability, logit: $0.logit, rank: $0.rank) }
        }
        layers = lens.layers.map { row in
            Layer(layer: row.layer, site: row.site, cells: row.cells.map { cell in
                Cell(position: cell.position,
                     top: cell.top.map { Alternative(id: $0.id, text: text($0.id), probability: $0.probability, logit: $0.logit) },
                     entropy: cell.entropy, target: reading(cell.target), foil: reading(cell.foil))
            })
        }
        directLogitAttribution = dla.map { d in
            DirectLogitAttributionTable(
                position: d.position, logit: d.logit,
                components: d.components.map { Component(name: $0.name, kind: $0.kind.rawValue, layer: $0.layer,
                                                         contribution: $0.contribution) },
                heads: d.heads?.map { HeadRow(layer: $0.layer, heads: $0.heads, bias: $0.bias) }, remainder: d.remainder)
        }
        self.attention = attention.map { summaries in
            summaries.map { s in
                AttentionLayer(layer: s.layer, heads: s.heads.map {
                    HeadSummary(head: $0.head, entropy: $0.entropy, previousTokenScore: $0.previousTokenScore,
                                firstTokenScore: $0.firstTokenScore, pattern: $0.pattern)
                })
            }
        }
        self.timings = timings
    }

    /// The cell of lens layer `layer` at `position`.
    public func cell(layer: Int, position: Int) -> Cell? {
        layers.first { $0.layer == layer }?.cells.first { $0.position == position }
    }
}
