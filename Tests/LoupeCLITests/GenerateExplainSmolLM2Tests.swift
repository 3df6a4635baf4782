import Foundation
import Loupe
import LoupeTestSupport
import Testing

/// The flagship story on the real SmolLM2-135M-Instruct (Q4_1 GGUF; skipped unless the model is in
/// `$LOUPE_MODELS`): asked whether 我今天过得很好。 is positive or negative, the model answers
/// "This sentence is positive." (greedy, as transformers), and the explanation contrasts
/// " positive" with " negative" at the step where " negative" was the runner-up, over each
/// character of the Chinese sentence.
@Suite(.enabled(if: CLI.isAvailable && RealModels.smolLM2 != nil))
struct GenerateExplainSmolLM2Tests {
    static let prompt = "我今天过得很好。Is this sentence positive or negative? Answer with one word."

    @Test func whyTheModelSaidPositive() throws {
        let model = try #require(RealModels.smolLM2).path
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("loupe-smollm2-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let json = out.appendingPathComponent("why.json")
        let result = try CLI.run(["generate", "--model", model, "--chat", "--explain", "--methods", "ixg,gradient",
                                  "--contrast", "negative", "--json", json.path, "--png", out.appendingPathComponent("why.png").path,
                                  Self.prompt])
        try #require(result.status == 0, "\(result.transcript)")
        let document = try GenerationDocument.decode(try Data(contentsOf: json))
        #expect(document.prompt.tokens.count == 57)
        #expect(document.text == "This sentence is positive.")
        let e = try #require(document.explanation)
        let contrast = try #require(e.contrast)
        #expect(contrast.step == 3 && contrast.foilText == " negative")
        let step = e.steps[3]
        #expect(step.text == " positive" && step.foil?.rank == 2)
        let scores = try #require(step.attributions.first { $0.target == "contrast" && $0.method == "input-x-gradient" })
        #expect(scores.characters.prefix(8).map(\.text).joined() == "我今天过得很好。")
        #expect(scores.scores.allSatisfy(\.isFinite) && scores.scores.contains { $0 != 0 })
        // Only the user's 23 tokens vary; the template's 34 are held.
        #expect(e.attributedPositions.count == document.prompt.tokens.filter { $0.attributed == true }.count)
        #expect(document.prompt.tokens.filter { $0.attributed == false }.allSatisfy { $0.start == nil || $0.end! <= document.prompt.userStart! || $0.start! >= document.prompt.userEnd! || $0.special == true })
        #expect(result.stdout.contains("' positive' − ' negative'"), "\(result.stdout)")
    }

    /// Words cover every character and never split a token: SmolLM2 reads 一个 as one token, so
    /// 一 and 个 form one word, with the lexicon's words as with one word per character.
    @Test func wordsCoverEveryCharacter() throws {
        let loaded = try PretrainedModel.load(try #require(RealModels.smolLM2))
        let text = "等了一个小时才送到，饭都凉了。"
        let layout = try PromptLayout(loaded, text: text, chat: true)
        #expect(layout.userWords.map(\.text).joined() == text)
        #expect(layout.userCharacters.map(\.text).joined() == text)
        let joined = try #require(layout.userWords.first { $0.text == "一个" })
        #expect(joined.tokens.count == 1)
        var lexicon = layout
        lexicon.wordBreaker = WordAggregation.ChineseWords.lexicon.breaker().breaker
        #expect(lexicon.userWords.map(\.text).joined() == text)
        #expect(lexicon.userWords.contains { $0.text == "小时" } && lexicon.userWords.contains { $0.text == "一个" })
        // Scores over the words add up to the user tokens' total.
        let scores = layout.ids.indices.map { Double($0 % 7) - 3 }
        let total = layout.userPositions.reduce(0.0) { $0 + scores[$1] }
        let words = TextUnit.scores(scores, units: layout.userWords, spans: layout.userSpans)
        #expect(Swift.abs(words.reduce(0, +) - total) < 1e-9)
    }
}
