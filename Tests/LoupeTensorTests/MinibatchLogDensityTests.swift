import Foundation
import LoupeTensor
import LoupeTestSupport
import Testing

@Suite("Minibatch log-densities (β-TCVAE)")
struct MinibatchLogDensityTests {
    static func inputs(m: Int, d: Int, seed: UInt64) -> [Tensor] {
        var rng = RandomGenerator(seed: seed)
        return [Tensor.randomNormal([m, d], using: &rng), Tensor.randomNormal([m, d], using: &rng),
                Tensor.randomUniform([m, d], lower: -1, upper: 0.5, using: &rng)]
    }

    /// The same quantity from broadcasting ops: `[M, M, D]` log-densities, then log-sum-exps.
    static func composite(_ x: [Tensor]) -> Tensor {
        let (m, d) = (x[0].shape[0], x[0].shape[1])
        let z = x[0].reshaped([m, 1, d]), mu = x[1].reshaped([1, m, d]), lv = x[2].reshaped([1, m, d])
        let pairwise = ((z - mu).squared() * (-lv).exp() + lv + Float(Foundation.log(2 * Double.pi))) * -0.5
        let joint = pairwise.sum(alongAxis: 2).logSumExp(alongAxis: 1).reshaped([m, 1])
        let marginals = pairwise.logSumExp(alongAxis: 1).sum(alongAxis: 1).reshaped([m, 1])
        return Tensor.concatenate([joint, marginals], alongAxis: 1)
    }

    @Test(arguments: [(1, 1), (3, 2), (6, 4)])
    func matchesTheBroadcastComposite(m: Int, d: Int) {
        let x = Self.inputs(m: m, d: d, seed: UInt64(m * 7 + d))
        let fused = Tensor.minibatchLogDensities(z: x[0], mu: x[1], logVariance: x[2])
        let reference = Self.composite(x)
        #expect(fused.shape == [m, 2])
        for (a, b) in zip(fused.scalars, reference.scalars) { #expect(abs(a - b) < 1e-4 * max(1, abs(b))) }
    }

    @Test func gradientMatchesFiniteDifferences() {
        GradientChecker().check(Self.inputs(m: 4, d: 3, seed: 2)) { x in
            Tensor.minibatchLogDensities(z: x[0], mu: x[1], logVariance: x[2])
        }
    }
}
