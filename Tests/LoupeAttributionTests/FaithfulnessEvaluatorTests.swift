import LoupeAttribution
import LoupeNN
import LoupeTensor
import Testing

@Suite("Faithfulness block")
struct FaithfulnessEvaluatorTests {
    @Test("every method gets the metrics, random is added, pairs get Kendall τ-b")
    func block() throws {
        let model = oneTokenModel()
        let methods: [any AttributionMethod] = [IntegratedGradients(stepCount: 8), LeaveOneOut()]
        let attributions = try methods.flatMap { try $0.attribute(keyedInput, targets: [0, 1], model: model) }
        let evaluator = FaithfulnessEvaluator(sensitivity: SensitivityMax(sampleCount: 2))
        let block = evaluator.evaluate(keyedInput, target: 1, attributions: attributions, model: model,
                                       methods: methods, rationale: [2])
        #expect(block.target.index == 1 && block.output == "probability")
        #expect(block.methods.map(\.method) == ["integrated-gradients", "leave-one-out", "random"])
        for e in block.methods {
            #expect(e.error == nil)
            #expect(e.comprehensiveness?.count == 5 && e.sufficiency?.count == 5)
            #expect(e.deletionAUC != nil && e.insertionAUC != nil && e.infidelity != nil && e.sensitivityMax != nil)
        }
        // Both real methods find the decisive token; they beat the random ranking.
        #expect(block.methods[0].rationaleTop1Hit == true && block.methods[1].rationaleTop1Hit == true)
        #expect(block.methods[0].comprehensivenessAOPC! >= block.methods[2].comprehensivenessAOPC!)
        #expect(block.rankAgreement?.count == 1)
        #expect(block.rankAgreement?.first.map { $0.a == "integrated-gradients" && $0.b == "leave-one-out" } == true)
    }

    /// On a sum-pooled linear model, deleting a set of tokens changes the logit by exactly the sum of
    /// their input × gradient (= IG from zero) scores: a perfect explanation of the logit, whose
    /// infidelity must be 0 — in the attribution's own units, whatever their scale — and below
    /// the random ranking's (the set-up that once ranked random first measured it on probabilities).
    @Test("infidelity is measured in the attribution's units: an exact explanation scores 0 and beats random")
    func infidelityUsesTheAttributionsUnits() throws {
        let model = LinearBagModel(meanPooling: false)
        let ids = [3, 9, 14, 2, 20, 7, 11, 5]
        let ig = try IntegratedGradients(stepCount: 4, baseline: .zero).attribute(ids, targets: [1], model: model)
        let scaled = ig.map { a -> Attribution in
            var b = a
            b.method = "input-x-gradient"
            b.scores = a.scores.map { $0 * 40 }          // the same ranking, another scale
            return b
        }
        let block = FaithfulnessEvaluator().evaluate(ids, target: 1, attributions: ig + scaled, model: model)
        let exact = try #require(block.methods.first { $0.method == "integrated-gradients" }?.infidelity)
        let rescaled = try #require(block.methods.first { $0.method == "input-x-gradient" }?.infidelity)
        let random = try #require(block.methods.first { $0.method == "random" }?.infidelity)
        #expect(exact < 1e-9, "exact explanation: \(exact)")
        #expect(Swift.abs(rescaled - exact) < 1e-9, "normalised: the scale does not matter")
        #expect(random > 1e-4 && random > 100 * exact)
        #expect(block.parameters["infidelity_normalize"] == .bool(true))
        #expect(block.parameters["infidelity_output"] == .string("attribution"))
    }

    @Test("non-finite scores become an error entry")
    func nonFinite() {
        let model = oneTokenModel()
        var a = Attribution(method: "broken", target: AttributionTarget(index: 1, label: "c1"), output: .logit,
                            layer: "embedding", parameters: [:], scores: Array(repeating: 0, count: keyedInput.count))
        a.scores[3] = .nan
        let block = FaithfulnessEvaluator(randomBaselineSeed: nil).evaluate(keyedInput, target: 1, attributions: [a], model: model)
        #expect(block.methods.count == 1)
        #expect(block.methods[0].error != nil && block.methods[0].comprehensiveness == nil)
        let entry = FaithfulnessEntry(method: "m", layer: "l", deletionAUC: .infinity).checked
        #expect(entry.error != nil && entry.deletionAUC == nil)
    }
}
