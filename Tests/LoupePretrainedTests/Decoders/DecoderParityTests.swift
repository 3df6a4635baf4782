import Foundation
import LoupeNN
import LoupeTensor
import LoupeTestSupport
import Testing
@testable import LoupePretrained

/// The tiny GPT-2, LLaMA (grouped-query, tied and untied, llama3 RoPE) and Qwen2 checkpoints
/// give transformers' logits, cached decoding equals the full pass, and greedy decoding picks
/// transformers' tokens.
@Suite struct DecoderParityTests {
    @Test(arguments: DecoderFixtures.huggingFaceModels)
    func raggedBatchLogitsMatchTransformers(name: String) throws {
        let model = try DecoderFixtures.model(name)
        let expected = try #require(try DecoderFixtures.expected()[name])
        let logits = withoutGradients { model.logits(tokenIDs: expected.batch) }
        let (t, v) = (logits.shape[1], logits.shape[2])
        #expect(logits.shape == [expected.batch.count, expected.batch.map(\.count).max() ?? 0, 128])
        for (b, sequence) in expected.logits.enumerated() {
            for (position, row) in sequence.enumerated() {
                let start = (b * t + position) * v
                expectClose(Array(logits.scalars[start..<(start + v)]), row, absolute: 1e-4,
                            "\(name) sequence \(b) position \(position)")
            }
        }
    }

    @Test(arguments: DecoderFixtures.huggingFaceModels)
    func cachedDecodingEqualsTheFullPass(name: String) throws {
        let model = try DecoderFixtures.model(name)
        let ids = [5, 17, 99, 3, 64, 12, 77]
        let full = withoutGradients { model.logits(tokenIDs: [ids]) }
        let cache = model.makeCache()
        // Three tokens at once, then one at a time.
        var rows = try withoutGradients { try model.logits(appending: Array(ids[0..<3]), cache: cache) }.scalars
        for id in ids[3...] { rows += try withoutGradients { try model.logits(appending: [id], cache: cache) }.scalars }
        #expect(cache.length == ids.count)
        expectClose(rows, full.scalars, absolute: 1e-5, "\(name)")
    }

    @Test(arguments: DecoderFixtures.huggingFaceModels)
    func greedyTokensMatchTransformers(name: String) throws {
        let model = try DecoderFixtures.model(name)
        let expected = try #require(try DecoderFixtures.expected()[name])
        let generator = GreedyGenerator(model: model, ignoreEndOfSequence: true)
        let result = try generator.generate(prompt: expected.prompt, maxNewTokens: expected.greedy.count)
        #expect(result.ids == expected.greedy.map(\.id))
        #expect(result.stop == .length)
        for (token, step) in zip(result.tokens, expected.greedy) {
            expectClose(token.logit, step.logit, absolute: 1e-4)
            expectClose(token.probability, step.probability, absolute: 1e-5)
            #expect(token.alternatives.map(\.id) == step.top5)
            #expect(token.alternatives.first?.id == token.id)
        }
    }

    @Test(arguments: DecoderFixtures.huggingFaceModels)
    func nextTokenLogitGradientMatchesFiniteDifferences(name: String) throws {
        let model = try DecoderFixtures.model(name)
        let ids = [[5, 17, 99, 3], [8, 120]]
        let embeddings = model.embeddings(tokenIDs: ids).detached
        // One next-token logit per real position (rows 0–3: first sequence, 4–5: second).
        GradientChecker(step: 4e-3, absolute: 5e-3, relative: 3e-2).check([embeddings], "\(name)") { x in
            let logits = model.logits(embeddings: x[0], tokenIDs: ids)
            return logits.reshaped([8, 128]).picking([7, 11, 13, 7, 20, 7, 0, 0]).sliced(alongAxis: 0, 0..<6)
        }
    }

    @Test func stopsAtEndOfSequenceUnlessTold() throws {
        let model = try DecoderFixtures.model("llama_gqa")
        let expected = try #require(try DecoderFixtures.expected()["llama_gqa"])
        // The first step whose token was not generated before it becomes the end-of-sequence id.
        let ids = expected.greedy.map(\.id)
        let k = try #require((1..<ids.count).first { !ids[..<$0].contains(ids[$0]) })
        let stopping = GreedyGenerator(model: model, endOfSequenceIDs: [ids[k]])
        let stopped = try stopping.generate(prompt: expected.prompt, maxNewTokens: 8)
        #expect(stopped.ids == Array(ids[...k]))
        #expect(stopped.stop == .endOfSequence)
        let ignoring = GreedyGenerator(model: model, endOfSequenceIDs: [ids[k]], ignoreEndOfSequence: true)
        #expect(try ignoring.generate(prompt: expected.prompt, maxNewTokens: 8).ids == ids)
        #expect(try ignoring.generate(prompt: expected.prompt, maxNewTokens: 0).ids.isEmpty)
        #expect(throws: ModelInputError.self) { try stopping.generate(prompt: [], maxNewTokens: 2) }
        #expect(throws: ModelInputError.self) { try stopping.generate(prompt: [1, 500], maxNewTokens: 2) }
    }

    @Test func gpt2StopsAtItsContextLength() throws {
        let model = try DecoderFixtures.model("gpt2")
        #expect(model.maximumSequenceLength == 64)
        let result = try GreedyGenerator(model: model, ignoreEndOfSequence: true)
            .generate(prompt: Array(repeating: 3, count: 60), maxNewTokens: 10)
        #expect(result.stop == .contextFull)
        #expect(result.tokens.count == 5)
        #expect(throws: ModelInputError.self) { try model.logits(appending: Array(repeating: 3, count: 65), cache: model.makeCache()) }
    }
}
