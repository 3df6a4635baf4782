import Foundation

extension Tensor {
    /// The minibatch log-densities of the minibatch-weighted-sampling estimator of Chen, Li, Grosse
    /// & Duvenaud, "Isolating Sources of Disentanglement in Variational Autoencoders" (NeurIPS
    /// 2018), fused into one op with its own backward. For samples `z` `[M, D]` and diagonal
    /// Gaussians `N(mu_j, exp(logVariance_j))` (`mu`, `logVariance` `[M, D]`), with
    /// `L[i, j, d] = log N(z_{i,d}; mu_{j,d}, exp(logVariance_{j,d}))`, returns `[M, 2]`:
    ///
    ///     column 0:  log Σ_j exp(Σ_d L[i, j, d])        (the joint,  log q(z_i) + log(N·M))
    ///     column 1:  Σ_d log Σ_j exp(L[i, j, d])        (the marginals, Σ_d log q(z_{i,d}) + D·log(N·M))
    ///
    /// It never materialises the `[M, M, D]` array on the tape (memory `O(M·D)`, time `O(M²·D)`);
    /// the backward recomputes `L` row by row. Differentiable in all three inputs.
    public static func minibatchLogDensities(z: Tensor, mu: Tensor, logVariance: Tensor) -> Tensor {
        precondition(z.rank == 2 && z.shape == mu.shape && mu.shape == logVariance.shape,
                     "z \(z.shape), mu \(mu.shape) and logvar \(logVariance.shape) must all be [M, D]")
        let (m, d) = (z.shape[0], z.shape[1])
        let (zs, ms, ls) = (z.scalars, mu.scalars, logVariance.scalars)
        let precision = ls.map { Foundation.exp(-$0) }
        let log2Pi = Float(Foundation.log(2 * Double.pi))

        /// Row `i` of `L` into `buffer` `[M, D]`; returns the per-`j` sums `Σ_d L[i, j, d]`.
        func row(_ i: Int, _ buffer: inout [Float], _ sums: inout [Float]) {
            for j in 0..<m {
                var s: Float = 0
                for k in 0..<d {
                    let delta = zs[i * d + k] - ms[j * d + k]
                    let value = -0.5 * (log2Pi + ls[j * d + k] + delta * delta * precision[j * d + k])
                    buffer[j * d + k] = value
                    s += value
                }
                sums[j] = s
            }
        }
        /// `log Σ exp` of `count` values at `base`, `base + stride`, … of `values`.
        func logSumExp(_ values: [Float], base: Int, stride: Int, count: Int) -> Float {
            var top = -Float.infinity
            for t in 0..<count { top = Swift.max(top, values[base + t * stride]) }
            var total = 0.0
            for t in 0..<count { total += Foundation.exp(Double(values[base + t * stride] - top)) }
            return top + Float(Foundation.log(total))
        }

        var out = [Float](repeating: 0, count: m * 2)
        var buffer = [Float](repeating: 0, count: m * d), sums = [Float](repeating: 0, count: m)
        for i in 0..<m {
            row(i, &buffer, &sums)
            out[i * 2] = logSumExp(sums, base: 0, stride: 1, count: m)
            var marginal: Float = 0
            for k in 0..<d { marginal += logSumExp(buffer, base: k, stride: d, count: m) }
            out[i * 2 + 1] = marginal
        }
        let forward = out
        return record("minibatch-log-densities", shape: [m, 2], scalars: out, inputs: [z, mu, logVariance]) { g, _ in
            var gz = [Float](repeating: 0, count: m * d), gm = gz, gl = gz
            var buffer = [Float](repeating: 0, count: m * d), sums = [Float](repeating: 0, count: m)
            var marginalLSE = [Float](repeating: 0, count: d)
            for i in 0..<m {
                row(i, &buffer, &sums)
                let (gJoint, gMarginal) = (g.scalars[i * 2], g.scalars[i * 2 + 1])
                let joint = forward[i * 2]
                for k in 0..<d { marginalLSE[k] = logSumExp(buffer, base: k, stride: d, count: m) }
                for j in 0..<m {
                    let p = gJoint * Foundation.exp(sums[j] - joint)
                    for k in 0..<d {
                        let q = gMarginal * Foundation.exp(buffer[j * d + k] - marginalLSE[k])
                        let weight = p + q
                        let delta = zs[i * d + k] - ms[j * d + k]
                        let scaled = delta * precision[j * d + k]
                        gz[i * d + k] -= weight * scaled
                        gm[j * d + k] += weight * scaled
                        gl[j * d + k] -= weight * 0.5 * (1 - delta * scaled)
                    }
                }
            }
            return [Tensor(shape: [m, d], scalars: gz), Tensor(shape: [m, d], scalars: gm), Tensor(shape: [m, d], scalars: gl)]
        }
    }
}
