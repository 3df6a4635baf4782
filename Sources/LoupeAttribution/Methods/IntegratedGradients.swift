import LoupeNN
import LoupeTensor

/// Integrated gradients at the token-embedding layer (Sundararajan, Taly & Yan, "Axiomatic
/// Attribution for Deep Networks", ICML 2017):
/// `IG_i = (x_i − x'_i) · ∫₀¹ ∂F(x' + α(x − x'))/∂x_i dα`, the integral taken with an
/// ``IntegrationRule``. Scores satisfy completeness, `Σ IG ≈ F(x) − F(x')`; the gap is reported as
/// the convergence delta. Steps are evaluated as batches of at most `internalBatchSize` rows;
/// the adaptive mode doubles the step count until |delta| ≤ `tolerance` (or `maximumStepCount`).
public struct IntegratedGradients: AttributionMethod {
    public var rule: IntegrationRule.Kind
    public var stepCount: Int
    public var baseline: Baseline
    /// Most interpolation rows evaluated in one forward/backward pass (caps memory).
    public var internalBatchSize: Int
    /// When set, raise the step count until |convergence delta| ≤ tolerance.
    public var tolerance: Double?
    public var maximumStepCount: Int

    public init(rule: IntegrationRule.Kind = .gaussLegendre, stepCount: Int = 50, baseline: Baseline = .pad,
                internalBatchSize: Int = 256, tolerance: Double? = nil, maximumStepCount: Int = 1600) {
        self.rule = rule
        self.stepCount = stepCount
        self.baseline = baseline
        self.internalBatchSize = internalBatchSize
        self.tolerance = tolerance
        self.maximumStepCount = maximumStepCount
    }

    public var name: String { "integrated-gradients" }
    public var parameters: [String: ParameterValue] {
        pathParameters(stepCount: stepCount, rule: rule, baseline: baseline, tolerance: tolerance)
    }

    public func attribute(_ inputs: [[Int]], targets: [Int], model: AttributableModel,
                          output: AttributionOutput) throws -> [[Attribution]] {
        try validatePathInputs(inputs, stepCount: stepCount, internalBatchSize: internalBatchSize)
        return try inputs.map { ids in try attributeOne(ids, targets: targets, model: model, output: output) }
    }

    func attributeOne(_ ids: [Int], targets: [Int], model: AttributableModel,
                      output: AttributionOutput) throws -> [Attribution] {
        let probe = EmbeddingProbe(model: model, output: output)
        return try adaptivePathAttributions(method: name, layer: "embedding", parameters: parameters,
                                            stepCount: stepCount, tolerance: tolerance,
                                            maximumStepCount: maximumStepCount, targets: targets,
                                            labels: model.labels, output: output) { steps in
            try integrate(ids, targets: targets, probe: probe, steps: steps)
        }
    }

    func integrate(_ ids: [Int], targets: [Int], probe: EmbeddingProbe, steps: Int) throws -> [PathIntegral] {
        let rule = try IntegrationRule.make(self.rule, stepCount: steps)
        let x = probe.embeddings([ids])                 // [1, T, E]
        let x0 = baseline.embeddings(like: x, probe: probe)
        let diff = x - x0
        let (t, e) = (x.shape[1], x.shape[2])
        let accumulated = try PathGradientSum.accumulate(
            rule: rule, start: x0.scalars, difference: diff.scalars, tokens: t, targetCount: targets.count,
            chunkSize: internalBatchSize, parallel: probe.model.allowsConcurrentPasses) { points in
            try probe.gradients(Array(repeating: ids, count: points.shape[0]), embeddings: points, targets: targets).gradients
        }
        let ends = probe.evaluate([ids, ids], embeddings: Tensor.concatenate([x, x0], alongAxis: 0))
        let classes = ends.shape[1]
        return targets.enumerated().map { k, target in
            var attribution = [Float](repeating: 0, count: t * e)
            for j in 0..<(t * e) { attribution[j] = Float(accumulated[k][j] * Double(diff.scalars[j])) }
            let (sum, l2) = EmbeddingProbe.perToken(Tensor(shape: [1, t, e], scalars: attribution), row: 0, length: t)
            let gap = Double(ends.scalars[target]) - Double(ends.scalars[classes + target])
            return PathIntegral(scores: sum, l2: l2, delta: sum.reduce(0, +) - gap)
        }
    }
}
