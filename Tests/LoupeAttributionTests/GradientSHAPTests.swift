import LoupeAttribution
import LoupeNN
import LoupeTensor
import Testing

@Suite("GradientSHAP")
struct GradientSHAPTests {
    @Test("seeded: same seed, same numbers; other seed, other numbers")
    func seeds() throws {
        let model = BagOfEmbeddingsClassifier()
        func run(_ seed: UInt64) throws -> [Double] {
            try GradientSHAP(sampleCount: 10, seed: seed).attribute(sentences[0], targets: [2], model: model)[0].scores
        }
        #expect(try run(1) == run(1))
        #expect(try run(1) != run(2))
    }

    @Test("on a linear model without noise it is exact: (x − x')·W, delta ≈ 0")
    func linearModelIsExact() throws {
        let model = LinearBagModel()
        for ids in sentences {
            let a = try GradientSHAP(sampleCount: 7, noise: .absolute(0)).attribute(ids, targets: [0, 1], model: model)
            for r in a {
                #expect(maxDifference(r.scores, ids.map { model.contribution(of: $0, toClass: r.target.index) }) < 1e-5)
                #expect(Swift.abs(r.convergenceDelta ?? 1) < 1e-5)
            }
        }
    }

    @Test("Monte-Carlo completeness: the delta is reported as Σφ − (F(x) − F(x')) and shrinks with samples")
    func convergenceDelta() throws {
        let model = TokenwiseTanhClassifier()
        let ids = sentences[2]
        let x = embeddings(model, ids)
        let gap = outputs(model, ids, embeddings: x)[1] - outputs(model, ids, embeddings: Tensor.zeros(x.shape))[1]
        func delta(_ n: Int) throws -> Double {
            let a = try GradientSHAP(sampleCount: n, baselines: [.zero], noise: .absolute(0), seed: 9)
                .attribute(ids, targets: [1], model: model)[0]
            #expect(Swift.abs((a.convergenceDelta ?? .nan) - (total(a.scores) - gap)) < 1e-5)
            return Swift.abs(a.convergenceDelta ?? .nan)
        }
        #expect(try delta(400) < delta(4) + 1e-9)
        #expect(try delta(400) < 0.05)
    }

    @Test("internal batch size does not change the result; batch does not either")
    func chunking() throws {
        let model = BagOfEmbeddingsClassifier()
        let a = try GradientSHAP(sampleCount: 9, seed: 4, internalBatchSize: 2).attribute(sentences, targets: [0], model: model, output: .logit)
        let b = try GradientSHAP(sampleCount: 9, seed: 4).attribute(sentences, targets: [0], model: model, output: .logit)
        for (x, y) in zip(a, b) { #expect(maxDifference(x[0].scores, y[0].scores) < 1e-6) }
        #expect(maxDifference(a[1][0].scores, try GradientSHAP(sampleCount: 9, seed: 4).attribute(sentences[1], targets: [0], model: model)[0].scores) < 1e-6)
    }
}
