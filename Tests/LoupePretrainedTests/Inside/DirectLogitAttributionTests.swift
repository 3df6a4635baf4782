import Foundation
import LoupeAttribution
import LoupeNN
import LoupeTensor
import LoupeTestSupport
import Testing
@testable import LoupePretrained

/// Direct logit attribution: the table is complete (components + the final norm's bias term =
/// the logit), heads add up to their layer, a foil is the difference of two targets, and the
/// numbers are transformers'.
@Suite struct DirectLogitAttributionTests {
    @Test(arguments: LensFixtures.models)
    func matchesTransformers(_ name: String) throws {
        let expected = try LensFixtures.expected(name)
        let model = try DecoderFixtures.model(name)
        let result = try DirectLogitAttribution(perHead: true).run(model, tokenIDs: expected.ids,
                                                                   target: expected.target, foil: expected.foil)
        #expect(result.position == expected.ids.count - 1)
        #expect(abs(result.logit - expected.logit_difference) < 1e-4)
        #expect(Set(result.components.map(\.name)) == Set(expected.components.keys))
        for component in result.components {
            let reference = try #require(expected.components[component.name])
            #expect(abs(component.contribution - reference) < 1e-4, "\(name) \(component.name)")
        }
        let heads = try #require(result.heads)
        for (l, layer) in heads.enumerated() {
            for (h, score) in layer.heads.enumerated() {
                #expect(abs(score - expected.heads[l][h]) < 1e-4, "\(name) layer \(l) head \(h)")
            }
        }
        #expect(abs(result.remainder - expected.final_norm_bias) < 1e-4)
    }

    /// Completeness: Σ contributions = logit − (final norm bias · W_U) — exactly 0 left for RMSNorm
    /// models, the LayerNorm bias term (computed here from the weights) for GPT-2.
    @Test(arguments: DecoderFixtures.huggingFaceModels)
    func contributionsAddUpToTheLogit(_ name: String) throws {
        let model = try DecoderFixtures.model(name)
        let ids = [5, 17, 99, 3, 42]
        let target = 7
        for position in [0, 2, 4] {
            let result = try DirectLogitAttribution(position: position, perHead: true).run(model, tokenIDs: ids,
                                                                                          target: target)
            var biasTerm: Float = 0
            if let norm = model.finalNorm as? LayerNorm {
                #expect(model.outputHead == nil, "the GPT-2 fixture ties its unembedding")
                let w = model.tokenEmbedding.weight.value.gatherRows([target]).scalars
                biasTerm = zip(norm.bias.value.scalars, w).reduce(0) { $0 + $1.0 * $1.1 }
            }
            #expect(abs(result.remainder - Double(biasTerm)) < 1e-3, "\(name) position \(position): \(result.remainder)")
            for layer in try #require(result.heads) {
                let attention = try #require(result.component(ActivationSiteName.attentionOutput(layer.layer).rawValue))
                let sum = layer.heads.reduce(layer.bias, +)
                #expect(abs(sum - attention.contribution) < 1e-4)
                if model.blocks[layer.layer].attention.output.bias == nil { #expect(abs(layer.bias) < 1e-5) }
            }
        }
    }

    @Test func foilIsTheDifferenceOfTwoTargets() throws {
        let model = try DecoderFixtures.model("gpt2")
        let ids = [5, 17, 99]
        let a = try DirectLogitAttribution().run(model, tokenIDs: ids, target: 10)
        let b = try DirectLogitAttribution().run(model, tokenIDs: ids, target: 20)
        let both = try DirectLogitAttribution().run(model, tokenIDs: ids, target: 10, foil: 20)
        #expect(both.components.count == a.components.count)
        for (c, (x, y)) in zip(both.components, zip(a.components, b.components)) {
            #expect(abs(c.contribution - (x.contribution - y.contribution)) < 1e-5)
        }
        #expect(abs(both.logit - (a.logit - b.logit)) < 1e-5)
        #expect(both.components.first?.kind == .embedding)
        #expect(both.components[1].kind == .positionEmbedding)
        #expect(both.heads == nil)
    }

    @Test func badInputThrows() throws {
        let model = try DecoderFixtures.model("llama_gqa")
        #expect(throws: AttributionError.self) { try DirectLogitAttribution(position: 3).run(model, tokenIDs: [1, 2], target: 0) }
        #expect(throws: AttributionError.self) { try DirectLogitAttribution(position: -1).run(model, tokenIDs: [1, 2], target: 0) }
        #expect(throws: AttributionError.self) { try DirectLogitAttribution().run(model, tokenIDs: [1], target: 128) }
        #expect(throws: AttributionError.self) { try DirectLogitAttribution().run(model, tokenIDs: [1], target: 0, foil: -2) }
        #expect(throws: ModelInputError.self) { try DirectLogitAttribution().run(model, tokenIDs: [], target: 0) }
    }
}
