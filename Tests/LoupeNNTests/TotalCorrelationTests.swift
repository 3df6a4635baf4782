import Foundation
import LoupeDefaults
@testable import LoupeNN
import LoupeTensor
import LoupeTestSupport
import Testing

@Suite("β-TCVAE: total correlation")
struct TotalCorrelationTests {
    /// A batch of `m` posteriors over `z` dimensions and one sample of each, with a seed.
    static func batch(m: Int, z: Int, seed: UInt64) -> (z: Tensor, mu: Tensor, logVariance: Tensor) {
        var rng = RandomGenerator(seed: seed)
        let mu = Tensor.randomNormal([m, z], using: &rng)
        let logVariance = Tensor.randomUniform([m, z], lower: -1.5, upper: 0.5, using: &rng)
        let noise = Tensor.randomNormal([m, z], using: &rng)
        return (mu + (logVariance * 0.5).exp() * noise, mu, logVariance)
    }

    /// The minibatch-weighted-sampling estimates written out with loops in Double.
    static func direct(z: Tensor, mu: Tensor, logVariance: Tensor, n: Int) -> (mi: Double, tc: Double, dimKL: Double) {
        let (m, d) = (z.shape[0], z.shape[1])
        func logNormal(_ x: Float, _ mean: Float, _ logVar: Float) -> Double {
            let (x, mean, lv) = (Double(x), Double(mean), Double(logVar))
            return -0.5 * (Foundation.log(2 * Double.pi) + lv + (x - mean) * (x - mean) * Foundation.exp(-lv))
        }
        func logSumExp(_ values: [Double]) -> Double {
            let top = values.max()!
            return top + Foundation.log(values.reduce(0) { $0 + Foundation.exp($1 - top) })
        }
        let logNM = Foundation.log(Double(n * m))
        var (mi, tc, dimKL) = (0.0, 0.0, 0.0)
        for i in 0..<m {
            let zi = (0..<d).map { z.scalars[i * d + $0] }
            let logQZ = logSumExp((0..<m).map { j in
                (0..<d).reduce(0.0) { $0 + logNormal(zi[$1], mu.scalars[j * d + $1], logVariance.scalars[j * d + $1]) }
            }) - logNM
            let logQZProduct = (0..<d).reduce(0.0) { total, k in
                total + logSumExp((0..<m).map { j in logNormal(zi[k], mu.scalars[j * d + k], logVariance.scalars[j * d + k]) }) - logNM
            }
            let logQZGivenX = (0..<d).reduce(0.0) { $0 + logNormal(zi[$1], mu.scalars[i * d + $1], logVariance.scalars[i * d + $1]) }
            let logPZ = (0..<d).reduce(0.0) { $0 + logNormal(zi[$1], 0, 0) }
            mi += logQZGivenX - logQZ
            tc += logQZ - logQZProduct
            dimKL += logQZProduct - logPZ
        }
        return (mi / Double(m), tc / Double(m), dimKL / Double(m))
    }

    @Test(arguments: [(5, 3, 100), (8, 4, 8), (1, 2, 10)])
    func estimatorMatchesTheDirectComputation(m: Int, z: Int, n: Int) {
        let (sample, mu, logVariance) = Self.batch(m: m, z: z, seed: UInt64(m * 10 + z))
        let terms = TotalCorrelationTerms.estimate(z: sample, mu: mu, logVariance: logVariance, datasetSize: n)
        let expected = Self.direct(z: sample, mu: mu, logVariance: logVariance, n: n)
        #expect(abs(Double(terms.mutualInformation.scalar) - expected.mi) < 1e-4 * max(1, abs(expected.mi)))
        #expect(abs(Double(terms.totalCorrelation.scalar) - expected.tc) < 1e-4 * max(1, abs(expected.tc)))
        #expect(abs(Double(terms.dimensionwiseKL.scalar) - expected.dimKL) < 1e-4 * max(1, abs(expected.dimKL)))
    }

    @Test func termsSumToTheSampledKL() {
        // MI + TC + dimension-wise KL = mean of log q(z|x) − log p(z), whatever the batch.
        let (sample, mu, logVariance) = Self.batch(m: 6, z: 3, seed: 5)
        let terms = TotalCorrelationTerms.estimate(z: sample, mu: mu, logVariance: logVariance, datasetSize: 60)
        let sum = terms.mutualInformation.scalar + terms.totalCorrelation.scalar + terms.dimensionwiseKL.scalar
        var kl = 0.0
        for i in 0..<6 {
            for d in 0..<3 {
                let (x, m, lv) = (Double(sample.scalars[i * 3 + d]), Double(mu.scalars[i * 3 + d]), Double(logVariance.scalars[i * 3 + d]))
                kl += (-0.5 * (lv + (x - m) * (x - m) / Foundation.exp(lv))) - (-0.5 * x * x)
            }
        }
        #expect(abs(Double(sum) - kl / 6) < 1e-4)
        let weighted = terms.weighted(BetaTCVAEWeights(alpha: 1, beta: 1, gamma: 1)).scalar
        #expect(abs(weighted - sum) < 1e-5)
    }

    @Test func correlatedCodesHaveMoreTotalCorrelation() {
        // Posteriors on the diagonal z₀ = z₁ (strongly dependent) against the same values with
        // the second coordinate shuffled (independent): TC is larger for the first. (With very
        // narrow posteriors each sample's own term dominates every sum and MWS sees no difference.)
        let m = 64
        var rng = RandomGenerator(seed: 3)
        let a = (0..<m).map { _ in Float(rng.nextNormal()) }
        let shuffled = seededPermutation(count: m, seed: 9).map { a[$0] }
        func tc(_ second: [Float]) -> Float {
            let mu = Tensor(shape: [m, 2], scalars: zip(a, second).flatMap { [$0, $1] })
            let logVariance = Tensor(repeating: -3, shape: [m, 2])
            return TotalCorrelationTerms.estimate(z: mu, mu: mu, logVariance: logVariance, datasetSize: m).totalCorrelation.scalar
        }
        #expect(tc(a) > tc(shuffled) + 0.5, "TC dependent \(tc(a)), independent \(tc(shuffled))")
    }

    @Test func gradientMatchesFiniteDifferences() {
        let (sample, mu, logVariance) = Self.batch(m: 4, z: 2, seed: 11)
        GradientChecker(step: 1e-2, absolute: 3e-3, relative: 3e-2).check([sample, mu, logVariance]) { x in
            TotalCorrelationTerms.estimate(z: x[0], mu: x[1], logVariance: x[2], datasetSize: 40)
                .weighted(BetaTCVAEWeights(alpha: 1, beta: 6, gamma: 1))
        }
    }

    @Test func trainerWithTheTCPenaltyLearns() throws {
        let shapes = ShapesGenerator(imageSize: 8, scaleCount: 2, rotationCount: 2, positionCount: 3, supersampling: 2)
            .randomSamples(count: 64, seed: 3).imageDataSet
        let model = ImageVAE(config: ImageVAEConfig(height: 8, width: 8, hiddenDimension: 32, latentDimension: 3,
                                                    hiddenLayers: 2), seed: 1)
        var options = ImageVAETrainingOptions(epochs: 8, batchSize: 16, learningRate: 0.01, beta: 1, seed: 2)
        options.totalCorrelation = BetaTCVAEWeights(alpha: 1, beta: 6, gamma: 1)
        let trainer = ImageVAETrainer(model: model, options: options)
        var generator = RandomGenerator(seed: 1)
        let x = shapes.tensor(indices: Array(0..<16))
        let terms = trainer.lossTerms(x, datasetSize: 64, generator: &generator)
        #expect(terms.regularizer.scalar != terms.kl.scalar)
        let records = try trainer.train(on: shapes)
        #expect(records.last!.reconstruction < records.first!.reconstruction * 0.8, "\(records.map(\.reconstruction))")
        #expect(records.allSatisfy { $0.kl.isFinite && $0.kl >= 0 })
        // Without a data-set size (evaluation) the regulariser is the analytic KL.
        let plain = trainer.lossTerms(x, datasetSize: nil, generator: &generator)
        #expect(plain.regularizer.scalar == plain.kl.scalar)
    }

    @Test func deeperImageVAERoundTripsItsConfig() throws {
        let config = ImageVAEConfig(height: 4, width: 4, hiddenDimension: 8, latentDimension: 2, hiddenLayers: 3)
        let model = ImageVAE(config: config, seed: 0)
        #expect(model.encoderDeeper.count == 2 && model.decoderDeeper.count == 2)
        #expect(Set(model.parameters.map(\.name)).contains("decoder_hidden_3.weight"))
        #expect(try ImageVAEConfig(config.checkpointConfig()) == config)
        let single = ImageVAEConfig(height: 4, width: 4, hiddenDimension: 8, latentDimension: 2)
        #expect(try single.checkpointConfig().values["hidden_layers"] == nil)
        #expect(try ImageVAEConfig(single.checkpointConfig()).hiddenLayers == 1)
    }
}
