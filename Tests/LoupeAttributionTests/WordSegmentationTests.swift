import Testing
@testable import LoupeAttribution

/// Splits every run into words of two characters (the last may be one).
private struct PairBreaker: IdeographWordBreaker {
    var segmenterName: String { "pairs" }
    func wordLengths(_ run: [Unicode.Scalar]) -> [Int] {
        stride(from: 0, to: run.count, by: 2).map { min(2, run.count - $0) }
    }
}

@Suite("WordSegmentation: tokens grouped into words")
struct WordSegmentationTests {
    /// One token per scalar that is not whitespace.
    func characterSpans(_ text: String) -> [Range<Int>?] {
        var spans: [Range<Int>?] = []
        for (i, s) in text.unicodeScalars.enumerated() where !s.properties.isWhitespace { spans.append(i..<(i + 1)) }
        return spans
    }

    @Test func withoutABreakerEveryIdeographIsAWord() {
        let words = WordSegmentation.words(text: "客服很好, ok", spans: characterSpans("客服很好, ok"))
        #expect(words.map(\.text) == ["客", "服", "很", "好", ",", "ok"])
        #expect(words.last?.tokens == [5, 6])
    }

    @Test func aBreakerSplitsRunsOfIdeographs() {
        let text = "客服态度很好。问题解决"
        let words = WordSegmentation.words(text: text, spans: characterSpans(text), breaker: PairBreaker())
        #expect(words.map(\.text) == ["客服", "态度", "很好", "。", "问题", "解决"])
        #expect(words.map(\.tokens) == [[0, 1], [2, 3], [4, 5], [6], [7, 8], [9, 10]])
        #expect(words.map(\.start) == [0, 2, 4, 6, 7, 9])
    }

    @Test func aTokenAcrossWordsJoinsThem() {
        // Token 1 covers "服态": the words "客服" and "态度" become one.
        let text = "客服态度好"
        let spans: [Range<Int>?] = [0..<1, 1..<3, 3..<4, 4..<5]
        let words = WordSegmentation.words(text: text, spans: spans, breaker: PairBreaker())
        #expect(words.map(\.text) == ["客服态度", "好"])
        #expect(words.map(\.tokens) == [[0, 1, 2], [3]])
        // A byte-level token with a leading space still starts in its word.
        let english = WordSegmentation.words(text: "not good", spans: [0..<3, 3..<8])
        #expect(english.map(\.text) == ["not", "good"] && english.map(\.tokens) == [[0], [1]])
    }

    @Test func wordsCoverEveryTokenOnce() {
        let text = "我今天过得很好。The plot, 好吗？"
        let spans = characterSpans(text)
        let words = WordSegmentation.words(text: text, spans: spans, breaker: PairBreaker())
        let members = words.flatMap(\.tokens)
        #expect(members.sorted() == Array(spans.indices))
        #expect(Set(members).count == members.count)
    }
}
