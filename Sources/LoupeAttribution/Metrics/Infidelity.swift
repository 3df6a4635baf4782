import LoupeNN
import LoupeTensor

/// Infidelity (Yeh, Hsieh, Suggala, Inouye & Ravikumar, "On the (In)fidelity and Sensitivity of
/// Explanations", NeurIPS 2019, Definition 2.1):
///
/// `INFD(Φ, f, x) = E_I [ (Iᵀ Φ(x) − (f(x) − f(x − I)))² ]`,
///
/// the expected squared error of the attribution as a linear predictor of the output change under
/// a random perturbation `I`. Here `I` is a random subset `S` of token positions (each token in
/// with probability `probability`; an empty draw is replaced by one uniformly chosen token) and
/// `x − I` is the input with the tokens of `S` replaced by [PAD] (the baseline), so
/// `Iᵀ Φ(x) = Σ_{j∈S} Φ_j` — the token-level analogue of the paper's "square removal"
/// perturbations. Lower is better.
///
/// `normalize` follows Captum's `infidelity(normalize=True)`: the attribution is first rescaled by
/// the least-squares factor `β = E[IᵀΦ · Δf] / E[(IᵀΦ)²]` (β = 0 when the denominator is 0), so the
/// metric ignores the attribution's overall scale. The output is the target's probability by
/// default; subsets come from a generator seeded with `seed`.
public struct Infidelity: Sendable {
    public var sampleCount: Int
    public var probability: Double
    public var normalize: Bool
    public var seed: UInt64
    public var output: AttributionOutput
    public var batchSize: Int

    public init(sampleCount: Int = 50, probability: Double = 0.5, normalize: Bool = false, seed: UInt64 = 0,
                output: AttributionOutput = .probability, batchSize: Int = 256) {
        self.sampleCount = sampleCount
        self.probability = probability
        self.normalize = normalize
        self.seed = seed
        self.output = output
        self.batchSize = batchSize
    }

    public func evaluate(_ ids: [Int], scores: [Double], target: Int, model: TextClassifier) throws -> Double {
        try EraserMetrics.validate(ids, scores: scores, target: target, model: model)
        guard sampleCount >= 1, probability > 0, probability <= 1 else {
            throw AttributionError.invalidParameter("infidelity needs samples ≥ 1 and probability in (0, 1]")
        }
        var rng = RandomGenerator(seed: seed)
        var sequences = [ids]
        var predicted: [Double] = []
        for _ in 0..<sampleCount {
            var subset = ids.indices.filter { _ in Double(rng.nextUniform()) < probability }
            if subset.isEmpty { subset = [rng.nextInt(below: ids.count)] }
            var perturbed = ids
            for j in subset { perturbed[j] = model.paddingID }
            sequences.append(perturbed)
            predicted.append(subset.reduce(0.0) { $0 + scores[$1] })
        }
        let y = try OutputEvaluator(model: model, classIndex: target, output: output, batchSize: batchSize).target(sequences)
        let actual = (0..<sampleCount).map { y[0] - y[1 + $0] }
        var beta = 1.0
        if normalize {
            let numerator = zip(predicted, actual).reduce(0.0) { $0 + $1.0 * $1.1 }
            let denominator = predicted.reduce(0.0) { $0 + $1 * $1 }
            beta = denominator > 0 ? numerator / denominator : 0
        }
        return zip(predicted, actual).reduce(0.0) { total, pair in
            let e = beta * pair.0 - pair.1
            return total + e * e
        } / Double(sampleCount)
    }
}
