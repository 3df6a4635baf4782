import LoupeAttribution
import LoupeDefaults
import LoupeTokenizers

/// The unit an explanation's scores are reported in (`loupe explain --aggregate`), recorded in
/// the document's `input.aggregation`.
///
/// Scores are always computed per model token; word scores are the sums of their tokens' scores
/// (attributions are additive, so a word's score is what its tokens contribute together).
public struct WordAggregation: Sendable, Equatable {
    /// Tokens or words.
    public enum Unit: String, Sendable, CaseIterable {
        /// Words when the model's tokens are sub-words (learned or pretrained tokenizers), tokens
        /// when each token already is a word.
        case automatic = "auto"
        /// One score per model token; no word list.
        case tokens
        /// Token scores summed per word of the text (also for word-level tokenizers).
        case words
    }

    /// How runs of Chinese (Han) characters, written without spaces, are split into words.
    public enum ChineseWords: String, Sendable, CaseIterable {
        /// The bundled lexicon's most probable split (``DefaultLexicon``, ``LexiconSegmenter``).
        case lexicon
        /// One word per character.
        case characters
    }

    public var unit: Unit
    public var chineseWords: ChineseWords

    public init(unit: Unit = .automatic, chineseWords: ChineseWords = .lexicon) {
        self.unit = unit
        self.chineseWords = chineseWords
    }

    /// Whether a document lists words, given whether the tokenizer gives sub-words.
    public func listsWords(subwordTokens: Bool) -> Bool {
        switch unit {
        case .automatic: return subwordTokens
        case .tokens: return false
        case .words: return true
        }
    }

    func breaker() -> (breaker: (any IdeographWordBreaker)?, problem: String?) { chineseWords.breaker() }

    fileprivate static let defaultBreaker: Result<LexiconWordBreaker, TokenizerError> = Result(catching: {
        try LexiconWordBreaker(segmenter: LexiconSegmenter(lexicon: DefaultLexicon.chinese()), name: DefaultLexicon.name)
    }).mapError { $0 as? TokenizerError ?? TokenizerError(file: DefaultLexicon.name, key: "", reason: "\($0)") }

    /// The words of `text` and the record of how they were found.
    func words(text: String, spans: [Range<Int>?]) -> (words: [AttributionDocument.InputWord],
                                                        record: AttributionDocument.Aggregation, problem: String?) {
        let (breaker, problem) = breaker()
        let words = WordSegmentation.words(text: text, spans: spans, breaker: breaker)
        let segmenter = breaker.map { "unicode+\($0.segmenterName)" } ?? "unicode"
        return (words, AttributionDocument.Aggregation(unit: .word, segmenter: segmenter), problem)
    }
}

/// A ``LexiconSegmenter`` as the word breaker of ``WordSegmentation``.
public struct LexiconWordBreaker: IdeographWordBreaker {
    public let segmenter: LexiconSegmenter
    /// `zh-lexicon:<name>`, what the JSON records.
    public let segmenterName: String

    public init(segmenter: LexiconSegmenter, name: String) {
        self.segmenter = segmenter
        self.segmenterName = "zh-lexicon:\(name)"
    }

    public func wordLengths(_ run: [Unicode.Scalar]) -> [Int] { segmenter.segmentLengths(run) }
}

extension WordAggregation.ChineseWords {
    /// The breaker for runs of Chinese characters, or nil for one word per character (also when
    /// the build ships no lexicon: `problem` then says so).
    public func breaker() -> (breaker: (any IdeographWordBreaker)?, problem: String?) {
        guard self == .lexicon else { return (nil, nil) }
        switch WordAggregation.defaultBreaker {
        case .success(let breaker): return (breaker, nil)
        case .failure(let error): return (nil, "Chinese words: \(error.description); one word per character instead")
        }
    }
}
