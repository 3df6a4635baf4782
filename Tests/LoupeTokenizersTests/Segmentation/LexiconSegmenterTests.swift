import Testing
@testable import LoupeTokenizers

@Suite("LexiconSegmenter: maximum-probability split")
struct LexiconSegmenterTests {
    let segmenter = LexiconSegmenter(lexicon: try! WordLexicon(counts: [
        "客服": 50, "态度": 40, "很": 200, "好": 150, "很好": 20, "问题": 30, "解决": 25, "了": 300,
        "研究": 30, "研究生": 10, "生命": 20, "命": 5, "生": 40, "起源": 10, "的": 500,
    ]))

    @Test("splits runs into the most probable words", arguments: [
        ("客服态度很好", ["客服", "态度", "很", "好"]),
        ("问题解决了", ["问题", "解决", "了"]),
        ("研究生命的起源", ["研究", "生命", "的", "起源"]),
        ("研究生", ["研究生"]),
    ])
    func split(text: String, words: [String]) {
        #expect(segmenter.segment(text) == words)
    }

    @Test func unknownCharactersStandAlone() {
        #expect(segmenter.segment("龘客服靐") == ["龘", "客服", "靐"])
        #expect(segmenter.segmentLengths(Array("龘靐".unicodeScalars)) == [1, 1])
    }

    @Test func lengthsCoverTheRun() {
        for text in ["客服态度很好问题解决了", "很", "好很好很", "研究生命研究生"] {
            let lengths = segmenter.segmentLengths(Array(text.unicodeScalars))
            #expect(lengths.reduce(0, +) == text.unicodeScalars.count && lengths.allSatisfy { $0 >= 1 })
            #expect(segmenter.segment(text).joined() == text)
        }
        #expect(segmenter.segment("").isEmpty)
    }

    @Test func aFrequentWordBeatsItsCharacters() throws {
        // "很好" (20) against "很" (200) × "好" (150): the pair's product is smaller, so it splits;
        // make the word common enough and it stays whole.
        #expect(segmenter.segment("很好") == ["很", "好"])
        let common = LexiconSegmenter(lexicon: try WordLexicon(counts: ["很": 200, "好": 150, "很好": 150]))
        #expect(common.segment("很好") == ["很好"])
    }
}
