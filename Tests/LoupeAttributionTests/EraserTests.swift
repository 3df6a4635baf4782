import Foundation
import LoupeAttribution
import LoupeNN
import LoupeTensor
import Testing

/// σ(z).
func sigmoid(_ z: Double) -> Double { 1 / (1 + Foundation.exp(-z)) }

/// Ten tokens; the one-token model only reads id 7 (position 2).
let keyedInput = [3, 9, 7, 2, 20, 5, 11, 17, 4, 8]
/// Scores ranking position 2 first / last.
let goodScores: [Double] = [0.5, 0.4, 2, 0.3, 0.2, 0.1, 0.05, 0.02, 0.01, 0]
let worstScores: [Double] = [0.5, 0.4, -2, 0.3, 0.2, 0.1, 0.05, 0.02, 0.01, 0]

@Suite("ERASER comprehensiveness and sufficiency")
struct EraserTests {
    @Test("k = max(1, ⌈q·n⌉)", arguments: [(0.01, 10, 1), (0.05, 10, 1), (0.1, 10, 1), (0.2, 10, 2), (0.5, 10, 5),
                                           (0.2, 7, 2), (0.5, 7, 4), (0.5, 1, 1), (1.0, 3, 3)])
    func tokenCounts(q: Double, n: Int, k: Int) {
        #expect(EraserMetrics.tokenCount(fraction: q, of: n) == k)
    }

    @Test("a ranking with the decisive token first is comprehensive and sufficient; the reverse is not")
    func decisiveToken() throws {
        let model = oneTokenModel()
        let eraser = EraserMetrics()
        let good = try eraser.evaluate(keyedInput, scores: goodScores, target: 1, model: model)
        let worst = try eraser.evaluate(keyedInput, scores: worstScores, target: 1, model: model)
        let drop = sigmoid(2) - sigmoid(-2)
        #expect(maxDifference(good.comprehensiveness, Array(repeating: drop, count: 5)) < 1e-6)
        #expect(maxDifference(good.sufficiency, Array(repeating: 0, count: 5)) < 1e-6)
        #expect(maxDifference(worst.comprehensiveness, Array(repeating: 0, count: 5)) < 1e-6)
        #expect(maxDifference(worst.sufficiency, Array(repeating: drop, count: 5)) < 1e-6)
        #expect(Swift.abs(good.fullOutput - sigmoid(2)) < 1e-6)
        // Better than chance: random rankings put the token first only sometimes.
        var randomAOPC = 0.0
        for seed in 0..<10 as Range<UInt64> {
            let scores = try RandomRanking(seed: seed).attribute(keyedInput, targets: [1], model: model)[0].scores
            randomAOPC += try eraser.evaluate(keyedInput, scores: scores, target: 1, model: model).aopcComprehensiveness / 10
        }
        #expect(good.aopcComprehensiveness > randomAOPC)
        #expect(good.aopcSufficiency < worst.aopcSufficiency)
    }

    @Test("removal deletes tokens from the sequence; values match hand evaluation")
    func byHand() throws {
        let model = BagOfEmbeddingsClassifier()
        let ids = sentences[2]
        let scores: [Double] = [0.1, -0.4, 0.9, 0.3, 0.3, 0, 0.2]
        let r = try EraserMetrics(fractions: [0.2, 0.5]).evaluate(ids, scores: scores, target: 0, model: model)
        let p = { (x: [Int]) in outputs(model, x, .probability)[0] }
        // 0.2·7 → 2 tokens: positions 2 and 3 (0.3 tie: earlier first); 0.5·7 → 4: 2, 3, 4, 6.
        #expect(r.tokenCounts == [2, 4])
        #expect(Swift.abs(r.comprehensiveness[0] - (p(ids) - p([17, 4, 21, 6, 10]))) < 1e-6)
        #expect(Swift.abs(r.sufficiency[0] - (p(ids) - p([8, 13]))) < 1e-6)
        #expect(Swift.abs(r.comprehensiveness[1] - (p(ids) - p([17, 4, 6]))) < 1e-6)
        #expect(Swift.abs(r.sufficiency[1] - (p(ids) - p([8, 13, 21, 10]))) < 1e-6)
        #expect(Swift.abs(r.aopcComprehensiveness - (r.comprehensiveness[0] + r.comprehensiveness[1]) / 2) < 1e-12)
    }

    @Test("a given rationale; deleting every token evaluates an empty ([PAD]) input")
    func rationale() throws {
        let model = oneTokenModel()
        let r = try EraserMetrics().evaluate(keyedInput, rationale: [2], target: 1, model: model)
        #expect(Swift.abs(r.comprehensiveness - (sigmoid(2) - sigmoid(-2))) < 1e-6)
        #expect(Swift.abs(r.sufficiency) < 1e-6)
        let single = try EraserMetrics().evaluate([7], scores: [1], target: 1, model: model)
        #expect(maxDifference(single.comprehensiveness, Array(repeating: sigmoid(2) - sigmoid(-2), count: 5)) < 1e-6)
    }

    @Test("mismatched scores are refused")
    func validation() {
        #expect(throws: AttributionError.self) {
            try EraserMetrics().evaluate([1, 2, 3], scores: [1], target: 0, model: BagOfEmbeddingsClassifier())
        }
    }
}
