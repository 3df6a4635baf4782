import Foundation
import LoupeNN
import LoupeTensor
import LoupeTestSupport
import Testing
@testable import LoupePretrained

/// Generation with the block kernels (`QuantizedArithmetic`) against the decoded-tiles path it
/// replaces: the float kernels (the default) give the same greedy tokens on the tiny GGUF fixture
/// and, when downloaded, on SmolLM2's prompts; the int8 kernels give close logits; the tied
/// head is read from the stored Q8_0 embedding.
@Suite struct GreedyQuantizedArithmeticTests {
    func tinyModel() throws -> DecoderLanguageModel {
        try DecoderLanguageModel(gguf: GGUFFile.open(DecoderFixtures.url("tiny_llama.gguf")))
    }

    @Test func tinyGGUFGreedyTokensOfTheFloatKernelsAreTheDecodedTilesOnes() throws {
        let model = try tinyModel()
        #expect(model.storedTokenEmbedding?.type == .q8_0, "the tied head keeps the stored Q8_0 embedding")
        let expected = try #require(try DecoderFixtures.expected()["tiny_llama_gguf"])
        var before = GreedyGenerator(model: model, ignoreEndOfSequence: true)
        before.quantizedArithmetic = .decodedTiles
        let now = GreedyGenerator(model: model, ignoreEndOfSequence: true)
        #expect(now.quantizedArithmetic == .floatKernels)
        let a = try before.generate(prompt: expected.prompt, maxNewTokens: expected.greedy.count)
        let b = try now.generate(prompt: expected.prompt, maxNewTokens: expected.greedy.count)
        #expect(a.ids == expected.greedy.map(\.id))
        #expect(b.ids == a.ids)
        for (x, y) in zip(a.tokens, b.tokens) { expectClose(y.probability, x.probability, absolute: 1e-5) }
    }

    @Test(arguments: [QuantizedArithmetic.Mode.floatKernels, .integerKernels])
    func lastLogitsAreTheLastRowOfTheFullLogits(arithmetic: QuantizedArithmetic.Mode) throws {
        let model = try tinyModel()
        let ids = [5, 17, 99, 3, 42]
        let full = try withoutGradients { try model.logits(appending: ids, cache: model.makeCache()) }
        let v = model.vocabularySize
        let last = try withoutGradients { try model.lastLogits(appending: ids, cache: model.makeCache()) }
        #expect(last.shape == [v])
        let reference = Array(full.scalars[((ids.count - 1) * v)...])
        expectClose(last.scalars, reference, absolute: 1e-5)
        // With the kernels (the tied head multiplies the stored embedding): float kernels within
        // float rounding, int8 kernels within the activations' 8-bit rounding (and not equal).
        let kernels = try QuantizedArithmetic.with(arithmetic) {
            try withoutGradients { try model.lastLogits(appending: ids, cache: model.makeCache()) }
        }
        let scale = reference.map(abs).max() ?? 1
        if arithmetic == .floatKernels {
            expectClose(kernels.scalars, reference, absolute: 1e-5 * Swift.max(scale, 1))
        } else {
            expectClose(kernels.scalars, reference, absolute: 5e-2 * scale)
            #expect(kernels.scalars != reference)
        }
        // Gradients still flow, through the decoded tiles, inside the scope.
        let embeddings = model.embeddings(tokenIDs: [ids]).requiringGradient()
        let taped = QuantizedArithmetic.with(arithmetic) { model.logits(embeddings: embeddings, tokenIDs: [ids]) }
        let constant = withoutGradients { model.logits(embeddings: embeddings, tokenIDs: [ids]) }
        expectClose(taped.scalars, constant.scalars, absolute: 1e-5)
    }

    @Test(.enabled(if: smolLM2URL != nil))
    func smolLM2GreedyTokensOfTheFloatKernelsAreTheDecodedTilesOnes() throws {
        let model = try SmolLM2DecoderTests.loaded.get()
        #expect(model.storedTokenEmbedding?.type == .q8_0)
        let expected = try JSONDecoder().decode(SmolLM2DecoderTests.Expected.self,
                                                from: Data(contentsOf: DecoderFixtures.url("smollm2_expected.json")))
        var before = GreedyGenerator(model: model, endOfSequenceIDs: Set(expected.eos_ids))
        before.quantizedArithmetic = .decodedTiles
        let now = GreedyGenerator(model: model, endOfSequenceIDs: Set(expected.eos_ids))
        for c in expected.cases.prefix(4) {
            let a = try before.generate(prompt: c.chat_ids, maxNewTokens: expected.steps)
            let b = try now.generate(prompt: c.chat_ids, maxNewTokens: expected.steps)
            #expect(a.ids == c.chat_greedy, "decoded tiles: \(c.prompt)")
            #expect(b.ids == a.ids, "float kernels: \(c.prompt)")
            for (x, y) in zip(a.tokens, b.tokens) { expectClose(y.probability, x.probability, absolute: 1e-4) }
        }
    }
}
