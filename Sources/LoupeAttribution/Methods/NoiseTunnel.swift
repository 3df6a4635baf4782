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

    public var name: String { kind.rawValue }

    public var parameters: [String: ParameterValue] {
        var p: [String: ParameterValue] = ["base_method": .string(base.name), "samples": .int(sampleCount),
                                           "seed": .seed(seed)]
        p.merge(noise.parameters) { a, _ in a }
        for (k, v) in base.parameters { p["base." + k] = v }
        return p
    }

    public func attribute(_ inputs: [[Int]], targets: [Int], model: AttributableModel,
                          output: AttributionOutput) throws -> [[Attribution]] {
        guard !inputs.isEmpty, inputs.allSatisfy({ !$0.isEmpty }) else { throw AttributionError.emptyInput }
        guard sampleCount >= 1 else { throw AttributionError.invalidParameter("samples must be ≥ 1 (got \(sampleCount))") }
        guard noise.isValid else { throw AttributionError.invalidParameter("noise level must be finite and ≥ 0") }
        return try inputs.map { try attributeOne($0, targets: targets, model: model, output: output) }
    }

    func attributeOne(_ ids: [Int], targets: [Int], model: AttributableModel,
                      output: AttributionOutput) throws -> [Attribution] {
        let probe = EmbeddingProbe(model: model, output: output)
        let ((sums, template), seconds) = try timed { () throws -> ([Moments], [Attribution]) in
            let x = probe.embeddings([ids])
            let sigma = noise.standardDeviation(for: x)
            var rng = RandomGenerator(seed: seed)
            var moments = [Moments](repeating: Moments(count: ids.count), count: targets.count)
            var template: [Attribution] = []
            for _ in 0..<sampleCount {
                let offset = EmbeddingPerturbation.gaussian(like: x, sigma: sigma, using: &rng)
                let results = try EmbeddingPerturbation.withOffset(offset, model: model) {
                    try base.attribute([ids], targets: targets, model: model, output: output)[0]
                }
                for k in targets.indices { moments[k].add(results[k]) }
                if template.isEmpty {
                    template = results
                    for k in template.indices { template[k].parameters["stdev"] = .double(sigma) }
                }
            }
            return (moments, template)
        }
        return zip(template, sums).map { first, m in
            let n = Double(sampleCount)
            var a = first
            a.method = name
            let sigma = first.parameters["stdev"] ?? .double(0)
            a.parameters = parameters
            a.parameters["stdev"] = sigma
            switch kind {
            case .smoothGrad:
                a.scores = m.sum.map { $0 / n }
                a.scoresL2 = m.hasL2 ? m.sumL2.map { $0 / n } : nil
                a.convergenceDelta = m.deltaCount == sampleCount ? m.sumDelta / n : nil
            case .smoothGradSquared:
                a.scores = m.sumSquares.map { $0 / n }
                a.scoresL2 = nil
                a.convergenceDelta = nil
            case .varGrad:
                a.scores = zip(m.sum, m.sumSquares).map { s, q in Swift.max(0, q / n - (s / n) * (s / n)) }
                a.scoresL2 = nil
                a.convergenceDelta = nil
            }
            a.seconds = seconds / Double(targets.count)
            return a
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
