import Testing
import LoupeDefaults
import LoupeTokenizers

/// The bundled Chinese lexicon (`default-zh-lexicon`) reads, says where it came from, and splits
/// ordinary reviews into the words a reader sees.
@Suite("DefaultLexicon: the bundled Chinese lexicon")
struct DefaultLexiconTests {
    @Test func readsWithItsProvenance() throws {
        let lexicon = try DefaultLexicon.chinese()
        #expect(lexicon.multiCharacterWordCount > 2_000)
        #expect(lexicon.maxWordLength <= 4)
        #expect(lexicon.comments.contains { $0.contains("loupe-regenerate-defaults zh-lexicon") })
        #expect(lexicon.comments.contains { $0.contains("waimai_10k") })
    }

    @Test("common words stay whole", arguments: [
        ("客服态度很好，问题很快就解决了。", ["客服", "态度", "问题", "解决"]),
        ("我今天过得很好。", ["今天"]),
        ("质量太差了，用了两天就坏了。", ["质量", "两天"]),
        ("味道不错，送餐速度也很快", ["味道", "不错", "送餐", "速度"]),
    ])
    func splitsReviews(text: String, words: [String]) throws {
        let split = LexiconSegmenter(lexicon: try DefaultLexicon.chinese()).segment(text)
        for word in words { #expect(split.contains(word), "\(split)") }
        #expect(split.joined() == text)
    }
}
