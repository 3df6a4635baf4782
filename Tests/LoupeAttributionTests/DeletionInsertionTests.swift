import LoupeAttribution
import LoupeNN
import LoupeTensor
import Testing

@Suite("Deletion and insertion curves")
struct DeletionInsertionTests {
    @Test("the trapezoid rule on known integrals")
    func trapezoid() throws {
        #expect(try DeletionInsertion.trapezoid([0, 0.5, 1], [0, 0.5, 1]) == 0.5)
        #expect(try DeletionInsertion.trapezoid([0, 0.25, 1], [1, 1, 1]) == 1)
        #expect(try DeletionInsertion.trapezoid([0], [3]) == 0)
    }

    @Test("decisive token first: deletion falls at once, insertion rises at once")
    func decisiveToken() throws {
        let model = oneTokenModel()
        let curves = DeletionInsertion()
        let deletion = try curves.deletion(keyedInput, scores: goodScores, target: 1, model: model)
        let insertion = try curves.insertion(keyedInput, scores: goodScores, target: 1, model: model)
        let (hi, lo) = (sigmoid(2), sigmoid(-2))
        #expect(deletion.fractions.count == 11 && deletion.fractions.first == 0 && deletion.fractions.last == 1)
        #expect(maxDifference(deletion.values, [hi] + Array(repeating: lo, count: 10)) < 1e-6)
        #expect(maxDifference(insertion.values, [lo] + Array(repeating: hi, count: 10)) < 1e-6)
        #expect(Swift.abs(deletion.auc - (0.1 * (hi + lo) / 2 + 0.9 * lo)) < 1e-6)
        #expect(Swift.abs(insertion.auc - (0.1 * (hi + lo) / 2 + 0.9 * hi)) < 1e-6)
        let worstDeletion = try curves.deletion(keyedInput, scores: worstScores, target: 1, model: model)
        let worstInsertion = try curves.insertion(keyedInput, scores: worstScores, target: 1, model: model)
        #expect(deletion.auc < worstDeletion.auc)
        #expect(insertion.auc > worstInsertion.auc)
    }

    @Test("deletion masks with [PAD]; insertion starts from all [PAD] (hand evaluation)")
    func byHand() throws {
        let model = TokenwiseTanhClassifier()
        let ids = [5, 11, 17]
        let scores: [Double] = [0.2, 0.9, -1]
        let p = { (x: [Int]) in outputs(model, x, .probability)[2] }
        let d = try DeletionInsertion().deletion(ids, scores: scores, target: 2, model: model)
        let i = try DeletionInsertion().insertion(ids, scores: scores, target: 2, model: model)
        #expect(maxDifference(d.values, [p(ids), p([5, 0, 17]), p([0, 0, 17]), p([0, 0, 0])]) < 1e-6)
        #expect(maxDifference(i.values, [p([0, 0, 0]), p([0, 11, 0]), p([5, 11, 0]), p(ids)]) < 1e-6)
    }
}
