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
/// The layer is an activation site (`blocks.0.hook_resid_post`), a module path
/// (`encoder.layers.0`) or `embedding`. The convergence delta is `Σ scores − (F|a − F|a')`, both
/// end points evaluated with the layer's output replaced. For a layer with no skip connection
/// around it `F|a' = F(baseline)`; for a sub-layer inside a residual block only the path through
/// the layer is attributed.
public struct LayerIntegratedGradients: PathAttributionMethod {
    /// The attributed site or module path.
    public var layer: AttributionLayer
    /// Rule, steps, baseline, batch size and adaptive tolerance.
    public var path: PathSettings

    public init(layer: String, rule: IntegrationRule.Kind = .gaussLegendre, stepCount: Int = 50,
                baseline: Baseline = .pad, internalBatchSize: Int = 256, tolerance: Double? = nil,
                maximumStepCount: Int = 1600) {
        self.layer = AttributionLayer(layer)
        path = PathSettings(rule: rule, stepCount: stepCount, baseline: baseline, internalBatchSize: internalBatchSize,
                            tolerance: tolerance, maximumStepCount: maximumStepCount)
    }

    public var id: AttributionMethodID { .layerIntegratedGradients }

    public func scores(for inputs: [[Int]], in context: AttributionContext) throws -> [[TargetScores]] {
        let probe = try context.probe(at: layer)
        let embeddings = context.embeddingProbe
        return try context.eachInput(inputs) { ids, features in
            let x = embeddings.embeddings([ids])
            let a = try probe.activation([ids])
            let starts = try path.baseline.embeddingSet(like: x, ids: ids, model: context.model, keeping: features.fixed)
                .map { try probe.activation([ids], embeddings: $0) }
            return try path.adaptiveScores { steps in
                try path.integrate(ids, probe: probe, from: starts, to: a, steps: steps)
            }
        }
    }
}
