import LoupeAttribution
import Testing

@Suite("Random ranking baseline")
struct RandomRankingTests {
    @Test("seeded, target-independent, in [0, 1), independent of the batch")
    func properties() throws {
        let model = BagOfEmbeddingsClassifier()
        let a = try RandomRanking(seed: 5).attribute(sentences, targets: [0, 1, 2], model: model, output: .logit)
        let b = try RandomRanking(seed: 5).attribute(sentences[0], targets: [0], model: model)[0]
        let c = try RandomRanking(seed: 6).attribute(sentences[0], targets: [0], model: model)[0]
        #expect(a[0][0].scores == b.scores)
        #expect(a[0][0].scores != c.scores)
        #expect(a[2][0].scores == a[2][2].scores)
        #expect(a.joined().allSatisfy { $0.scores.allSatisfy { $0 >= 0 && $0 < 1 } })
        #expect(a[3][0].scores.count == 1)
    }
}
