import LoupeAttribution
import LoupeNN
import LoupeTensor
import Testing

@Suite("Layer gradient × activation")
struct LayerGradientXActivationTests {
    @Test("at the embedding layer it is input × gradient", arguments: TinyModel.allCases)
    func embeddingLayer(kind: TinyModel) throws {
        let model = kind.make()
        let a = try LayerGradientXActivation(layer: "embedding").attribute(sentences, targets: [0, 1], model: model, output: .logit)
        let b = try InputXGradient().attribute(sentences, targets: [0, 1], model: model, output: .logit)
        for (x, y) in zip(a.joined(), b.joined()) { #expect(maxDifference(x.scores, y.scores) < 1e-6) }
    }

    @Test("the layer gradient matches finite differences of F in the layer's output")
    func finiteDifferences() throws {
        let model = TokenwiseTanhClassifier()
        let ids = sentences[0]
        let capture = ActivationCapture()
        _ = withoutGradients { withHooks([.capture(model.second, into: capture)]) { model.logits(tokenIDs: [ids]) } }
        let act = try #require(capture.last)
        let f = act.shape[2]
        let h: Float = 1e-2
        let g = try LayerGradientXActivation(layer: "encoder.1", multiplyByActivation: false)
            .attribute(ids, targets: [2], model: model)[0]
        #expect(g.method == "layer-gradient")
        let gxa = try LayerGradientXActivation(layer: "encoder.1").attribute(ids, targets: [2], model: model)[0]
        var expectedGXA = [Double](repeating: 0, count: ids.count)
        let expected = ids.indices.map { i -> Double in
            var sum = 0.0
            for j in 0..<f {
                func shifted(_ d: Float) -> Double {
                    var s = act.scalars
                    s[i * f + j] += d
                    let v = Tensor(shape: act.shape, scalars: s)
                    return withoutGradients { withHooks([.replace(model.second) { _ in v }]) { model.logits(tokenIDs: [ids]) } }
                        .scalars[2].asDouble
                }
                let d = (shifted(h) - shifted(-h)) / (2 * Double(h))
                sum += d
                expectedGXA[i] += d * Double(act.scalars[i * f + j])
            }
            return sum
        }
        #expect(maxDifference(g.scores, expected) < 2e-3)
        #expect(maxDifference(gxa.scores, expectedGXA) < 2e-3)
    }

    @Test("a padded batch equals one-at-a-time at a hidden layer")
    func batched() throws {
        let model = TokenwiseTanhClassifier()
        let method = LayerGradientXActivation(layer: "encoder.0")
        let batched = try method.attribute(sentences, targets: [1], model: model, output: .probability)
        for (i, ids) in sentences.enumerated() {
            let single = try method.attribute(ids, targets: [1], model: model, output: .probability)[0]
            #expect(maxDifference(batched[i][0].scores, single.scores) < 1e-6)
        }
    }
}

extension Float {
    var asDouble: Double { Double(self) }
}
