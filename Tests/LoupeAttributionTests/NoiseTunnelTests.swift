import LoupeAttribution
import LoupeNN
import LoupeTensor
import Testing

@Suite("NoiseTunnel: SmoothGrad, SmoothGrad², VarGrad")
struct NoiseTunnelTests {
    static let bases: [any AttributionMethod] = [Saliency(), InputXGradient(), IntegratedGradients(stepCount: 8)]

    @Test("with zero noise SmoothGrad is the wrapped method, SmoothGrad² its square, VarGrad zero",
          arguments: 0..<3)
    func zeroNoise(baseIndex: Int) throws {
        let base = Self.bases[baseIndex]
        let model = TokenwiseTanhClassifier()
        let ids = sentences[0]
        let plain = try base.attribute(ids, targets: [0, 2], model: model)
        func run(_ kind: NoiseTunnel.Kind) throws -> [Attribution] {
            try NoiseTunnel(base, kind: kind, sampleCount: 3, noise: .absolute(0)).attribute(ids, targets: [0, 2], model: model)
        }
        for (a, p) in zip(try run(.smoothGrad), plain) {
            #expect(a.method == "smoothgrad")
            #expect(maxDifference(a.scores, p.scores) < 1e-12)
            if let d = p.convergenceDelta { #expect(Swift.abs((a.convergenceDelta ?? .nan) - d) < 1e-12) }
        }
        for (a, p) in zip(try run(.smoothGradSquared), plain) {
            #expect(maxDifference(a.scores, p.scores.map { $0 * $0 }) < 1e-12)
        }
        for a in try run(.varGrad) { #expect(a.scores.allSatisfy { Swift.abs($0) < 1e-12 }) }
    }

    @Test("one sample of input × gradient on a linear model is (x + ε)·W with the documented noise")
    func noiseIsGaussianOnEmbeddings() throws {
        let model = LinearBagModel()
        let ids = sentences[0]
        let a = try NoiseTunnel(InputXGradient(), sampleCount: 1, noise: .relative(0.15), seed: 42)
            .attribute(ids, targets: [1], model: model)[0]
        let x = embeddings(model, ids)
        let sigma = 0.15 * Double(x.scalars.max()! - x.scalars.min()!)
        var rng = RandomGenerator(seed: 42)
        let eps = Tensor.randomNormal(x.shape, standardDeviation: Float(sigma), using: &rng)
        let e = x.shape[2]
        let w = model.classifier.weight.value.scalars
        let expected = ids.indices.map { i in
            (0..<e).reduce(0.0) { $0 + Double(x.scalars[i * e + $1] + eps.scalars[i * e + $1]) * Double(w[e + $1]) }
        }
        #expect(maxDifference(a.scores, expected) < 1e-5)
        #expect(a.parameters["stdev"] == .double(sigma))
    }

    @Test("the same seed gives the same numbers; another seed does not", arguments: NoiseTunnel.Kind.allCases)
    func seeds(kind: NoiseTunnel.Kind) throws {
        let model = BagOfEmbeddingsClassifier()
        func run(_ seed: UInt64) throws -> [Double] {
            try NoiseTunnel(Saliency(), kind: kind, sampleCount: 5, seed: seed).attribute(sentences[2], targets: [1], model: model)[0].scores
        }
        #expect(try run(7) == run(7))
        #expect(try run(7) != run(8))
    }

    @Test("noise does not depend on the batch: batched equals one-at-a-time")
    func batchIndependent() throws {
        let model = TokenwiseTanhClassifier()
        let tunnel = NoiseTunnel(InputXGradient(), kind: .varGrad, sampleCount: 4, seed: 3)
        let batched = try tunnel.attribute(sentences, targets: [0], model: model, output: .logit)
        for (i, ids) in sentences.enumerated() {
            #expect(maxDifference(batched[i][0].scores, try tunnel.attribute(ids, targets: [0], model: model)[0].scores) < 1e-12)
        }
    }

    @Test("VarGrad is non-negative and positive under noise; parameters name the base method")
    func varGradPositive() throws {
        let a = try NoiseTunnel(Saliency(), kind: .varGrad, sampleCount: 8, seed: 1)
            .attribute(sentences[0], targets: [0], model: TokenwiseTanhClassifier())[0]
        #expect(a.scores.allSatisfy { $0 >= 0 })
        #expect(a.scores.contains { $0 > 0 })
        #expect(a.parameters["base_method"] == .string("gradient"))
        #expect(a.parameters["samples"] == .int(8))
    }
}
