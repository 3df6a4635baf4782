import LoupeNN
import LoupeTensor

/// GradientSHAP: expected gradients over a baseline distribution (Lundberg & Lee, "A Unified
/// Approach to Interpreting Model Predictions", NeurIPS 2017, as realised by SHAP's
/// `GradientExplainer`; Erion et al., "Improving performance of deep learning models with
/// axiomatic attribution priors and expected gradients", 2021):
///
/// `φ = E_{x'~B, ε~N(0,σ²), α~U(0,1)} [ (x + ε − x') ⊙ ∂F(x' + α(x + ε − x'))/∂x ]`,
///
/// estimated with `sampleCount` draws. Each draw picks a baseline uniformly from `baselines`
/// ([PAD] embeddings and/or zero vectors), Gaussian noise on the input embeddings (σ from
/// ``NoiseScale``; default 0.1 × the input's embedding range — set `.absolute(0)` for Captum's and
/// SHAP's default of no noise) and α uniform in [0, 1). Per-token scores are summed over the
/// embedding dimension.
///
/// The convergence delta is reported as Captum does: `Σ φ − (F(x) − mean F(x'))`, with the noise-free
/// input and the mean over the baselines actually drawn. It is a Monte-Carlo estimate, so the delta
/// shrinks like 1/√samples rather than vanishing. Each input draws from a fresh generator seeded
/// with `seed`.
public struct GradientSHAP: AttributionMethod {
    public var sampleCount: Int
    public var baselines: [Baseline]
    public var noise: NoiseScale
    public var seed: UInt64
    /// Most sample rows evaluated in one forward/backward pass.
    public var internalBatchSize: Int

    public init(sampleCount: Int = 50, baselines: [Baseline] = [.pad, .zero], noise: NoiseScale = .relative(0.1),
                seed: UInt64 = 0, internalBatchSize: Int = 256) {
        self.sampleCount = sampleCount
        self.baselines = baselines
        self.noise = noise
        self.seed = seed
        self.internalBatchSize = internalBatchSize
    }

    public var id: AttributionMethodID { .gradientSHAP }

    public var parameters: [String: ParameterValue] {
        var p: [String: ParameterValue] = ["samples": .int(sampleCount), "seed": .seed(seed),
                                           "baselines": .string(baselines.map(\.rawValue).joined(separator: ","))]
        p.merge(noise.parameters) { a, _ in a }
        return p
    }

    public func validateSettings() throws {
        guard sampleCount >= 1, internalBatchSize >= 1 else {
            throw AttributionError.invalidParameter("samples and internal batch size must be ≥ 1")
        }
        guard !baselines.isEmpty else { throw AttributionError.invalidParameter("GradientSHAP needs at least one baseline") }
        guard noise.isValid else { throw AttributionError.invalidParameter("noise level must be finite and ≥ 0") }
    }

    public func scores(for inputs: [[Int]], in context: AttributionContext) throws -> [[TargetScores]] {
        try context.eachInput(inputs) { ids, features in try attributeOne(ids, fixed: features.fixed, context: context) }
    }

    /// One input; the positions `fixed` keep their embedding in every baseline and get no noise.
    func attributeOne(_ ids: [Int], fixed: Set<Int> = [], context: AttributionContext) throws -> [TargetScores] {
        let probe = context.embeddingProbe
        let targets = context.targets
        let x = probe.embeddings([ids])                                   // [1, T, E]
        let bases = try baselines.flatMap { try $0.embeddingSet(like: x, ids: ids, model: context.model, keeping: fixed) }
        let sigma = noise.standardDeviation(for: x)
        let (t, e) = (x.shape[1], x.shape[2])
        let size = t * e
        var rng = RandomGenerator(seed: seed)

        var attribution = [[Double]](repeating: [Double](repeating: 0, count: size), count: targets.count)
        var drawn = [Int](repeating: 0, count: bases.count)
        var done = 0
        while done < sampleCount {
            let count = Swift.min(internalBatchSize, sampleCount - done)
            var points = [Float](repeating: 0, count: count * size)
            var diffs = [Float](repeating: 0, count: count * size)
            for r in 0..<count {
                let which = bases.count == 1 ? 0 : rng.nextInt(below: bases.count)
                drawn[which] += 1
                let b = bases[which].scalars
                var eps = EmbeddingPerturbation.gaussian(like: x, sigma: sigma, using: &rng).scalars
                for p in fixed { for j in 0..<e { eps[p * e + j] = 0 } }
                let alpha = rng.nextUniform()
                for j in 0..<size {
                    let d = x.scalars[j] + eps[j] - b[j]
                    diffs[r * size + j] = d
                    points[r * size + j] = b[j] + alpha * d
                }
            }
            let grads = try probe.gradients(Array(repeating: ids, count: count),
                                            at: Tensor(shape: [count, t, e], scalars: points))
            for k in targets.indices {
                grads[k].scalars.withUnsafeBufferPointer { g in
                    for j in 0..<(count * size) { attribution[k][j % size] += Double(g[j]) * Double(diffs[j]) }
                }
            }
            done += count
        }

        let ends = try probe.values(Array(repeating: ids, count: 1 + bases.count),
                                    replacing: Tensor.concatenate([x] + bases, alongAxis: 0))   // [target][row]
        return targets.indices.map { k in
            let mean = attribution[k].map { Float($0 / Double(sampleCount)) }
            let (sum, l2) = SiteProbe.perToken(Tensor(shape: [1, t, e], scalars: mean), row: 0, length: t)
            var baselineValue = 0.0
            for (i, n) in drawn.enumerated() { baselineValue += Double(n) * ends[k][1 + i] }
            baselineValue /= Double(sampleCount)
            let delta = sum.reduce(0, +) - (ends[k][0] - baselineValue)
            return TargetScores(scores: sum, scoresL2: l2, convergenceDelta: delta, parameters: ["stdev": .double(sigma)],
                                outputOfInput: ends[k][0], outputOfBaseline: baselineValue)
        }
    }
}
