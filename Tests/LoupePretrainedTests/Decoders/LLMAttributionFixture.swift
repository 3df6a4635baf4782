import Foundation
import LoupeAttribution
import LoupeNN
import Testing
@testable import LoupePretrained

/// One next-token attribution computed by transformers + Captum in float64
/// (`benchmarks/fixtures/make_llm_attribution_fixtures.py`) and how to run the same with Loupe.
struct LLMAttributionCase: Decodable, Sendable {
    let name: String
    /// `gradient`, `input-x-gradient` or `integrated-gradients` (Loupe's method ids).
    let method: String
    let token: Int
    /// The contrast's foil (target = logit(token) − logit(foil)).
    let foil: Int?
    /// `logit` or `log-probability`.
    let output: String
    /// IG's baseline (`pad` or `zero`) and the positions that keep their own embedding in it.
    let baseline: String?
    let fixed_positions: [Int]?
    let steps: Int?
    /// Per-token sums over the embedding dimension, and (gradient) per-token L2 norms.
    let scores: [Double]
    let scores_l2: [Double]?
    let convergence_delta: Double?
    /// Captum in float32 against its own float64 result, relative to the largest |score|.
    let peer_float32_error: Double

    var target: OutputTarget {
        let t = OutputTarget.nextToken(token: token, position: nil)
        guard let foil else { return t }
        return .contrast(t, foil: .nextToken(token: foil, position: nil))
    }

    /// Loupe's attribution of `ids` under this case's method, target, output and baseline.
    func attribute(_ ids: [Int], model: DecoderLanguageModel) throws -> Attribution {
        let scale = try #require(AttributionOutput(rawValue: output), "output \(output)")
        let method: any AttributionMethod
        switch self.method {
        case "gradient": method = Saliency()
        case "input-x-gradient": method = InputXGradient()
        case "integrated-gradients":
            let baseline = try #require(baseline.flatMap(Baseline.init(rawValue:)), "baseline \(baseline ?? "none")")
            method = IntegratedGradients(rule: .gaussLegendre, stepCount: steps ?? 50, baseline: baseline)
        default: throw AttributionError.invalidParameter("fixture method \(self.method)")
        }
        return try method.attribute(ids, targets: [target], model: model, output: scale,
                                    fixedPositions: Set(fixed_positions ?? []))[0]
    }

    /// The scale errors are measured against: the largest |score|. GPT-2 reads the residual
    /// stream only through LayerNorms, which ignore a shift along (1, …, 1), so its signed
    /// gradient sums are 0 (Captum: ~1e-15); there the scale is the largest gradient norm.
    var scale: Double {
        let top = scores.map(Swift.abs).max() ?? 0
        if let l2 = scores_l2?.max(), top < 1e-6 * l2 { return l2 }
        return top
    }

    /// The largest |Loupe − Captum| over the scores (and L2 norms), relative to ``scale``.
    func relativeError(of a: Attribution) throws -> Double {
        try #require(a.scores.count == scores.count, "\(name): \(a.scores.count) scores for \(scores.count) tokens")
        var error = zip(a.scores, scores).map { Swift.abs($0 - $1) }.max() ?? 0
        if let expected = scores_l2 {
            let actual = try #require(a.scoresL2, "\(name): no L2 scores")
            error = Swift.max(error, zip(actual, expected).map { Swift.abs($0 - $1) }.max() ?? 0)
        }
        return error / scale
    }
}
