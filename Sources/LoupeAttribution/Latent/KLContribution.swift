import LoupeNN
import LoupeTensor

/// Per-token KL contribution of a text VAE: integrated gradients (Sundararajan, Taly & Yan,
/// "Axiomatic Attribution for Deep Networks", ICML 2017) of the sentence's KL term
/// `F(e) = KL(q(z|e) ‖ N(0, I))` with respect to the token embeddings `e`, from the baseline of
/// zero embeddings:
///
///     score_t = Σ_j e_tj · ∫₀¹ ∂F(α e)/∂e_tj dα
///
/// The embedding module's output is replaced through a scoped hook while the GRU reads the real
/// ids' lengths. The integral uses any ``IntegrationRule`` (default: 50 Gauss–Legendre nodes);
/// interpolation points are evaluated in batches of at most `internalBatchSize`. Scores satisfy
/// completeness, `Σ_t score_t ≈ KL(x) − KL(baseline)`; the gap is the convergence delta.
///
/// Because `KL = Σ_d KL_d`, integrated gradients is linear in the dimensions' terms: with
/// `perDimension` (the default) each term `KL_d` is attributed separately — one backward pass
/// per dimension from one forward pass per batch — giving a token × dimension matrix whose rows
/// sum to the per-token scores.
public struct KLContribution: Sendable {
    /// The quadrature rule for the path integral.
    public var rule: IntegrationRule
    /// Most interpolation points per forward/backward pass.
    public var internalBatchSize: Int
    /// Attribute each latent dimension's KL term separately.
    public var perDimension: Bool

    /// 50-point Gauss–Legendre, the reference setting.
    public static let defaultRule: IntegrationRule = {
        let (x, w) = IntegrationRule.gaussLegendreNodes(50)
        return IntegrationRule(name: IntegrationRule.Kind.gaussLegendre.rawValue, alphas: x.map { ($0 + 1) / 2 },
                               weights: w.map { $0 / 2 })
    }()

    public init(rule: IntegrationRule = KLContribution.defaultRule, internalBatchSize: Int = 64, perDimension: Bool = true) {
        self.rule = rule
        self.internalBatchSize = internalBatchSize
        self.perDimension = perDimension
    }

    /// A rule of `kind` with `stepCount` points.
    public init(kind: IntegrationRule.Kind, stepCount: Int, internalBatchSize: Int = 64, perDimension: Bool = true) throws {
        self.init(rule: try IntegrationRule.make(kind, stepCount: stepCount), internalBatchSize: internalBatchSize,
                  perDimension: perDimension)
    }

    public var parameters: [String: ParameterValue] {
        ["rule": .string(rule.name), "steps": .int(rule.stepCount), "baseline": .string(Baseline.zero.rawValue),
         "per_dimension": .bool(perDimension)]
    }

    /// Attributes an encoded text (keeping its text and token spans).
    public func attribute(_ text: EncodedText, model: TextVAE) throws -> KLAttribution {
        try attribute(text.ids, model: model).withText(text)
    }

    /// Attributes a sentence given as token ids (without [BOS]/[EOS]).
    /// - Throws: ``AttributionError/emptyInput`` for no tokens, `invalidParameter` for a batch size below 1.
    public func attribute(_ ids: [Int], model: TextVAE) throws -> KLAttribution {
        guard !ids.isEmpty else { throw AttributionError.emptyInput }
        guard internalBatchSize >= 1 else {
            throw AttributionError.invalidParameter("internal batch size must be ≥ 1 (got \(internalBatchSize))")
        }
        let (result, seconds) = try timed { try integrate(ids, model: model) }
        var r = result
        r.seconds = seconds
        return r
    }

    func integrate(_ ids: [Int], model: TextVAE) throws -> KLAttribution {
        let probe = KLProbe(model: model)
        let x = probe.embeddings(ids)                              // [1, T, E]; the baseline is zero
        let (t, e, z) = (ids.count, x.shape[2], model.latentDimension)
        let size = t * e
        let outputs = perDimension ? z : 1
        // Σ_i w_i ∂F_k/∂e at α_i e, per output k (a dimension's term, or the total), in Double.
        var accumulated = [[Double]](repeating: [Double](repeating: 0, count: size), count: outputs)
        var start = 0
        while start < rule.stepCount {
            let end = Swift.min(rule.stepCount, start + internalBatchSize)
            let count = end - start
            var points = [Float](repeating: 0, count: count * size)
            x.scalars.withUnsafeBufferPointer { xs in
                for (r, i) in (start..<end).enumerated() {
                    let alpha = Float(rule.alphas[i])
                    for j in 0..<size { points[r * size + j] = alpha * xs[j] }
                }
            }
            let input = Tensor(shape: [count, t, e], scalars: points).requiringGradient()
            let kl = probe.klPerDimension(ids, embeddings: input).kl       // [count, Z]
            for k in 0..<outputs {
                var seed = [Float](repeating: 0, count: count * z)
                for r in 0..<count {
                    if perDimension { seed[r * z + k] = 1 } else { for d in 0..<z { seed[r * z + d] = 1 } }
                }
                let g = try gradient(of: kl, withRespectTo: input, seed: Tensor(shape: [count, z], scalars: seed))
                g.scalars.withUnsafeBufferPointer { gs in
                    for (r, i) in (start..<end).enumerated() {
                        let w = rule.weights[i]
                        for j in 0..<size { accumulated[k][j] += w * Double(gs[r * size + j]) }
                    }
                }
            }
            start = end
        }
        // Attribution = e ⊙ averaged gradient, summed over the embedding axis per token.
        var perOutput = [[Double]](repeating: [Double](repeating: 0, count: t), count: outputs)   // [k][t]
        x.scalars.withUnsafeBufferPointer { xs in
            for k in 0..<outputs {
                for i in 0..<t {
                    var s = 0.0
                    for j in 0..<e { s += accumulated[k][i * e + j] * Double(xs[i * e + j]) }
                    perOutput[k][i] = s
                }
            }
        }
        let perToken = (0..<t).map { i in perOutput.reduce(0) { $0 + $1[i] } }
        let matrix: [[Double]]? = perDimension ? (0..<t).map { i in (0..<z).map { perOutput[$0][i] } } : nil

        let ends = withoutGradients { probe.klPerDimension(ids, embeddings: Tensor.concatenate([x, Tensor.zeros(x.shape)], alongAxis: 0)) }
        let klRows = rows(of: ends.kl).map { $0.map(Double.init) }
        let (klX, klBase) = (klRows[0], klRows[1])
        let total = klX.reduce(0, +), baseTotal = klBase.reduce(0, +)
        let delta = perToken.reduce(0, +) - (total - baseTotal)
        let deltas: [Double]? = perDimension
            ? (0..<z).map { d in perOutput[d].reduce(0, +) - (klX[d] - klBase[d]) } : nil
        let mu = Array(ends.mu.scalars[0..<z]).map(Double.init)
        let logVariance = Array(ends.logVariance.scalars[0..<z]).map(Double.init)
        return KLAttribution(method: "integrated-gradients", parameters: parameters, tokenIDs: ids, kl: total,
                             klPerDimension: klX, klOfBaseline: baseTotal, klOfBaselinePerDimension: klBase,
                             perToken: perToken, perTokenPerDimension: matrix, convergenceDelta: delta,
                             convergenceDeltaPerDimension: deltas, mu: mu, logVariance: logVariance)
    }
}
