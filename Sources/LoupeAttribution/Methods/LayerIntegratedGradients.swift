import LoupeNN
import LoupeTensor

/// Integrated gradients at any named layer (Sundararajan, Taly & Yan, "Axiomatic Attribution for
/// Deep Networks", ICML 2017, applied to a hidden layer as in Captum's `LayerIntegratedGradients`;
/// layer conductance of Dhamdhere, Sundararajan & Yan, "How Important Is a Neuron?", ICLR 2019,
/// summed over the layer's neurons):
///
/// `LIG_t = Σ_f (a − a')_{t,f} · ∫₀¹ ∂F/∂a_{t,f}(a' + α(a − a')) dα`,
///
/// where `a` is the layer's output `[1, T, F]` for the input and `a'` its output when the token
/// embeddings are replaced by the ``Baseline`` embeddings (for an arbitrary layer there is no
/// "baseline id sequence"; masks still come from the real ids). The path runs by replacing the
/// layer's output with a scoped hook while the rest of the network sees the real input. The
/// per-token score sums over the last (feature) axis; `scoresL2` is the L2 norm over it.
///
/// The convergence delta is `Σ scores − (F|a − F|a')`, both end points evaluated with the layer's
/// output replaced. For a layer with no skip connection around it `F|a' = F(baseline)`; for a
/// sub-layer inside a residual block only the path through the layer is attributed.
public struct LayerIntegratedGradients: AttributionMethod {
    /// The module path (`module(named:)`), e.g. `encoder.layers.0`; `embedding` is the token embedding.
    public var layer: String
    public var rule: IntegrationRule.Kind
    public var stepCount: Int
    public var baseline: Baseline
    public var internalBatchSize: Int
    /// When set, double the step count until |delta| ≤ tolerance (or `maximumStepCount`).
    public var tolerance: Double?
    public var maximumStepCount: Int

    public init(layer: String, rule: IntegrationRule.Kind = .gaussLegendre, stepCount: Int = 50,
                baseline: Baseline = .pad, internalBatchSize: Int = 256, tolerance: Double? = nil,
                maximumStepCount: Int = 1600) {
        self.layer = layer
        self.rule = rule
        self.stepCount = stepCount
        self.baseline = baseline
        self.internalBatchSize = internalBatchSize
        self.tolerance = tolerance
        self.maximumStepCount = maximumStepCount
    }

    public var name: String { "layer-integrated-gradients" }
    public var parameters: [String: ParameterValue] {
        pathParameters(stepCount: stepCount, rule: rule, baseline: baseline, tolerance: tolerance)
    }

    public func attribute(_ inputs: [[Int]], targets: [Int], model: AttributableModel,
                          output: AttributionOutput) throws -> [[Attribution]] {
        try validatePathInputs(inputs, stepCount: stepCount, internalBatchSize: internalBatchSize)
        let probe = try LayerProbe(model: model, output: output, layer: layer)
        return try inputs.map { ids in
            try adaptivePathAttributions(method: name, layer: layer, parameters: parameters, stepCount: stepCount,
                                         tolerance: tolerance, maximumStepCount: maximumStepCount, targets: targets,
                                         labels: model.labels, output: output) { steps in
                try integrate(ids, targets: targets, probe: probe, steps: steps)
            }
        }
    }


    func integrate(_ ids: [Int], targets: [Int], probe: LayerProbe, steps: Int) throws -> [PathIntegral] {
        let rule = try IntegrationRule.make(self.rule, stepCount: steps)
        let embeddingProbe = EmbeddingProbe(model: probe.model, output: probe.output)
        let x = embeddingProbe.embeddings([ids])
        let a = try probe.activation([ids])
        let a0 = try probe.activation([ids], embeddings: baseline.embeddings(like: x, probe: embeddingProbe))
        let (t, f) = (a.shape[1], a.shape[2])
        let size = t * f
        let difference = (a - a0).scalars
        let accumulated = try PathGradientSum.accumulate(
            rule: rule, start: a0.scalars, difference: difference, tokens: t, targetCount: targets.count,
            chunkSize: internalBatchSize, parallel: probe.model.allowsConcurrentPasses) { points in
            try probe.gradients(Array(repeating: ids, count: points.shape[0]), layerValue: points, targets: targets).gradients
        }
        let ends = try withoutGradients {
            try probe.outputs([ids, ids], layerValue: Tensor.concatenate([a, a0], alongAxis: 0))
        }
        let classes = ends.shape[1]
        return targets.enumerated().map { k, target in
            var attribution = [Float](repeating: 0, count: size)
            for j in 0..<size { attribution[j] = Float(accumulated[k][j] * Double(difference[j])) }
            let (sum, l2) = EmbeddingProbe.perToken(Tensor(shape: [1, t, f], scalars: attribution), row: 0, length: t)
            let gap = Double(ends.scalars[target]) - Double(ends.scalars[classes + target])
            return PathIntegral(scores: sum, l2: l2, delta: sum.reduce(0, +) - gap)
        }
    }
}
