import Foundation
import LoupeAttribution
import LoupeNN
import LoupeTensor
import LoupeTokenizers
import Testing
@testable import LoupePretrained

/// SmolLM2-135M-Instruct (GGUF, Q4_1) on the issue's chat prompt "我今天过得很好。Is this sentence
/// positive or negative? Answer with one word.", against transformers (loading and dequantizing the
/// same file) + Captum in float64 (`benchmarks/fixtures/make_llm_attribution_fixtures.py --smollm2`):
/// the chat-formatted ids are transformers', and gradient, input × gradient and integrated gradients
/// (Gauss–Legendre, 50 steps, zero baseline on the user message only, every template token fixed)
/// of the first answer token's logit agree to 1e-3 of the largest |score|.
///
/// The prompt is 57 tokens, the user message positions 24...50, and the answer token "This" (1348).
/// Measured (Loupe float32 through the Q4_1 weights vs Captum float64 on transformers' dequantized
/// ones, 2026-12): gradient 4.4e-6, input × gradient 5.1e-6, integrated gradients 1.2e-5 of the
/// largest |score| (Captum float32 vs float64: ≤ 5.1e-6). IG's completeness gap at 50 steps is
/// −0.5299 in both (the zero baseline under RMSNorm converges slowly).
@Suite(.enabled(if: smolLM2URL != nil))
struct SmolLM2AttributionParityTests {
    struct Expected: Decodable {
        let prompt: String
        let chat_text: String
        let ids: [Int]
        let user_positions: [Int]
        let token: Int
        let token_text: String
        let cases: [LLMAttributionCase]
    }

    static let loaded: Result<PretrainedModel, Error> = Result {
        guard let url = smolLM2URL else { throw PretrainedError.malformed(file: "SmolLM2", detail: "absent") }
        return try PretrainedModel.load(url)
    }

    static func expected() throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Data(contentsOf: DecoderFixtures.url("smollm2_attribution_expected.json")))
    }

    static func model() throws -> DecoderLanguageModel {
        try #require(try loaded.get().module as? DecoderLanguageModel)
    }

    @Test func chatPromptIsTransformers() throws {
        let loaded = try Self.loaded.get()
        let expected = try Self.expected()
        let text = try loaded.renderChat([ChatMessage(role: "user", content: expected.prompt)])
        #expect(text == expected.chat_text)
        #expect(loaded.tokenizer.encode(text, addSpecialTokens: false).map(\.id) == expected.ids)
        #expect(expected.ids.count == 57)
    }

    @Test func answerTokenIsTheGreedyOne() throws {
        let expected = try Self.expected()
        let model = try Self.model()
        let logits = withoutGradients { model.logits(tokenIDs: [expected.ids]) }
        let v = logits.shape[2]
        let last = Array(logits.scalars[(expected.ids.count - 1) * v..<expected.ids.count * v])
        #expect(last.indices.max { last[$0] < last[$1] } == expected.token)
    }

    @Test(arguments: ["gradient", "input-x-gradient", "ig-zero-fixed"])
    func scoresMatchCaptum(_ caseName: String) throws {
        let expected = try Self.expected()
        let c = try #require(expected.cases.first { $0.name == caseName })
        let a = try c.attribute(expected.ids, model: try Self.model())
        let error = try c.relativeError(of: a)
        #expect(error <= 1e-3, "\(caseName): relative error \(error) (scale \(c.scale))")
        if let fixed = c.fixed_positions {
            #expect(Set(fixed).isDisjoint(with: expected.user_positions) && fixed.count + expected.user_positions.count == expected.ids.count)
        }
    }
}
