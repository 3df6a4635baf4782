import LoupeNN
import LoupeTensor
import LoupeTestSupport
import Testing

/// Loss values against references computed with PyTorch 2.x in float64
/// (`torch.nn.functional.cross_entropy`, `binary_cross_entropy[_with_logits]`, `mse_loss`), and
/// finite-difference checks of every loss.
@Suite("Losses")
struct LossTests {
    static let logits = Tensor(shape: [3, 3], scalars: [1, 2, 3, 1, -1, 0.5, 0.2, 0.1, -0.4])
    static let targets = [2, 0, 1]
    static let classWeights: [Float] = [0.2, 1, 3]

    // MARK: Cross-entropy

    @Test func crossEntropyForward() {
        let x = Self.logits, t = Self.targets
        expectClose(crossEntropy(logits: x, targets: t).scalar, 0.6533797368070808)
        expectClose(crossEntropy(logits: x, targets: t, reduction: .sum).scalar, 1.9601392104212425)
        expectClose(crossEntropy(logits: x, targets: t, reduction: .none),
                    Tensor([0.4076059644443804, 0.5549569196419907, 0.9975763263348715]))
    }

    @Test func weightedCrossEntropyDividesByTargetWeights() {
        let x = Self.logits, t = Self.targets, w = Self.classWeights
        // mean = Σ w[y]·ℓ / Σ w[y] (PyTorch), not / N.
        expectClose(crossEntropy(logits: x, targets: t, classWeights: w).scalar, 0.5550918103800979)
        expectClose(crossEntropy(logits: x, targets: t, classWeights: w, reduction: .sum).scalar, 2.331385603596411)
        expectClose(crossEntropy(logits: x, targets: t, classWeights: w, reduction: .none),
                    Tensor([1.2228178933331413, 0.11099138392839814, 0.9975763263348715]))
    }

    @Test func weightedCrossEntropyGradientMatchesTorch() throws {
        let x = Self.logits.requiringGradient()
        let loss = crossEntropy(logits: x, targets: Self.targets, classWeights: Self.classWeights)
        let g = try gradient(of: loss, withRespectTo: x)
        expectClose(g.scalars, [0.06430755226455745, 0.17480605075342687, -0.2391136030179844,
                                -0.020281095572966923, 0.0036997894832652652, 0.016581306089701656,
                                0.09703720167090556, -0.1502923470819012, 0.053255145410995665], absolute: 1e-6)
    }

    @Test func crossEntropyIsStableForLargeLogits() {
        let x = Tensor(shape: [2, 3], scalars: [1000, 0, -1000, -500, 500, 499])
        let losses = crossEntropy(logits: x, targets: [0, 2], reduction: .none)
        expectClose(losses.scalars, [0, 1.3132616875], absolute: 1e-4)
    }

    @Test(arguments: [LossReduction.mean, .sum, .none])
    func crossEntropyGradient(reduction: LossReduction) {
        let x = testTensor([4, 5], seed: 3, range: -2...2)
        let t = [4, 0, 2, 2]
        GradientChecker().check([x]) { crossEntropy(logits: $0[0], targets: t, reduction: reduction) }
        GradientChecker().check([x]) {
            crossEntropy(logits: $0[0], targets: t, classWeights: [0.5, 1, 2, 0.1, 3], reduction: reduction)
        }
    }

    // MARK: Binary cross-entropy

    static let bceLogits = Tensor([-3, -0.5, 0, 0.5, 25, -30, 15])
    static let bceTargets = Tensor([0, 1, 0.3, 1, 1, 0, 1])

    @Test func binaryCrossEntropyWithLogitsForward() {
        let loss = binaryCrossEntropy(logits: Self.bceLogits, targets: Self.bceTargets, reduction: .none)
        // Relative tolerance: the stable form keeps tiny losses (e.g. x = 15, t = 1) accurate.
        expectClose(loss.scalars, [0.048587351573742055, 0.9740769841801067, 0.6931471805599453, 0.4740769841801067,
                                   1.3887943864867583e-11, 9.237055564881302e-14, 3.059022737137205e-07],
                    absolute: 1e-7, relative: 1e-4)
        expectClose(loss.scalars[6], 3.059022737137205e-07, absolute: 0, relative: 1e-3)
        expectClose(binaryCrossEntropy(logits: Self.bceLogits, targets: Self.bceTargets).scalar, 0.3128412580585935)
        expectClose(binaryCrossEntropy(logits: Self.bceLogits, targets: Self.bceTargets, reduction: .sum).scalar,
                    2.1898888064101545)
    }

    @Test func binaryCrossEntropyWithLogitsGradientIsSigmoidMinusTarget() throws {
        let x = Self.bceLogits.requiringGradient()
        let g = try gradient(of: binaryCrossEntropy(logits: x, targets: Self.bceTargets, reduction: .sum),
                             withRespectTo: x)
        // Includes x = 0 exactly, where σ(0) − t = 0.5 − 0.3.
        expectClose(g.scalars, [0.04742587317756678, -0.6224593312018546, 0.2, -0.3775406687981454,
                                -1.3888001859641008e-11, 9.357622968839299e-14, -3.059022269935596e-07],
                    absolute: 1e-6)
    }

    @Test(arguments: [LossReduction.mean, .sum, .none])
    func binaryCrossEntropyWithLogitsGradient(reduction: LossReduction) {
        let x = testTensor([3, 4], seed: 5, range: -3...3)
        let t = testTensor([3, 4], seed: 6, range: 0...1)
        GradientChecker().check([x]) { binaryCrossEntropy(logits: $0[0], targets: t, reduction: reduction) }
    }

    @Test func binaryCrossEntropyOnProbabilitiesClampsLogs() throws {
        let p = Tensor([0, 0.2, 0.5, 0.9, 1]), t = Tensor([1, 0, 0.5, 1, 0])
        let loss = binaryCrossEntropy(probabilities: p, targets: t, reduction: .none)
        expectClose(loss.scalars, [100, 0.2231435626745224, 0.6931471824645996, 0.10536054521799088, 100],
                    absolute: 1e-5)
        expectClose(binaryCrossEntropy(probabilities: p, targets: t).scalar, 40.20433044433594, absolute: 1e-4)
        expectClose(binaryCrossEntropy(probabilities: p, targets: t, reduction: .sum).scalar, 201.0216522216797,
                    absolute: 1e-3)
        // The clamped ends have a finite (zero) derivative, not NaN.
        let pt = p.requiringGradient()
        let g = try gradient(of: binaryCrossEntropy(probabilities: pt, targets: t, reduction: .sum), withRespectTo: pt)
        #expect(g.isFinite)
        expectClose(g.scalars, [0, 1.25, 0, -1 / 0.9, 0], absolute: 1e-5)
    }

    @Test(arguments: [LossReduction.mean, .sum, .none])
    func binaryCrossEntropyOnProbabilitiesGradient(reduction: LossReduction) {
        let p = testTensor([2, 5], seed: 8, range: 0.1...0.9)
        let t = testTensor([2, 5], seed: 9, range: 0...1)
        GradientChecker(step: 1e-3).check([p]) {
            binaryCrossEntropy(probabilities: $0[0], targets: t, reduction: reduction)
        }
    }

    @Test func logitsAndProbabilityFormsAgree() {
        let x = testTensor([6], seed: 10, range: -4...4)
        let t = testTensor([6], seed: 11, range: 0...1)
        expectClose(binaryCrossEntropy(logits: x, targets: t, reduction: .none),
                    binaryCrossEntropy(probabilities: x.sigmoid(), targets: t, reduction: .none), absolute: 1e-5)
    }

    // MARK: Gaussian KL and MSE

    static let mu = Tensor(shape: [2, 3], scalars: [0.5, -1, 0, 2, 0.3, -0.7])
    static let logVariance = Tensor(shape: [2, 3], scalars: [0, 0.5, -1, -2, 1, 0.2])

    @Test func gaussianKLForward() {
        let perExample = gaussianKLDivergence(mu: Self.mu, logVariance: Self.logVariance)
        expectClose(perExample, Tensor([0.8833003559357853, 3.2275099349279133]))
        expectClose(gaussianKLDivergence(mu: Self.mu, logVariance: Self.logVariance, reduction: .mean).scalar,
                    2.055405145431849)
        expectClose(gaussianKLDivergence(mu: Self.mu, logVariance: Self.logVariance, reduction: .sum).scalar,
                    4.110810290863698)
        // Zero exactly at the prior.
        expectClose(gaussianKLDivergence(mu: .zeros([1, 4]), logVariance: .zeros([1, 4])).scalars, [0])
    }

    @Test func gaussianKLGradient() {
        GradientChecker().check([Self.mu, Self.logVariance]) {
            gaussianKLDivergence(mu: $0[0], logVariance: $0[1])
        }
        GradientChecker().check([Self.mu, Self.logVariance]) {
            gaussianKLDivergence(mu: $0[0], logVariance: $0[1], reduction: .mean)
        }
    }

    @Test func meanSquaredErrorForward() {
        let a = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]), b = Tensor(shape: [2, 2], scalars: [0.5, 2.5, -1, 4])
        expectClose(meanSquaredError(a, b).scalar, 4.125)
        expectClose(meanSquaredError(a, b, reduction: .sum).scalar, 16.5)
        expectClose(meanSquaredError(a, b, reduction: .none), Tensor(shape: [2, 2], scalars: [0.25, 0.25, 16, 0]))
    }

    @Test(arguments: [LossReduction.mean, .sum, .none])
    func meanSquaredErrorGradient(reduction: LossReduction) {
        GradientChecker().check([testTensor([3, 2], seed: 12), testTensor([3, 2], seed: 13)]) {
            meanSquaredError($0[0], $0[1], reduction: reduction)
        }
    }
}
