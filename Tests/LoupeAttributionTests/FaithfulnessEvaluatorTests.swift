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
