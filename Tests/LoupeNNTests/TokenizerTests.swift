import Foundation
import LoupeNN
import Testing

@Suite("Tokenizer")
struct TokenizerTests {
    let tokenizer = Tokenizer()

    @Test func englishWordsAndPunctuation() {
        let tokens = tokenizer.tokenize("I had a GREAT day, didn't I?")
        #expect(tokens.map(\.text) == ["i", "had", "a", "great", "day", ",", "didn't", "i", "?"])
    }

    @Test func chineseIdeographsAreTokens() {
        let text = "我今天过得很好。"
        let tokens = tokenizer.tokenize(text)
        #expect(tokens.map(\.text) == ["我", "今", "天", "过", "得", "很", "好", "。"])
        #expect(tokens.map(\.start) == Array(0..<8))
    }

    @Test func spansPointIntoOriginalText() {
        let text = "Ｆｕｌｌ-width ﬁne 😀 ok"
        let tokens = tokenizer.tokenize(text)
        let scalars = Array(text.unicodeScalars)
        for t in tokens {
            let original = String(String.UnicodeScalarView(scalars[t.start..<t.end]))
            var normalized = original.precomposedStringWithCompatibilityMapping.lowercased()
            if normalized == "’" { normalized = "'" }
            #expect(normalized == t.text, "\(original) → \(t.text)")
        }
        #expect(tokens.map(\.text) == ["full", "-", "width", "fine", "😀", "ok"])
    }

    @Test func mixedScriptsAndContractions() {
        #expect(tokenizer.tokenize("it 's a do n't 好的movie").map(\.text) == ["it", "'s", "a", "do", "n't", "好", "的", "movie"])
    }

    @Test func caseCanBeKept() {
        #expect(Tokenizer(lowercases: false).tokenize("Good Day").map(\.text) == ["Good", "Day"])
    }

    @Test func vocabularyBuildAndUnknowns() throws {
        let texts = [["good", "film"], ["bad", "film"], ["film"]]
        let vocab = Vocabulary.build(from: texts, minimumCount: 2)
        #expect(vocab.tokens == ["[PAD]", "[UNK]", "[BOS]", "[EOS]", "film"])
        let encoder = TextEncoder(vocabulary: vocab)
        let encoded = encoder.encode("Good film")
        #expect(encoded.ids == [1, 4])
        #expect(encoded.unknownTokenIndices == [0])
    }

    @Test func vocabularyRejectsDuplicatesNamingTheLine() {
        #expect(throws: VocabularyError.duplicate("a", first: 4, again: 5)) {
            try Vocabulary(tokens: Vocabulary.specials + ["a", "a"])
        }
    }
}
