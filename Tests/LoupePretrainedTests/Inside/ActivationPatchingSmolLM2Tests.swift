import Foundation
import LoupeTestSupport
import LoupeAttribution
import LoupeNN
import Testing
@testable import LoupePretrained

/// Activation patching on SmolLM2-135M-Instruct (skipped unless the model is downloaded, see
/// ``RealModels``): "The Eiffel Tower is in the city of" vs "The Colosseum is in the city of",
/// logit(" Paris") − logit(" Rome"). The clean run prefers Paris and the corrupted one Rome, every
/// recovery of the residual sweep is finite, and the exact invariants hold to 1e-4.
@Suite(.enabled(if: RealModels.smolLM2 != nil))
struct ActivationPatchingSmolLM2Tests {
    @Test func eiffelTowerSweepAndInvariants() throws {
        let loaded = try PretrainedModel.load(try #require(RealModels.smolLM2))
        let model = try #require(loaded.languageModel as? any ResidualStreamModel)
        let clean = loaded.tokenizer.encode("The Eiffel Tower is in the city of", addSpecialTokens: true).map(\.id)
        let corrupt = loaded.tokenizer.encode("The Colosseum is in the city of", addSpecialTokens: true).map(\.id)
        try #require(clean.count == corrupt.count, "\(clean.count) vs \(corrupt.count) tokens")
        let paris = try #require(loaded.tokenizer.encode(" Paris", addSpecialTokens: false).first).id
        let rome = try #require(loaded.tokenizer.encode(" Rome", addSpecialTokens: false).first).id
        let patching = try ActivationPatching(model: model, clean: clean, corruption: .prompt(corrupt),
                                              metric: .logitDifference(target: paris, foil: rome))
        #expect(patching.cleanMetric > 0 && patching.corruptedMetric < 0)

        let grid = try patching.sweep(.residual)
        #expect(grid.layerCount == 30 && grid.positionCount == clean.count)
        #expect(grid.recoveries.allSatisfy { $0.allSatisfy(\.isFinite) })
        // Positions before the first changed token carry nothing the corruption changed.
        let first = try #require(clean.indices.first { clean[$0] != corrupt[$0] })
        for layer in 0..<30 { for p in 0..<first { #expect(Swift.abs(grid.recoveries[layer][p]) < 1e-4) } }

        let t = clean.count
        let all = try patching.metric(patching: [ActivationPatch(site: .residualPre(0))])
        #expect(Swift.abs(patching.recovery(of: all) - 1) < 1e-4, "resid_pre 0, every position: \(patching.recovery(of: all))")
        let last = try patching.metric(patching: [ActivationPatch(site: .residualPost(29), positions: [t - 1])])
        #expect(Swift.abs(patching.recovery(of: last) - 1) < 1e-4, "resid_post 29, last position: \(patching.recovery(of: last))")
    }
}
