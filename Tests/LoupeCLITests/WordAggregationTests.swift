import Foundation
import Loupe
import Testing

/// `loupe explain --aggregate` and `--chinese-words`: the unit is chosen by flag, recorded in
/// the JSON, and word scores redistribute the token scores without loss.
@Suite(.enabled(if: CLI.isAvailable, Comment(rawValue: CLI.missingMessage)))
struct WordAggregationTests {
    let sentence = "客服态度很好，问题很快就解决了。"

    func explain(_ options: [String], text: String, model: [String] = []) throws -> AttributionDocument {
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let json = folder.appendingPathComponent("why.json")
        let result = try CLI.run(["explain", "--quiet", "--json", json.path] + model + options + [text])
        #expect(result.status == 0, "\(result.transcript)")
        return try AttributionDocument.decode(try Data(contentsOf: json))
    }

    @Test func chineseWordsComeFromTheBundledLexicon() throws {
        let document = try explain(["--aggregate", "words"], text: sentence)
        #expect(document.input.aggregation == .init(unit: .word, segmenter: "unicode+zh-lexicon:default-zh-lexicon"))
        let words = try #require(document.input.words).map(\.text)
        for word in ["客服", "态度", "问题", "解决"] { #expect(words.contains(word), "\(words)") }
        #expect(words.joined() == sentence.filter { !$0.isWhitespace })
        let entry = try #require(document.attributions.first)
        let scores = try #require(entry.scores), wordScores = try #require(entry.wordScores)
        #expect(wordScores.count == words.count)
        #expect(Swift.abs(wordScores.reduce(0, +) - scores.reduce(0, +)) < 1e-9)
        // Each word's score is the sum of its own tokens' scores.
        for (word, score) in zip(try #require(document.input.words), wordScores) {
            #expect(Swift.abs(score - word.tokens.reduce(0) { $0 + scores[$1] }) < 1e-12)
        }
    }

    @Test func charactersAndTokensAreChoicesToo() throws {
        let characters = try explain(["--chinese-words", "characters"], text: sentence)
        #expect(characters.input.aggregation == .init(unit: .word, segmenter: "unicode"))
        #expect(characters.input.words?.map(\.text) == sentence.map(String.init))
        let tokens = try explain(["--aggregate", "tokens"], text: sentence)
        #expect(tokens.input.aggregation == .init(unit: .token))
        #expect(tokens.input.words == nil && tokens.attributions.allSatisfy { $0.wordScores == nil })
        // The token scores do not depend on the unit they are reported in.
        #expect(tokens.attributions.first?.scores == characters.attributions.first?.scores)
    }

    @Test func wordLevelModelsReportTokensUnlessAsked() throws {
        let bag = ["--model", CLI.fixture("bag-of-embeddings")]
        let auto = try explain([], text: "the film was not good", model: bag)
        #expect(auto.input.aggregation?.unit == .token && auto.input.words == nil)
        let words = try explain(["--aggregate", "words"], text: "the film was not good", model: bag)
        #expect(words.input.words?.map(\.text) == ["the", "film", "was", "not", "good"])
    }

    @Test func theHeatmapDrawsWords() throws {
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let result = try CLI.run(["explain", "--aggregate", "words", sentence])
        #expect(result.status == 0, "\(result.transcript)")
        #expect(result.stdout.contains("客服(") && result.stdout.contains("解决("), "\(result.stdout)")
        let bad = try CLI.run(["explain", "--aggregate", "sentences", sentence])
        #expect(bad.status != 0 && bad.stderr.contains("aggregate"))
    }
}
