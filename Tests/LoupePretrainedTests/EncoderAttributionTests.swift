import Foundation
import LoupeAttribution
import LoupeNN
import LoupeTensor
import LoupeTestSupport
import Testing
@testable import LoupePretrained

/// LoupeAttribution on a loaded Hugging Face classifier: every method runs, integrated gradients
/// is complete, the [PAD]-keeping-specials baseline is Captum's BERT-tutorial reference, and the
/// numbers equal Captum's `LayerIntegratedGradients` on `bert.embeddings.word_embeddings`.
@Suite struct EncoderAttributionTests {
    static let methods: [any AttributionMethod] = [
        IntegratedGradients(stepCount: 8), IntegratedGradients(stepCount: 8, baseline: .zero),
        Saliency(), InputXGradient(), LeaveOneOut(), Occlusion(window: 2), NoiseTunnel(Saliency(), sampleCount: 2),
        GradientSHAP(sampleCount: 4), KernelSHAP(sampleCount: 16),
        LayerIntegratedGradients(layer: "blocks.0.hook_resid_post", stepCount: 8),
        LayerIntegratedGradients(layer: "bert.encoder.layer.1", stepCount: 8),
        LayerGradientXActivation(layer: "blocks.1.hook_attn_out"), AttentionRollout(), RandomRanking(),
    ]

    static func model() throws -> HFEncoderClassifier {
        let model = try HFEncoderClassifier.load(folder: EncoderFixtures.folder("bert_cls"))
        model.specialTokenIDs = [2, 3]  // the fixture's [CLS] and [SEP]
        return model
    }

    static let input = [2, 17, 45, 9, 88, 3]

    @Test(arguments: methods.indices)
    func everyMethodRuns(_ index: Int) throws {
        let method = Self.methods[index]
        let model = try Self.model()
        let results = try method.attribute([Self.input, [2, 61, 5, 3]], targets: [0, 2], model: model)
        #expect(results.count == 2 && results.allSatisfy { $0.count == 2 })
        for (row, perTarget) in results.enumerated() {
            for a in perTarget {
                #expect(a.scores.count == [6, 4][row], "\(method.id)")
                #expect(a.scores.allSatisfy { $0.isFinite }, "\(method.id)")
            }
        }
    }

    /// `F(embeddings)` for class `target` with the masks of `ids`.
    func score(_ model: HFEncoderClassifier, embeddings: Tensor, ids: [Int], target: Int) -> Double {
        Double(withoutGradients { model.logits(embeddings: embeddings, tokenIDs: [ids]) }.scalars[target])
    }

    @Test(arguments: [Baseline.pad, .zero])
    func integratedGradientsIsComplete(_ baseline: Baseline) throws {
        let model = try Self.model()
        let a = try IntegratedGradients(stepCount: 64, baseline: baseline).attribute(Self.input, targets: [1], model: model)[0]
        let x = withoutGradients { model.embeddings(tokenIDs: [Self.input]) }
        // The baseline, built independently: [PAD] word vectors with [CLS]/[SEP] kept (or zeros).
        let reference: [Int]
        switch baseline {
        case .pad: reference = [2, 0, 0, 0, 0, 3]
        default: reference = []
        }
        let x0 = reference.isEmpty ? Tensor.zeros(x.shape) : withoutGradients { model.embeddings(tokenIDs: [reference]) }
        let gap = score(model, embeddings: x, ids: Self.input, target: 1) - score(model, embeddings: x0, ids: Self.input, target: 1)
        let total = a.scores.reduce(0, +)
        #expect(Swift.abs(total - gap) < 1e-3, "Σ IG \(total) vs F(x) − F(x') \(gap)")
        #expect(Swift.abs(try #require(a.convergenceDelta)) < 1e-3)
        if baseline == .pad {
            #expect(a.scores.first == 0 && a.scores.last == 0, "[CLS] and [SEP] are kept: no attribution")
        } else {
            #expect(a.scores.first != 0)
        }
    }

    @Test func baselineReplacesOnlyWordEmbeddings() throws {
        // Positions and token types are added inside the model, so the [PAD] baseline keeps them:
        // F(baseline) differs from F at a sequence of real [PAD] ids (which would also be masked).
        let model = try Self.model()
        let pads = withoutGradients { model.embeddings(tokenIDs: [[0, 0, 0, 0, 0, 0]]) }
        let withPositions = withoutGradients { model.logits(embeddings: pads, tokenIDs: [Self.input]) }
        let encoder = model.encoder
        let manual = withoutGradients {
            let batch = TokenBatch([Self.input], padID: 0)
            var x = pads + encoder.embeddings.tokenType!([0]) + encoder.embeddings.position(Array(0..<6))
            x = encoder.embeddings.norm(x)
            for layer in encoder.layers { x = layer(x, padding: nil) }
            _ = batch
            return model.head(x)
        }
        expectClose(withPositions.scalars, manual.scalars, absolute: 1e-5)
    }

    @Test func matchesCaptumOnTheTinyBERT() throws {
        let model = try Self.model()
        let cases = try #require(try EncoderFixtures.expected("bert_cls")["captum"] as? [[String: Any]])
        for case_ in cases {
            let ids = try #require(case_["input_ids"] as? [Int])
            let target = try #require(case_["target"] as? Int)
            let expected = try EncoderFixtures.floats(case_["scores"]).map(Double.init)
            let ig = try IntegratedGradients(rule: .gaussLegendre, stepCount: 50, baseline: .pad)
                .attribute(ids, targets: [target], model: model)[0]
            #expect(ig.scores.count == expected.count)
            for (got, want) in zip(ig.scores, expected) { #expect(Swift.abs(got - want) <= 1e-4, "IG \(got) vs Captum \(want)") }
            let lig = try LayerIntegratedGradients(layer: "bert.embeddings.word_embeddings", rule: .gaussLegendre, stepCount: 50,
                                                   baseline: .pad).attribute(ids, targets: [target], model: model)[0]
            for (got, want) in zip(lig.scores, expected) { #expect(Swift.abs(got - want) <= 1e-4, "LIG \(got) vs Captum \(want)") }
            let fx = try #require(case_["f_input"] as? Double), fb = try #require(case_["f_baseline"] as? Double)
            #expect(Swift.abs(ig.scores.reduce(0, +) - (fx - fb)) < 1e-4)
        }
    }
}
