import Foundation
import LoupeTensor
import LoupeTestSupport
import Testing

@Suite("Fused binary cross-entropy (sum)")
struct BinaryCrossEntropySumTests {
    /// `−Σ t·log σ(x) + (1 − t)·log(1 − σ(x))` in double precision, term by term.
    static func reference(_ x: [Float], _ t: [Float]) -> Double {
        zip(x, t).reduce(0.0) { total, pair in
            let (x, t) = (Double(pair.0), Double(pair.1))
            // log σ(x) = −log(1 + e^{−x}); log(1 − σ(x)) = −x − log(1 + e^{−x}), both written stably.
            let logSigmoid = x >= 0 ? -Foundation.log1p(Foundation.exp(-x)) : x - Foundation.log1p(Foundation.exp(x))
            let logOneMinus = logSigmoid - x
            return total - (t * logSigmoid + (1 - t) * logOneMinus)
        }
    }

    @Test(arguments: [1, 7, 5000])
    func matchesTheDefinition(count: Int) {
        var rng = RandomGenerator(seed: UInt64(count))
        var logits = Tensor.randomNormal([count], using: &rng).scalars.map { $0 * 6 }
        if count > 2 { logits[0] = 40; logits[1] = -40 }   // far in both tails: no overflow, no NaN
        let targets = Tensor.randomUniform([count], lower: 0, upper: 1, using: &rng).scalars
            .enumerated().map { $0.offset % 3 == 0 ? ($0.element < 0.5 ? 0 : 1) : $0.element }
        let loss = Tensor.binaryCrossEntropySum(logits: Tensor(shape: [count], scalars: logits),
                                                targets: Tensor(shape: [count], scalars: targets))
        let expected = Self.reference(logits, targets)
        #expect(loss.shape == [])
        #expect(abs(Double(loss.scalar) - expected) < 1e-5 * max(1, abs(expected)), "\(loss.scalar) vs \(expected)")
    }

    @Test func gradientIsSigmoidMinusTargetAndMatchesFiniteDifferences() throws {
        var rng = RandomGenerator(seed: 3)
        let logits = Tensor.randomNormal([3, 4], using: &rng) * 2
        let targets = Tensor.randomUniform([3, 4], lower: 0, upper: 1, using: &rng)
        GradientChecker().check([logits]) { x in Tensor.binaryCrossEntropySum(logits: x[0], targets: targets) * 0.5 }
        let leaf = logits.requiringGradient()
        let g = try gradients(of: Tensor.binaryCrossEntropySum(logits: leaf, targets: targets), withRespectTo: [leaf])[0]
        for (i, value) in g.scalars.enumerated() {
            let sigmoid = 1 / (1 + Foundation.exp(-logits.scalars[i]))
            #expect(abs(value - (sigmoid - targets.scalars[i])) < 1e-6)
        }
    }
}
