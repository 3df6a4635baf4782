import LoupeAttribution
import LoupeNN
import LoupeTensor
import Testing

@Suite("Infidelity")
struct InfidelityTests {
    @Test("exact additive contributions have zero infidelity; a rescaled copy only with normalize")
    func additiveModel() throws {
        let model = LinearBagModel()
        let ids = sentences[2]
        let exact = ids.map { model.contribution(of: $0, toClass: 1) }
        let metric = Infidelity(sampleCount: 30, seed: 1, output: .logit)
        #expect(try metric.evaluate(ids, scores: exact, target: 1, model: model) < 1e-10)
        let doubled = exact.map { 2 * $0 }
        #expect(try metric.evaluate(ids, scores: doubled, target: 1, model: model) > 1e-4)
        var normalized = metric
        normalized.normalize = true
        #expect(try normalized.evaluate(ids, scores: doubled, target: 1, model: model) < 1e-10)
    }

    @Test("by hand: one sample, every token perturbed")
    func byHand() throws {
        let model = BagOfEmbeddingsClassifier()
        let ids = sentences[0]
        let scores: [Double] = [0.3, -0.1, 0.2, 0, 0.4]
        let value = try Infidelity(sampleCount: 1, probability: 1, output: .probability).evaluate(ids, scores: scores, target: 2, model: model)
        let diff = outputs(model, ids, .probability)[2] - outputs(model, [0, 0, 0, 0, 0], .probability)[2]
        #expect(Swift.abs(value - (total(scores) - diff) * (total(scores) - diff)) < 1e-9)
    }

    @Test("seeded; a good attribution beats a random one")
    func seededAndBetterThanRandom() throws {
        let model = TokenwiseTanhClassifier()
        let ids = sentences[2]
        let metric = Infidelity(seed: 4, output: .logit)
        let shap = try KernelSHAP(sampleCount: 200).attribute(ids, targets: [0], model: model)[0].scores
        let random = try RandomRanking(seed: 1).attribute(ids, targets: [0], model: model)[0].scores
        #expect(try metric.evaluate(ids, scores: shap, target: 0, model: model) == metric.evaluate(ids, scores: shap, target: 0, model: model))
        #expect(try metric.evaluate(ids, scores: shap, target: 0, model: model) < metric.evaluate(ids, scores: random, target: 0, model: model))
    }
}
