import Foundation
import LoupeNN
import LoupeTensor

/// Kernel SHAP (Lundberg & Lee, "A Unified Approach to Interpreting Model Predictions", NeurIPS
/// 2017, Theorem 2): Shapley values of the tokens, estimated model-agnostically by weighted linear
/// regression on token coalitions.
///
/// Features are token positions (or the segments of ``InputFeatures``, fixed positions never
/// absent); a token absent from a coalition is replaced by [PAD], i.e. masked out of the model. With `f(z)` the class output on coalition `z`, the method solves
///
/// `min_φ Σ_z π(z) (f(z) − f(∅) − Σ_j z_j φ_j)²   subject to   Σ_j φ_j = f(x) − f(∅)`,
///
/// with the Shapley kernel `π(z) = (M − 1) / (C(M, |z|) · |z| · (M − |z|))`. The empty and full
/// coalitions (infinite kernel weight) enter as the constraint, which is eliminated by substituting
/// the last feature; the remaining normal equations are solved in Double by Cholesky with a small
/// relative ridge. Scores therefore sum to `F(x) − F(all [PAD])` up to rounding (reported as the
/// convergence delta).
///
/// When all `2^M − 2` proper coalitions fit in `sampleCount`, they are enumerated with their
/// kernel weights and the result is exact. Otherwise coalitions are sampled: the size `k` with
/// probability ∝ `1/(k(M − k))`, then a uniform subset of that size, each paired with its
/// complement; sampled coalitions get equal weight (the sampling already follows the kernel).
/// Each input draws from a fresh generator seeded with `seed`. One batch of forward passes serves
/// every target.
public struct KernelSHAP: AttributionMethod {
    public var sampleCount: Int
    public var seed: UInt64
    /// Relative ridge added to the normal equations' diagonal (× their mean diagonal).
    public var ridge: Double
    /// Most coalitions evaluated in one forward pass.
    public var internalBatchSize: Int

    public init(sampleCount: Int = 200, seed: UInt64 = 0, ridge: Double = 1e-9, internalBatchSize: Int = 256) {
        self.sampleCount = sampleCount
        self.seed = seed
        self.ridge = ridge
        self.internalBatchSize = internalBatchSize
    }

    public var id: AttributionMethodID { .kernelSHAP }
    public var layer: AttributionLayer { .input }
    public var parameters: [String: ParameterValue] {
        ["samples": .int(sampleCount), "seed": .seed(seed), "replacement": .string("pad")]
    }

    public func validateSettings() throws {
        guard sampleCount >= 2, internalBatchSize >= 1, ridge >= 0 else {
            throw AttributionError.invalidParameter("KernelSHAP needs samples ≥ 2, internal batch size ≥ 1, ridge ≥ 0")
        }
    }

    public func scores(for inputs: [[Int]], in context: AttributionContext) throws -> [[TargetScores]] {
        try context.eachInput(inputs) { ids, layout in try attributeOne(ids, features: layout.features(length: ids.count), context: context) }
    }

    /// Coalitions (true = token present) with their regression weights.
    func coalitions(features m: Int) -> (coalitions: [[Bool]], weights: [Double], exact: Bool) {
        if m <= 20, (1 << m) - 2 <= sampleCount {
            var cs: [[Bool]] = [], ws: [Double] = []
            for mask in 1..<((1 << m) - 1) {
                let z = (0..<m).map { mask & (1 << $0) != 0 }
                let k = z.filter { $0 }.count
                cs.append(z)
                ws.append(Double(m - 1) / (binomial(m, k) * Double(k) * Double(m - k)))
            }
            return (cs, ws, true)
        }
        var rng = RandomGenerator(seed: seed)
        let sizeWeights = (1..<m).map { 1 / (Double($0) * Double(m - $0)) }
        let total = sizeWeights.reduce(0, +)
        var counts: [[Bool]: Double] = [:]
        var order: [[Bool]] = []
        func add(_ z: [Bool]) {
            if counts[z] == nil { order.append(z) }
            counts[z, default: 0] += 1
        }
        var drawn = 0
        while drawn < sampleCount {
            var u = Double(rng.nextUniform()) * total
            var k = 1
            for (i, w) in sizeWeights.enumerated() {
                k = i + 1
                if u < w { break }
                u -= w
            }
            var positions = Array(0..<m)
            for i in 0..<k { positions.swapAt(i, i + rng.nextInt(below: m - i)) }
            var z = [Bool](repeating: false, count: m)
            for i in 0..<k { z[positions[i]] = true }
            add(z)
            drawn += 1
            if drawn < sampleCount {
                add(z.map { !$0 })
                drawn += 1
            }
        }
        return (order, order.map { counts[$0]! }, false)
    }

    /// One input whose features (groups of positions, absent together) are `features`.
    func attributeOne(_ ids: [Int], features: [[Int]], context: AttributionContext) throws -> [TargetScores] {
        let m = features.count
        let pad = context.model.paddingID
        let (cs, ws, exact) = m == 1 ? ([], [], true) : coalitions(features: m)
        func coalition(_ z: [Bool]) -> [Int] {
            var sequence = ids
            for (f, present) in z.enumerated() where !present { for p in features[f] { sequence[p] = pad } }
            return sequence
        }
        var sequences = [ids, coalition([Bool](repeating: false, count: m))]
        for z in cs { sequences.append(coalition(z)) }
        let values = try context.evaluator(batchSize: internalBatchSize).values(sequences)   // [sequence][target]
        let params: [String: ParameterValue] = ["exact": .bool(exact), "coalitions": .int(cs.count)]

        return try context.targets.indices.map { target in
            let full = values[0][target], empty = values[1][target]
            let total = full - empty
            var phi = [Double](repeating: 0, count: m)
            if m == 1 {
                phi[0] = total
            } else {
                // Unknowns φ_0 … φ_{m−2}; φ_{m−1} = total − Σ others.
                let n = m - 1
                var gram = [Double](repeating: 0, count: n * n), rhs = [Double](repeating: 0, count: n)
                var row = [Double](repeating: 0, count: n)
                for (i, z) in cs.enumerated() {
                    let last = z[m - 1] ? 1.0 : 0.0
                    for j in 0..<n { row[j] = (z[j] ? 1 : 0) - last }
                    let b = values[2 + i][target] - empty - last * total
                    let w = ws[i]
                    for p in 0..<n where row[p] != 0 {
                        rhs[p] += w * row[p] * b
                        for q in 0..<n where row[q] != 0 { gram[p * n + q] += w * row[p] * row[q] }
                    }
                }
                let meanDiagonal = (0..<n).reduce(0.0) { $0 + gram[$1 * n + $1] } / Double(n)
                guard let solution = LinearSystem.solveSymmetric(gram, rhs, n: n, ridge: ridge * Swift.max(meanDiagonal, 1e-12)) else {
                    throw AttributionError.didNotConverge("KernelSHAP regression is singular; raise samples or ridge")
                }
                for j in 0..<n { phi[j] = solution[j] }
                phi[m - 1] = total - solution.reduce(0, +)
            }
            return TargetScores(scores: InputFeatures.spread(phi, over: features, length: ids.count),
                                convergenceDelta: phi.reduce(0, +) - total, parameters: params)
        }
    }

    func binomial(_ n: Int, _ k: Int) -> Double {
        var r = 1.0
        for i in 0..<Swift.min(k, n - k) { r = r * Double(n - i) / Double(i + 1) }
        return r
    }
}
