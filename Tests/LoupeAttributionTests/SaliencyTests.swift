import LoupeAttribution
import LoupeNN
import LoupeTensor
import Testing

@Suite("Gradient and input × gradient")
struct SaliencyTests {
    @Test("gradient matches central finite differences of F with respect to the embeddings", arguments: TinyModel.allCases)
    func finiteDifferences(kind: TinyModel) throws {
        let model = kind.make()
        let ids = sentences[0]
        let x = embeddings(model, ids)
        let e = x.shape[2]
        let h: Float = 1e-2
        for target in 0..<3 {
            let a = try Saliency().attribute(ids, targets: [target], model: model)[0]
            var sums = [Double](repeating: 0, count: ids.count), norms = sums
            for i in ids.indices {
                var squares = 0.0
                for j in 0..<e {
                    var plus = x.scalars, minus = x.scalars
                    plus[i * e + j] += h
                    minus[i * e + j] -= h
                    let d = (outputs(model, ids, embeddings: Tensor(shape: x.shape, scalars: plus))[target]
                        - outputs(model, ids, embeddings: Tensor(shape: x.shape, scalars: minus))[target]) / (2 * Double(h))
                    sums[i] += d
                    squares += d * d
                }
                norms[i] = squares.squareRoot()
            }
            #expect(maxDifference(a.scores, sums) < 3e-3, "summed gradient, class \(target)")
            #expect(maxDifference(try #require(a.scoresL2), norms) < 3e-3, "L2 norm, class \(target)")
        }
    }

    @Test("a padded batch equals one-at-a-time", arguments: TinyModel.allCases)
    func batchedEqualsSingle(kind: TinyModel) throws {
        let model = kind.make()
        for method in [Saliency() as any AttributionMethod, InputXGradient()] {
            let batched = try method.attribute(sentences, targets: [0, 1, 2], model: model, output: .logit)
            for (i, ids) in sentences.enumerated() {
                let single = try method.attribute(ids, targets: [0, 1, 2], model: model)
                for (x, y) in zip(batched[i], single) { #expect(maxDifference(x.scores, y.scores) < 1e-6) }
            }
        }
    }

    @Test("input × gradient is the embedding times the gradient, token by token")
    func inputTimesGradient() throws {
        let model = LinearBagModel()
        let ids = sentences[2]
        // For the sum-pooled linear model ∂F_c/∂x_i = W_c, so x_i·∂F_c/∂x_i = the token's contribution.
        let a = try InputXGradient().attribute(ids, targets: [1], model: model)[0]
        #expect(maxDifference(a.scores, ids.map { model.contribution(of: $0, toClass: 1) }) < 1e-5)
    }
}
