import LoupeAttribution
import LoupeNN
import LoupeTensor
import LoupeTestSupport
import Testing
@testable import LoupePretrained

/// `runWithCache`: one forward pass that keeps every named site, the model's logits unchanged.
@Suite struct RunWithCacheTests {
    static let ids = [5, 17, 99, 3, 42]

    @Test(arguments: DecoderFixtures.huggingFaceModels)
    func capturesEverySiteAndTheLogits(_ name: String) throws {
        let model = try DecoderFixtures.model(name)
        let cache = try model.runWithCache(tokenIDs: Self.ids)
        #expect(cache.siteNames == model.activationSites.map(\.name))
        let plain = withoutGradients { model.logits(tokenIDs: [Self.ids]) }
        expectClose(cache.logits, plain, absolute: 1e-5)
        let e = model.residualWidth, t = Self.ids.count
        for l in 0..<model.layerCount {
            #expect(try cache.activation(.residualPost(l)).shape == [1, t, e])
            #expect(try cache.activation(.attentionPattern(l)).shape == [1, model.headCount, t, t])
            #expect(try cache.activation(.attentionContext(l)).shape == [1, t, model.headCount * model.headDimension])
        }
        if model.positionEmbedding != nil { #expect(try cache.activation(.positionEmbed).shape == [1, t, e]) }
        // The cache is consistent with itself: the last block's output unembeds to the logits, and
        // resid_post = resid_mid + mlp_out.
        expectClose(model.unembed(residual: try cache.activation(.residualPost(model.layerCount - 1))), cache.logits,
                    absolute: 1e-4)
        let l = model.layerCount - 1
        expectClose(try cache.activation(.residualPost(l)),
                    try cache.activation(.residualMid(l)) + cache.activation(.mlpOutput(l)), absolute: 1e-5)
        #expect(try !cache.activation(.embed).requiresGradient)
    }

    @Test func keepsOnlyTheChosenSites() throws {
        let model = try DecoderFixtures.model("llama_gqa")
        let cache = try model.runWithCache(tokenIDs: Self.ids, sites: [.residualPost(1), .embed])
        #expect(cache.siteNames == [.embed, .residualPost(1)])
        #expect(cache[.residualPost(0)] == nil)
        #expect(throws: ModelInputError.self) { try cache.activation(.residualPost(0)) }
        #expect(cache.contains(.embed))
    }

    @Test func unknownSiteNamesTheAvailableOnes() throws {
        let model = try DecoderFixtures.model("gpt2")
        do {
            _ = try model.runWithCache(tokenIDs: Self.ids, sites: ["blocks.9.hook_resid_post"])
            Issue.record("no error for an unknown site")
        } catch let error as ModelInputError {
            #expect(error.description.contains("blocks.9.hook_resid_post"))
            #expect(error.description.contains("blocks.1.hook_resid_post"))
            #expect(error.description.contains("hook_embed"))
        }
    }

    @Test func badIDsThrow() throws {
        let model = try DecoderFixtures.model("gpt2")
        #expect(throws: ModelInputError.self) { try model.runWithCache(tokenIDs: []) }
        #expect(throws: ModelInputError.self) { try model.runWithCache(tokenIDs: [3, model.vocabularySize]) }
        #expect(throws: ModelInputError.self) { try model.runWithCache(tokenIDs: [-1]) }
        let tooLong = [Int](repeating: 3, count: (model.maximumSequenceLength ?? 0) + 1)
        #expect(throws: ModelInputError.self) { try model.runWithCache(tokenIDs: tooLong) }
    }
}
