import LoupeNN
import LoupeTensor

/// Integrated gradients at the token-embedding layer (Sundararajan, Taly & Yan, "Axiomatic
/// Attribution for Deep Networks", ICML 2017):
/// `IG_i = (x_i − x'_i) · ∫₀¹ ∂F(x' + α(x − x'))/∂x_i dα`, the integral taken with an
/// ``IntegrationRule``. Scores satisfy completeness, `Σ IG ≈ F(x) − F(x')`; the gap is reported as
/// the convergence delta. Steps are evaluated as batches of at most `internalBatchSize` rows;
/// the adaptive mode doubles the step count until |delta| ≤ `tolerance` (or `maximumStepCount`).
public struct IntegratedGradients: PathAttributionMethod {
    /// Rule, steps, baseline, batch size and adaptive tolerance (also readable as `ig.stepCount`, …).
    public var path: PathSettings

    public init(rule: IntegrationRule.Kind = .gaussLegendre, stepCount: Int = 50, baseline: Baseline = .pad,
                internalBatchSize: Int = 256, tolerance: Double? = nil, maximumStepCount: Int = 1600) {
        path = PathSettings(rule: rule, stepCount: stepCount, baseline: baseline, internalBatchSize: internalBatchSize,
                            tolerance: tolerance, maximumStepCount: maximumStepCount)
    }

    public var id: AttributionMethodID { .integratedGradients }

    public func scores(for inputs: [[Int]], in context: AttributionContext) throws -> [[TargetScores]] {
        let probe = context.embeddingProbe
        return try context.eachInput(inputs) { ids, features in
            let x = probe.embeddings([ids])                 // [1, T, E]
            let starts = try path.baseline.embeddingSet(like: x, ids: ids, model: context.model, keeping: features.fixed)
            return try path.adaptiveScores { steps in
                try path.integrate(ids, probe: probe, from: starts, to: x, steps: steps)
            }
        }
    }
}
