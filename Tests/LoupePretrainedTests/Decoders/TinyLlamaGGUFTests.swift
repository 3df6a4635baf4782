import Foundation
import LoupeNN
import LoupeTensor
import LoupeTestSupport
import Testing
@testable import LoupePretrained

/// The tiny LLaMA written with gguf-py (Q8_0 embedding and matrices, Q4_1 matrices, F32 norms,
/// Q/K permuted as llama.cpp's converter does, no `output.weight`) against transformers loading
/// the same file.
@Suite struct TinyLlamaGGUFTests {
    func model() throws -> DecoderLanguageModel {
        try DecoderLanguageModel(gguf: GGUFFile.open(DecoderFixtures.url("tiny_llama.gguf")))
    }

    @Test func raggedBatchLogitsMatchTransformers() throws {
        let model = try model()
        let expected = try #require(try DecoderFixtures.expected()["tiny_llama_gguf"])
        let logits = withoutGradients { model.logits(tokenIDs: expected.batch) }
        let (t, v) = (logits.shape[1], logits.shape[2])
        for (b, sequence) in expected.logits.enumerated() {
            for (position, row) in sequence.enumerated() {
                let start = (b * t + position) * v
                expectClose(Array(logits.scalars[start..<(start + v)]), row, absolute: 1e-4, "sequence \(b) position \(position)")
            }
        }
    }

    @Test func greedyTokensAndCacheMatch() throws {
        let model = try model()
        let expected = try #require(try DecoderFixtures.expected()["tiny_llama_gguf"])
        let result = try GreedyGenerator(model: model, ignoreEndOfSequence: true)
            .generate(prompt: expected.prompt, maxNewTokens: expected.greedy.count)
        #expect(result.ids == expected.greedy.map(\.id))
        let ids = expected.batch[0]
        let full = withoutGradients { model.logits(tokenIDs: [ids]) }
        let cache = model.makeCache()
        var rows: [Float] = []
        for id in ids { rows += try withoutGradients { try model.logits(appending: [id], cache: cache) }.scalars }
        expectClose(rows, full.scalars, absolute: 1e-5)
    }

    @Test func storedFormatsAndNamesAreKept() throws {
        let model = try model()
        #expect(model.configuration.tieWordEmbeddings && model.outputHead == nil)
        let attention = model.blocks[0].attention
        guard case .separate(let q, let k, let v) = attention.inputs else { Issue.record("fused"); return }
        #expect(q.isQuantized && k.isQuantized && !v.isQuantized)
        #expect(model.modulePaths.contains("model.layers.1.self_attn.q_proj"))
        #expect(model.namedParameters.keys.contains("model.layers.0.self_attn.v_proj.weight"))
        #expect(model.namedParameters.keys.contains("model.embed_tokens.weight"))
        // The gradient of a next-token logit reaches the embeddings through the quantized projections.
        let ids = [[5, 17, 99]]
        GradientChecker(step: 4e-3, absolute: 5e-3, relative: 3e-2).check([model.embeddings(tokenIDs: ids).detached]) { x in
            model.logits(embeddings: x[0], tokenIDs: ids).reshaped([3, 128]).picking([7, 9, 11])
        }
    }
}
