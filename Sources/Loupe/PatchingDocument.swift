import Foundation
import LoupeAttribution
import LoupePretrained

/// An activation-patching run in the `loupe.patching.v1` JSON format (docs/language-models.md,
/// schema docs/schemas/loupe.patching.v1.json): the prompts (or the noise), the target and foil,
/// the metric on the clean and corrupted runs, one grid of patched metrics and recoveries per site
/// kind (layers × positions), the per-head grid when run, and timings.
public struct PatchingDocument: SchemaDocument, Equatable, Sendable {
    public static let schemaName = "loupe.patching.v1"

    public var schema: String = PatchingDocument.schemaName
    public var model: Model
    /// True when both prompts went through the chat template.
    public var chat: Bool
    public var clean: Prompt
    /// The corrupted prompt (absent for noise corruption).
    public var corrupt: Prompt?
    /// The embedding noise (absent for a corrupted prompt).
    public var noise: Noise?
    public var target: Token
    public var foil: Token?
    /// `logit-difference`, `logit`, `probability` or `log-probability`, read at the last position.
    public var metric: String
    public var cleanMetric: Double
    public var corruptMetric: Double
    public var grids: [Grid]
    public var heads: HeadGrid?
    /// Seconds: `clean_and_corrupt`, then per grid (`resid`, `attn`, `mlp`, `heads`).
    public var timings: [String: Double]

    enum CodingKeys: String, CodingKey {
        case schema, model, chat, clean, corrupt, noise, target, foil, metric, grids, heads, timings
        case cleanMetric = "clean_metric", corruptMetric = "corrupt_metric"
    }

    public struct Model: Codable, Equatable, Sendable {
        public var path: String
        public var architecture: String
        public var format: String
        public var layers: Int
        public var heads: Int

        public init(path: String, architecture: String, format: String, layers: Int, heads: Int) {
            self.path = path
            self.architecture = architecture
            self.format = format
            self.layers = layers
            self.heads = heads
        }
    }

    public struct Token: Codable, Equatable, Sendable {
        public var id: Int
        public var text: String

        public init(id: Int, text: String) {
            self.id = id
            self.text = text
        }
    }

    public struct Prompt: Codable, Equatable, Sendable {
        /// The prompt as given.
        public var text: String
        /// The text the tokenizer read (the rendered chat template with `chat`).
        public var rendered: String
        public var tokens: [Token]

        public init(text: String, rendered: String, tokens: [Token]) {
            self.text = text
            self.rendered = rendered
            self.tokens = tokens
        }
    }

    public struct Noise: Codable, Equatable, Sendable {
        public var positions: [Int]
        public var standardDeviation: Double
        public var samples: Int
        public var seed: UInt64

        enum CodingKeys: String, CodingKey { case positions, samples, seed, standardDeviation = "standard_deviation" }
    }

    public struct Grid: Codable, Equatable, Sendable {
        /// `resid`, `attn` or `mlp`.
        public var site: String
        /// The TransformerLens hook (`hook_resid_pre`, `hook_attn_out`, `hook_mlp_out`).
        public var hook: String
        public var window: Int
        public var layers: Int
        public var positions: Int
        /// `[layer][position]`.
        public var metrics: [[Double]]
        /// `[layer][position]`: `(M_patched − M_corrupt) / (M_clean − M_corrupt)`.
        public var recoveries: [[Double]]
    }

    public struct HeadGrid: Codable, Equatable, Sendable {
        /// `all-positions` or `per-position`.
        public var mode: String
        public var layers: Int
        public var heads: Int
        /// Positions per head (1 for `all-positions`).
        public var positions: Int
        /// `[layer][head · positions + position]`.
        public var metrics: [[Double]]
        public var recoveries: [[Double]]
    }

    /// The document of `result`, measured on `model` for the prompt(s) and target(s) given.
    public init(model: Model, chat: Bool, clean: Prompt, corrupt: Prompt?, noise: EmbeddingNoise?,
                noiseStandardDeviation: Float?, target: Token, foil: Token?, result: ActivationPatchingResult) {
        self.model = model
        self.chat = chat
        self.clean = clean
        self.corrupt = corrupt
        self.noise = noise.map {
            Noise(positions: $0.positions, standardDeviation: Double(noiseStandardDeviation ?? $0.standardDeviation ?? 0),
                  samples: $0.samples, seed: $0.seed)
        }
        self.target = target
        self.foil = foil
        metric = result.metric.name
        cleanMetric = result.cleanMetric
        corruptMetric = result.corruptedMetric
        grids = result.grids.map {
            Grid(site: $0.site.rawValue, hook: $0.site.hookName, window: $0.window, layers: $0.layerCount,
                 positions: $0.positionCount, metrics: $0.metrics, recoveries: $0.recoveries)
        }
        heads = result.heads.map {
            HeadGrid(mode: $0.mode.rawValue, layers: $0.metrics.count, heads: $0.headCount, positions: $0.positionCount,
                     metrics: $0.metrics, recoveries: $0.recoveries)
        }
        timings = result.timings
    }

    /// The grid of site kind `site` (`resid`, `attn`, `mlp`).
    public func grid(_ site: String) -> Grid? { grids.first { $0.site == site } }
}
