import LoupeNN
import LoupeTensor

/// Attention rollout (Abnar & Zuidema, "Quantifying Attention Flow in Transformers", ACL 2020).
///
/// Each layer's attention is averaged over heads and mixed with the identity to account for the
/// residual connection, `Â_l = r·I + (1 − r)·mean_heads(A_l)` with `r = residualWeight` (0.5 in the
/// paper), then renormalised so every row sums to 1. The rollout is the product
/// `R = Â_L · … · Â_1`; `R[i, j]` is how much of position `i`'s final representation flows from
/// input token `j`.
///
/// Loupe's models pool by a masked mean over tokens and have no [CLS] token, so the per-token score
/// is the *mean over real query positions* (ids ≠ [PAD]) of the rollout column: `s_j = mean_i R[i, j]`
/// (the flow into the mean-pooled representation). Scores are non-negative and sum to 1.
///
/// Rollout ignores the output head, so it is **target-independent**: every target gets the same
/// scores (recorded as `target_independent: true` in the parameters). Each input is rolled out on
/// its own `T × T` block (padding of the batch is cut away), so batched and single results agree.
public struct AttentionRollout: AttributionMethod {
    /// Weight of the identity (residual) term; 0.5 as in Abnar & Zuidema.
    public var residualWeight: Double

    public init(residualWeight: Double = 0.5) {
        self.residualWeight = residualWeight
    }

    public var id: AttributionMethodID { .attentionRollout }
    public var layer: AttributionLayer { .attention }
    public var parameters: [String: ParameterValue] {
        ["residual_weight": .double(residualWeight), "head_fusion": .string("mean"),
         "query_pooling": .string("mean-over-real-tokens"), "target_independent": .bool(true)]
    }

    public func validateSettings() throws {
        guard (0...1).contains(residualWeight) else {
            throw AttributionError.invalidParameter("residual weight must be in [0, 1] (got \(residualWeight))")
        }
    }

    public func scores(for inputs: [[Int]], in context: AttributionContext) throws -> [[TargetScores]] {
        let sites = context.model.activationSites.filter(\.name.isAttentionPattern)
        guard !sites.isEmpty else {
            throw AttributionError.notSupported("attention rollout needs a model with attention patterns (blocks.N.attn.hook_pattern sites)")
        }
        let captures = sites.map { _ in ActivationCapture() }
        _ = withoutGradients {
            withHooks(zip(sites, captures).map { Hook.capture($0.module, into: $1) }) {
                context.model.outputs(tokenIDs: inputs)
            }
        }
        let layers = try zip(sites, captures).map { site, capture -> Tensor in
            guard capture.activations.count == 1, let pattern = capture.last else {
                throw AttributionError.notSupported("attention site '\(site.name)' ran \(capture.activations.count) times in one forward pass")
            }
            return pattern
        }
        return try inputs.enumerated().map { b, ids in
            let scores = try rollout(layers, row: b, ids: ids, paddingID: context.model.paddingID)
            return context.targets.map { _ in TargetScores(scores: scores) }
        }
    }

    /// Per-token rollout scores of row `b` (length `ids.count`).
    func rollout(_ layers: [Tensor], row b: Int, ids: [Int], paddingID: Int) throws -> [Double] {
        let n = ids.count
        var r = identity(n)
        for (l, a) in layers.enumerated() {
            guard a.rank == 4, a.shape[0] > b, a.shape[2] >= n, a.shape[3] >= n, a.shape[2] == a.shape[3] else {
                throw AttributionError.notSupported("attention of layer \(l) has shape \(a.shape); expected [B, heads, T, T] with T ≥ \(n)")
            }
            let (heads, t) = (a.shape[1], a.shape[2])
            var m = [Double](repeating: 0, count: n * n)
            a.scalars.withUnsafeBufferPointer { p in
                for h in 0..<heads {
                    let base = (b * heads + h) * t * t
                    for i in 0..<n { for j in 0..<n { m[i * n + j] += Double(p[base + i * t + j]) } }
                }
            }
            for i in 0..<n {
                var sum = 0.0
                for j in 0..<n {
                    m[i * n + j] = (1 - residualWeight) * m[i * n + j] / Double(heads) + (i == j ? residualWeight : 0)
                    sum += m[i * n + j]
                }
                if sum > 0 { for j in 0..<n { m[i * n + j] /= sum } }
            }
            r = multiply(m, r, n)
        }
        var queries = ids.indices.filter { ids[$0] != paddingID }
        if queries.isEmpty { queries = Array(ids.indices) }
        return (0..<n).map { j in queries.reduce(0.0) { $0 + r[$1 * n + j] } / Double(queries.count) }
    }

    func identity(_ n: Int) -> [Double] {
        var m = [Double](repeating: 0, count: n * n)
        for i in 0..<n { m[i * n + i] = 1 }
        return m
    }

    func multiply(_ a: [Double], _ b: [Double], _ n: Int) -> [Double] {
        var c = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for k in 0..<n where a[i * n + k] != 0 {
            let aik = a[i * n + k]
            for j in 0..<n { c[i * n + j] += aik * b[k * n + j] }
        } }
        return c
    }
}
