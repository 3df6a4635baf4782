import LoupeAttribution
import LoupeNN
import LoupeTensor
import Testing

@Suite("Layer integrated gradients")
struct LayerIntegratedGradientsTests {
    @Test("completeness at a hidden layer: Σ scores ≈ F(x) − F(baseline)", arguments: ["encoder.0", "encoder.1"])
    func completeness(layer: String) throws {
        let model = TokenwiseTanhClassifier()
        let lig = LayerIntegratedGradients(layer: layer, stepCount: 48, baseline: .zero)
        for ids in sentences {
            let x = embeddings(model, ids)
            let full = outputs(model, ids, embeddings: x), base = outputs(model, ids, embeddings: Tensor.zeros(x.shape))
            for a in try lig.attribute(ids, targets: [0, 1, 2], model: model) {
                #expect(a.layer.rawValue == layer)
                #expect(a.scores.count == ids.count)
                let gap = full[a.target.index] - base[a.target.index]
                #expect(Swift.abs(total(a.scores) - gap) < 1e-4, "Σ \(total(a.scores)) vs gap \(gap)")
                #expect(Swift.abs((a.convergenceDelta ?? .nan) - (total(a.scores) - gap)) < 1e-5)
            }
        }
    }

    @Test("at the embedding layer it is integrated gradients", arguments: TinyModel.allCases)
    func embeddingLayerIsIG(kind: TinyModel) throws {
        let model = kind.make()
        for ids in sentences {
            let a = try LayerIntegratedGradients(layer: "embedding", stepCount: 10).attribute(ids, targets: [0, 1, 2], model: model)
            let b = try IntegratedGradients(stepCount: 10).attribute(ids, targets: [0, 1, 2], model: model)
            for (x, y) in zip(a, b) {
                #expect(maxDifference(x.scores, y.scores) < 1e-6)
                #expect(maxDifference(try #require(x.scoresL2), try #require(y.scoresL2)) < 1e-6)
            }
        }
    }

    @Test("adaptive steps reach the tolerance")
    func adaptive() throws {
        let a = try LayerIntegratedGradients(layer: "encoder.1", rule: .riemannLeft, stepCount: 2, tolerance: 1e-3)
            .attribute(sentences[2], targets: [0], model: TokenwiseTanhClassifier())[0]
        #expect(Swift.abs(a.convergenceDelta ?? 1) <= 1e-3)
        #expect(a.parameters["requested_steps"] == .int(2))
    }

    @Test("an unknown layer's error lists the available module paths")
    func unknownLayer() {
        do {
            _ = try LayerIntegratedGradients(layer: "encoder.7").attribute([1, 2], targets: [0], model: TokenwiseTanhClassifier())
            Issue.record("expected an error")
        } catch let error as LayerAttributionError {
            let text = "\(error)"
            for path in ["embedding", "encoder.0", "encoder.1", "classifier"] { #expect(text.contains("'\(path)'")) }
            #expect(text.contains("encoder.7"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("a layer whose output is not [batch, tokens, features] is refused")
    func pooledLayerRefused() {
        #expect(throws: AttributionError.self) {
            try LayerIntegratedGradients(layer: "classifier").attribute([1, 2], targets: [0], model: TokenwiseTanhClassifier())
        }
    }
}
