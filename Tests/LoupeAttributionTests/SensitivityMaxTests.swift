import LoupeAttribution
import LoupeNN
import LoupeTensor
import Testing

@Suite("Max-sensitivity")
struct SensitivityMaxTests {
    @Test("zero radius gives zero; a linear model's gradient never moves")
    func zeroCases() throws {
        let model = LinearBagModel()
        let ids = sentences[0]
        #expect(try SensitivityMax(radius: 0).evaluate(InputXGradient(), ids: ids, target: 1, model: TokenwiseTanhClassifier()) == 0)
        #expect(try SensitivityMax(radius: 0.5, output: .logit).evaluate(Saliency(), ids: ids, target: 1, model: model) < 1e-6)
    }

    @Test("input × gradient on a linear model moves by δ·W: within the bound, normalised by ‖Φ‖")
    func linearBound() throws {
        let model = LinearBagModel()
        let ids = sentences[2]
        let r = 0.05
        let raw = try SensitivityMax(radius: r, sampleCount: 6, normalized: false, seed: 3, output: .logit)
            .evaluate(InputXGradient(), ids: ids, target: 0, model: model)
        let e = model.tokenEmbedding.dimension
        let w = (0..<e).reduce(0.0) { $0 + Swift.abs(Double(model.classifier.weight.value.scalars[$1])) }
        #expect(raw > 0)
        #expect(raw <= (Double(ids.count)).squareRoot() * r * w + 1e-6)
        let phi = try InputXGradient().attribute(ids, targets: [0], model: model)[0].scores
        let normalized = try SensitivityMax(radius: r, sampleCount: 6, seed: 3, output: .logit)
            .evaluate(InputXGradient(), ids: ids, target: 0, model: model)
        #expect(Swift.abs(normalized - raw / phi.reduce(0.0) { $0 + $1 * $1 }.squareRoot()) < 1e-9)
    }

    @Test("seeded, and it works for a perturbation method too")
    func seeded() throws {
        let model = TokenwiseTanhClassifier()
        let metric = SensitivityMax(radius: 0.1, sampleCount: 4, seed: 8)
        let a = try metric.evaluate(IntegratedGradients(stepCount: 8), ids: sentences[1], target: 2, model: model)
        #expect(try a == metric.evaluate(IntegratedGradients(stepCount: 8), ids: sentences[1], target: 2, model: model))
        #expect(a > 0)
        #expect(try metric.evaluate(LeaveOneOut(), ids: sentences[1], target: 2, model: model) > 0)
    }
}
