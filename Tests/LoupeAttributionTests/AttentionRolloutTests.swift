import LoupeAttribution
import LoupeNN
import LoupeTensor
import Testing

@Suite("Attention rollout")
struct AttentionRolloutTests {
    /// Layer 1 (2 heads) and layer 2 (1 head) over 3 tokens.
    static let layer1 = Tensor(shape: [1, 2, 3, 3], scalars: [
        1, 0, 0,   0.5, 0.5, 0,   0, 0, 1,
        0, 1, 0,   0.5, 0.5, 0,   0, 0.5, 0.5,
    ])
    static let layer2 = Tensor(shape: [1, 1, 3, 3], scalars: [
        0, 0, 1,   0, 1, 0,   1, 0, 0,
    ])

    @Test("a hand-computed two-layer rollout")
    func handComputed() throws {
        let model = HandAttentionModel(layers: [Self.layer1, Self.layer2])
        let ids = [4, 5, 6]
        // mean heads, layer 1: [[.5,.5,0],[.5,.5,0],[0,.25,.75]] → Â₁ = .5·that + .5·I
        let a1: [[Double]] = [[0.75, 0.25, 0], [0.25, 0.75, 0], [0, 0.125, 0.875]]
        // layer 2: [[0,0,1],[0,1,0],[1,0,0]] → Â₂
        let a2: [[Double]] = [[0.5, 0, 0.5], [0, 1, 0], [0.5, 0, 0.5]]
        var r = [[Double]](repeating: [0, 0, 0], count: 3)
        for i in 0..<3 { for j in 0..<3 { for k in 0..<3 { r[i][j] += a2[i][k] * a1[k][j] } } }
        let expected = (0..<3).map { j in (0..<3).reduce(0.0) { $0 + r[$1][j] } / 3 }
        let results = try AttentionRollout().attribute(ids, targets: [0, 1, 2], model: model)
        for a in results {
            #expect(maxDifference(a.scores, expected) < 1e-9)
            #expect(a.parameters["target_independent"] == .bool(true))
            #expect(a.layer == "attention")
        }
        #expect(Swift.abs(total(results[0].scores) - 1) < 1e-9)
    }

    @Test("uniform attention leaves uniform scores; queries on [PAD] are not averaged")
    func uniformAndPadding() throws {
        let uniform = Tensor(repeating: 1.0 / 3, shape: [1, 4, 3, 3])
        let model = HandAttentionModel(layers: [uniform, uniform])
        let a = try AttentionRollout().attribute([4, 5, 6], targets: [0], model: model)[0]
        #expect(maxDifference(a.scores, [1.0 / 3, 1.0 / 3, 1.0 / 3]) < 1e-9)
        // With the last id a [PAD], only the first two query rows are averaged.
        let b = try AttentionRollout(residualWeight: 0).attribute([4, 5, 0], targets: [0], model: HandAttentionModel(layers: [Self.layer2]))[0]
        #expect(maxDifference(b.scores, [0, 0.5, 0.5]) < 1e-9)
    }

    @Test("a model without attention is refused")
    func needsAttention() {
        #expect(throws: AttributionError.self) {
            try AttentionRollout().attribute([1, 2], targets: [0], model: BagOfEmbeddingsClassifier())
        }
    }
}
