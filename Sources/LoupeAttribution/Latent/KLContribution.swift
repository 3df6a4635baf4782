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
    /// - Throws: ``AttributionError/emptyInput`` for no tokens, `invalidInput` for ids outside the
    ///   vocabulary, `invalidParameter` for a batch size below 1.
    public func attribute(_ ids: [Int], model: TextVAE) throws -> KLAttribution {
        try model.validateInput([ids])
        guard internalBatchSize >= 1 else {
            throw AttributionError.invalidParameter("internal batch size must be ≥ 1 (got \(internalBatchSize))")
        }
        let (result, seconds) = try timed { try integrate(ids, model: model) }
        var r = result
        r.seconds = seconds
        return r
    }

    /// Integrated gradients of each dimension's KL term (or of the total) along the path from zero
    /// embeddings to the sentence's, through the shared path integral.
    func integrate(_ ids: [Int], model: TextVAE) throws -> KLAttribution {
        let z = model.latentDimension
        let dimensions = AttributionContext(model: model, targets: (0..<z).map { .klDimension($0) }, output: .logit)
        let context = perDimension ? dimensions : dimensions.with(targets: [.klToPrior])
        let probe = context.embeddingProbe
        let x = probe.embeddings([ids])                              // [1, T, E]; the baseline is zero
        let integrals = try integratePath(ids, probe: probe, rule: rule, from: Tensor.zeros(x.shape), to: x,
                                          chunkSize: internalBatchSize)
        let t = ids.count
        let perToken = (0..<t).map { i in integrals.reduce(0) { $0 + $1.scores[i] } }
        let matrix: [[Double]]? = perDimension ? (0..<t).map { i in integrals.map { $0.scores[i] } } : nil

        let ends = try dimensions.embeddingProbe.values([ids, ids], replacing: Tensor.concatenate([x, Tensor.zeros(x.shape)], alongAxis: 0))
        let klX = ends.map { $0[0] }, klBase = ends.map { $0[1] }
        let total = klX.reduce(0, +), baseTotal = klBase.reduce(0, +)
        let delta = perToken.reduce(0, +) - (total - baseTotal)
        let deltas: [Double]? = perDimension ? integrals.map(\.delta) : nil
        let (mu, logVariance) = try model.posteriorRows(of: [ids])
        return KLAttribution(method: "integrated-gradients", parameters: parameters, tokenIDs: ids, kl: total,
                             klPerDimension: klX, klOfBaseline: baseTotal, klOfBaselinePerDimension: klBase,
                             perToken: perToken, perTokenPerDimension: matrix, convergenceDelta: delta,
                             convergenceDeltaPerDimension: deltas, mu: mu[0].map(Double.init),
                             logVariance: logVariance[0].map(Double.init))
    }
}
