import Foundation
import LoupeNN
import LoupeTensor

/// The kind of activation an activation-patching sweep restores, one grid each: the residual
/// stream entering a block, the attention sub-layer's output, or the feed-forward sub-layer's
/// output (the three panels of Meng et al.'s causal-tracing figure).
public enum PatchingSite: String, Codable, Sendable, CaseIterable {
    /// `blocks.N.hook_resid_pre`.
    case residual = "resid"
    /// `blocks.N.hook_attn_out`.
    case attention = "attn"
    /// `blocks.N.hook_mlp_out`.
    case mlp

    /// The activation site of this kind in block `layer`.
    public func siteName(layer: Int) -> ActivationSiteName {
        switch self {
        case .residual: return .residualPre(layer)
        case .attention: return .attentionOutput(layer)
        case .mlp: return .mlpOutput(layer)
        }
    }

    /// The TransformerLens hook this kind names (`hook_resid_pre`, …), for labels.
    public var hookName: String {
        switch self {
        case .residual: return "hook_resid_pre"
        case .attention: return "hook_attn_out"
        case .mlp: return "hook_mlp_out"
        }
    }
}

/// How the corrupted run differs from the clean one.
public enum PatchingCorruption: Sendable, Equatable {
    /// A different prompt of the same length (Heimersheim & Nanda's "clean vs corrupted" pair,
    /// e.g. "The Eiffel Tower is in" vs "The Colosseum is in").
    case prompt([Int])
    /// Gaussian noise on the clean prompt's token embeddings at some positions (Meng et al.'s
    /// causal tracing).
    case noise(EmbeddingNoise)
}

/// Gaussian noise added to the token embeddings (before position embeddings) of chosen positions
/// of the clean prompt: Meng et al., "Locating and Editing Factual Associations in GPT" (NeurIPS
/// 2022), §2.1, who corrupt the subject's tokens with noise of 3 × the standard deviation of the
/// embeddings and average the effect over several noise samples.
public struct EmbeddingNoise: Sendable, Equatable, Codable {
    /// The corrupted positions (0-based, in the clean prompt).
    public var positions: [Int]
    /// The noise's standard deviation; `nil`: ``defaultScale`` × the standard deviation of the
    /// token-embedding matrix's entries.
    public var standardDeviation: Float?
    /// Number of noise samples the metrics are averaged over (≥ 1).
    public var samples: Int
    /// Seed of the ``LoupeTensor/RandomGenerator`` the noise is drawn from.
    public var seed: UInt64

    /// ROME's multiple of the embeddings' standard deviation.
    public static let defaultScale: Float = 3

    public init(positions: [Int], standardDeviation: Float? = nil, samples: Int = 1, seed: UInt64 = 0) {
        self.positions = positions
        self.standardDeviation = standardDeviation
        self.samples = samples
        self.seed = seed
    }
}

/// The scalar whose recovery a patching sweep measures, read at the last position's next-token
/// distribution.
public enum PatchingMetric: Sendable, Equatable {
    /// `logit(target) − logit(foil)`, the metric Heimersheim & Nanda recommend ("How to use and
    /// interpret activation patching", 2024): linear in the residual stream, and it cancels what
    /// raises both tokens.
    case logitDifference(target: Int, foil: Int)
    /// The target's logit.
    case logit(target: Int)
    /// The target's softmax probability (Meng et al.'s measure).
    case probability(target: Int)
    /// The target's log-probability.
    case logProbability(target: Int)

    /// Every kind's name, as written in JSON and on the command line.
    public static let names = ["logit-difference", "logit", "probability", "log-probability"]

    /// The metric called `name` (one of ``names``) for `target` and `foil`.
    /// - Throws: ``ActivationPatchingError/invalidMetric(_:)`` for an unknown name, or the
    ///   logit difference without a foil.
    public init(name: String, target: Int, foil: Int?) throws {
        switch name {
        case "logit-difference":
            guard let foil else { throw ActivationPatchingError.invalidMetric("logit-difference needs a foil token") }
            self = .logitDifference(target: target, foil: foil)
        case "logit": self = .logit(target: target)
        case "probability": self = .probability(target: target)
        case "log-probability": self = .logProbability(target: target)
        default:
            throw ActivationPatchingError.invalidMetric("unknown metric '\(name)'; known: \(Self.names.joined(separator: ", "))")
        }
    }

    /// The kind's name (one of ``names``).
    public var name: String {
        switch self {
        case .logitDifference: return "logit-difference"
        case .logit: return "logit"
        case .probability: return "probability"
        case .logProbability: return "log-probability"
        }
    }

    /// The token whose score is measured.
    public var target: Int {
        switch self {
        case .logitDifference(let t, _), .logit(let t), .probability(let t), .logProbability(let t): return t
        }
    }

    /// The foil of a logit difference.
    public var foil: Int? {
        if case .logitDifference(_, let f) = self { return f }
        return nil
    }

    /// The metric of one next-token logit vector (`V` scores, computed in double precision).
    public func evaluate(_ logits: UnsafeBufferPointer<Float>) -> Double {
        switch self {
        case .logitDifference(let t, let f): return Double(logits[t]) - Double(logits[f])
        case .logit(let t): return Double(logits[t])
        case .probability(let t): return Foundation.exp(Double(logits[t]) - Self.logSumExp(logits))
        case .logProbability(let t): return Double(logits[t]) - Self.logSumExp(logits)
        }
    }

    static func logSumExp(_ x: UnsafeBufferPointer<Float>) -> Double {
        var m = -Double.infinity
        for v in x { m = Swift.max(m, Double(v)) }
        var s = 0.0
        for v in x { s += Foundation.exp(Double(v) - m) }
        return m + Foundation.log(s)
    }
}

/// One restoration inside a patched run: the clean value of `site` at `positions` (all when
/// `nil`), in columns `columns` (all when `nil`; one head's `hook_z` columns for head patching).
public struct ActivationPatch: Sendable, Hashable {
    public var site: ActivationSiteName
    public var positions: [Int]?
    public var columns: Range<Int>?

    public init(site: ActivationSiteName, positions: [Int]? = nil, columns: Range<Int>? = nil) {
        self.site = site
        self.positions = positions
        self.columns = columns
    }
}

/// Per-head patching of `blocks.N.attn.hook_z`: one head's columns at every position, or at one
/// position at a time.
public enum HeadPatchingMode: String, Codable, Sendable {
    case allPositions = "all-positions"
    case perPosition = "per-position"
}
