import LoupeNN
import LoupeTensor

/// Max-sensitivity (Yeh, Hsieh, Suggala, Inouye & Ravikumar, "On the (In)fidelity and Sensitivity
/// of Explanations", NeurIPS 2019, Definition 3.1):
///
/// `SENS_MAX(Φ, f, x, r) = max_{‖δ‖ ≤ r} ‖Φ(f, x + δ) − Φ(f, x)‖`,
///
/// estimated as in Captum's `sensitivity_max`: the maximum over `sampleCount` seeded perturbations
/// `δ` drawn uniformly from `[−r, r]` per coordinate of the token embeddings (the L∞ ball of radius
/// `r`, embedding units), of the L2 distance between the per-token score vectors. With `normalized`
/// (the default, as Captum does) the distance is divided by `‖Φ(f, x)‖₂` (skipped when that is 0),
/// making the metric scale-free; `normalized: false` gives the paper's unnormalised form.
///
/// The perturbation is added to the embedding output through a scoped hook around the explained
/// method, so it works for any method that reads the embeddings (and for perturbation methods,
/// whose forward passes see the perturbed embeddings). Lower is better.
public struct SensitivityMax: Sendable {
    public var radius: Double
    public var sampleCount: Int
    public var normalized: Bool
    public var seed: UInt64
    public var output: AttributionOutput

    public init(radius: Double = 0.02, sampleCount: Int = 10, normalized: Bool = true, seed: UInt64 = 0,
                output: AttributionOutput = .probability) {
        self.radius = radius
        self.sampleCount = sampleCount
        self.normalized = normalized
        self.seed = seed
        self.output = output
    }

    public func evaluate(_ method: any AttributionMethod, ids: [Int], target: Int, model: TextClassifier) throws -> Double {
        guard !ids.isEmpty else { throw AttributionError.emptyInput }
        guard sampleCount >= 1, radius >= 0, radius.isFinite else {
            throw AttributionError.invalidParameter("sensitivity needs samples ≥ 1 and a finite radius ≥ 0")
        }
        let base = try method.attribute([ids], targets: [target], model: model, output: output)[0][0].scores
        let x = withoutGradients { model.embeddings(tokenIDs: [ids]).detached }
        var rng = RandomGenerator(seed: seed)
        let r = Float(radius)
        let baseNorm = base.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
        var worst = 0.0
        for _ in 0..<sampleCount {
            let delta = Tensor.randomUniform([1] + Array(x.shape.dropFirst()), lower: -r, upper: r, using: &rng)
            let perturbed = try EmbeddingPerturbation.withOffset(delta, model: model) {
                try method.attribute([ids], targets: [target], model: model, output: output)[0][0].scores
            }
            var distance = zip(perturbed, base).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
            if normalized && baseNorm > 0 { distance /= baseNorm }
            worst = Swift.max(worst, distance)
        }
        return worst
    }
}
