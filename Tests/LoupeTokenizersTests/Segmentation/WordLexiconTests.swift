import Foundation
import Testing
@testable import LoupeTokenizers

@Suite("WordLexicon: the loupe.lexicon.v1 text form")
struct WordLexiconTests {
    @Test func roundTripKeepsWordsCountsAndComments() throws {
        let lexicon = try WordLexicon(counts: ["客服": 12, "态度": 30, "很": 99, "好": 80], comments: ["made by a test"])
        let read = try WordLexicon(text: lexicon.text)
        #expect(read == lexicon)
        #expect(read.total == 221 && read.maxWordLength == 2 && read.multiCharacterWordCount == 2)
        // Words by falling count: the same lexicon always gives the same bytes.
        #expect(lexicon.text == "# loupe.lexicon.v1\n# made by a test\n很\t99\n好\t80\n态度\t30\n客服\t12\n")
    }

    @Test("bad text names the line", arguments: [
        ("客服\t3\n", "line 1", "expected # loupe.lexicon.v1"),
        ("# loupe.lexicon.v1\n客服 3\n", "line 2", "expected word<TAB>count"),
        ("# loupe.lexicon.v1\n客服\t3\n态度\tmany\n", "line 3", "is not a positive integer"),
        ("# loupe.lexicon.v1\n客服\t0\n", "line 2", "is not a positive integer"),
        ("# loupe.lexicon.v1\n客服\t3\n客服\t4\n", "line 3", "listed twice"),
        ("# loupe.lexicon.v1\n\t3\n", "line 2", "expected word<TAB>count"),
        ("# loupe.lexicon.v1\n# only comments\n", "", "no words"),
    ])
    func badText(text: String, key: String, reason: String) {
        #expect {
            _ = try WordLexicon(text: text, source: "lex.tsv")
        } throws: { error in
            guard let error = error as? TokenizerError else { return false }
            return error.file == "lex.tsv" && error.key == key && error.reason.contains(reason)
        }
    }

    @Test func refusesWordsThatCannotBeWritten() {
        #expect(throws: TokenizerError.self) { try WordLexicon(counts: ["a\tb": 1]) }
        #expect(throws: TokenizerError.self) { try WordLexicon(counts: ["": 1]) }
        #expect(throws: TokenizerError.self) { try WordLexicon(counts: ["好": -2]) }
        #expect(throws: TokenizerError.self) { try WordLexicon(counts: ["好": Int.max, "很": 1]) }
    }

    @Test func acceptsWindowsLineEnds() throws {
        let read = try WordLexicon(text: "# loupe.lexicon.v1\r\n客服\t3\r\n")
        #expect(read.counts == ["客服": 3])
    }
}
