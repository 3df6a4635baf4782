import LoupeNN
import LoupeTensor

/// Averages another attribution method over Gaussian-noised copies of the token embeddings.
///
/// - **SmoothGrad** (Smilkov, Thorat, Kim, Viégas & Wattenberg, "SmoothGrad: removing noise by
///   adding noise", 2017): the mean of the wrapped method's scores over `sampleCount` noisy inputs
///   `x + ε`, `ε ~ N(0, σ²I)`.
/// - **SmoothGrad²** (the squared variant evaluated by Hooker, Erhan, Kindermans & Kim, "A Benchmark
///   for Interpretability Methods in Deep Neural Networks", 2019): the mean of the squared scores.
/// - **VarGrad** (Adebayo, Gilmer, Goodfellow & Kim, "Local Explanation Methods for Deep Neural
///   Networks Lack Sensitivity to Parameter Values", 2018): the variance of the scores,
///   `E[s²] − E[s]²` (population variance over the samples).
///
/// The noise is added to the embedding output through a scoped replace hook around the wrapped
/// method, so any method that reads the embeddings (gradient, input × gradient, integrated
/// gradients, layer methods, occlusion) sees the noisy input; baselines are not noised.
///
/// Aggregation is over Loupe's per-token scores (the attribution summed over the embedding
/// dimension). For SmoothGrad this equals Captum's element-wise mean followed by the sum (the sum
/// is linear); for the squared and variance forms it differs from Captum's element-wise
/// aggregation. `scoresL2` is the mean of the per-sample L2 norms (SmoothGrad only), and the
/// convergence delta is the mean of the wrapped method's deltas (SmoothGrad only; it is the
/// completeness gap of the averaged scores against the averaged end points).
///
/// σ defaults to 0.1 × (max − min) of the input's embeddings (``NoiseScale/relative(_:)``), the
/// low end of the 10–20 % the SmoothGrad paper recommends. Every input draws its noise from a fresh
/// generator seeded with `seed`, so results are reproducible and do not depend on which other
/// inputs share the batch.
public struct NoiseTunnel: AttributionMethod {
    public enum Kind: String, CaseIterable, Sendable {
        case smoothGrad = "smoothgrad"
        case smoothGradSquared = "smoothgrad-squared"
        case varGrad = "vargrad"
    }

    public var base: any AttributionMethod
    public var kind: Kind
    public var sampleCount: Int
    public var noise: NoiseScale
    public var seed: UInt64

    public init(_ base: any AttributionMethod, kind: Kind = .smoothGrad, sampleCount: Int = 20,
                noise: NoiseScale = .relative(0.1), seed: UInt64 = 0) {
        self.base = base
        self.kind = kind
        self.sampleCount = sampleCount
        self.noise = noise
        self.seed = seed
    }

    public var id: AttributionMethodID { AttributionMethodID(rawValue: kind.rawValue) }
    public var layer: AttributionLayer { base.layer }

    public var parameters: [String: ParameterValue] {
        var p: [String: ParameterValue] = ["base_method": .string(base.name), "samples": .int(sampleCount),
                                           "seed": .seed(seed)]
        p.merge(noise.parameters) { a, _ in a }
        for (k, v) in base.parameters { p["base." + k] = v }
        return p
    }

    public func validateSettings() throws {
        guard sampleCount >= 1 else { throw AttributionError.invalidParameter("samples must be ≥ 1 (got \(sampleCount))") }
        guard noise.isValid else { throw AttributionError.invalidParameter("noise level must be finite and ≥ 0") }
        try base.validateSettings()
    }

    public func scores(for inputs: [[Int]], in context: AttributionContext) throws -> [[TargetScores]] {
        try context.eachInput(inputs) { ids in
            let x = context.embeddingProbe.embeddings([ids])
            let sigma = noise.standardDeviation(for: x)
            var rng = RandomGenerator(seed: seed)
            var moments = [Moments](repeating: Moments(count: ids.count), count: context.targets.count)
            for _ in 0..<sampleCount {
                let offset = EmbeddingPerturbation.gaussian(like: x, sigma: sigma, using: &rng)
                let results = try EmbeddingPerturbation.withOffset(offset, model: context.model) {
                    try base.attribute([ids], targets: context.targets, model: context.model, output: context.output)[0]
                }
                for k in context.targets.indices { moments[k].add(results[k]) }
            }
            return moments.map { m in
                let n = Double(sampleCount)
                var s = TargetScores(scores: [], parameters: ["stdev": .double(sigma)])
                switch kind {
                case .smoothGrad:
                    s.scores = m.sum.map { $0 / n }
                    s.scoresL2 = m.hasL2 ? m.sumL2.map { $0 / n } : nil
                    s.convergenceDelta = m.deltaCount == sampleCount ? m.sumDelta / n : nil
                case .smoothGradSquared:
                    s.scores = m.sumSquares.map { $0 / n }
                case .varGrad:
                    s.scores = zip(m.sum, m.sumSquares).map { s, q in Swift.max(0, q / n - (s / n) * (s / n)) }
                }
                return s
            }
        }
    }

    /// Running sums over the samples for one target.
    struct Moments {
        var sum: [Double], sumSquares: [Double], sumL2: [Double]
        var hasL2 = true
        var sumDelta = 0.0
        var deltaCount = 0

        init(count: Int) {
            sum = Array(repeating: 0, count: count)
            sumSquares = sum
            sumL2 = sum
        }

        mutating func add(_ a: Attribution) {
            for i in sum.indices where i < a.scores.count {
                sum[i] += a.scores[i]
                sumSquares[i] += a.scores[i] * a.scores[i]
            }
            if let l2 = a.scoresL2 {
                for i in sumL2.indices where i < l2.count { sumL2[i] += l2[i] }
            } else {
                hasL2 = false
            }
            if let d = a.convergenceDelta {
                sumDelta += d
                deltaCount += 1
            }
        }
    }
}
