import Foundation

/// Learns a WordPiece vocabulary from text and writes it as a `tokenizer.json` that Hugging Face
/// `tokenizers` (and ``PretrainedTokenizer``) load.
///
/// The text is read as BERT reads it (`BertNormalizer`: control characters removed,
/// accents stripped, lower case, each CJK ideograph its own word; `BertPreTokenizer`: split at
/// white space and punctuation). Words are counted, spelled as their first character followed by
/// `##`-prefixed continuation characters, and the most frequent adjacent pair is merged until the
/// vocabulary is full or no pair occurs `minimumFrequency` times — the byte-pair-encoding
/// procedure of Sennrich et al. 2016 ("Neural Machine Translation of Rare Words with Subword
/// Units") that Hugging Face's WordPiece trainer also uses to choose the pieces; encoding then
/// matches the longest piece first (Wu et al. 2016, "Google's Neural Machine Translation System").
/// Ties between equally frequent pairs go to the pair of earlier symbols, so the result is deterministic.
public struct WordPieceTrainer: Sendable {
    /// Vocabulary size to reach, special tokens and alphabet included.
    public var vocabularySize: Int
    /// Characters and pairs seen fewer times are not learned (a word holding a rare character
    /// reads as `[UNK]`).
    public var minimumFrequency: Int
    /// At most this many characters form the alphabet (the most frequent).
    public var alphabetLimit: Int
    /// The special tokens, given ids 0, 1, … in this order; `unknownToken` must be among them.
    public var specialTokens: [String]
    public var unknownToken: String
    public var continuingSubwordPrefix: String

    public init(vocabularySize: Int = 16_000, minimumFrequency: Int = 2, alphabetLimit: Int = 6_000,
                specialTokens: [String] = ["[PAD]", "[UNK]", "[BOS]", "[EOS]"], unknownToken: String = "[UNK]",
                continuingSubwordPrefix: String = "##") {
        self.vocabularySize = vocabularySize
        self.minimumFrequency = minimumFrequency
        self.alphabetLimit = alphabetLimit
        self.specialTokens = specialTokens
        self.unknownToken = unknownToken
        self.continuingSubwordPrefix = continuingSubwordPrefix
    }

    /// The normalizer and pre-tokenizer the trained tokenizer uses.
    static let normalizer = Normalizer.bert(cleanText: true, handleChineseChars: true, stripAccents: nil, lowercase: true)
    static let preTokenizer = PreTokenizer.bert

    /// The words of `text` as the trained tokenizer splits it.
    static func words(of text: String) -> [String] {
        var normalized = NormalizedText(original: Array(text.unicodeScalars))
        normalizer.apply(&normalized)
        return preTokenizer.apply([normalized]).map { piece in
            var view = String.UnicodeScalarView()
            view.append(contentsOf: piece.scalars)
            return String(view)
        }
    }

    /// Counts the words of `texts` (the first pass of training; exposed so that callers can merge
    /// counts of several corpora).
    public static func wordCounts<S: Sequence>(of texts: S) -> [String: Int] where S.Element == String {
        var counts: [String: Int] = [:]
        for text in texts {
            for word in words(of: text) where !word.isEmpty { counts[word, default: 0] += 1 }
        }
        return counts
    }

    /// Learns the vocabulary of `texts`.
    /// - Throws: ``TokenizerError`` when the settings are inconsistent or the texts hold no word.
    public func train<S: Sequence>(texts: S) throws -> TrainedWordPiece where S.Element == String {
        try train(wordCounts: Self.wordCounts(of: texts))
    }

    /// Learns the vocabulary from word counts.
    public func train(wordCounts: [String: Int]) throws -> TrainedWordPiece {
        guard specialTokens.contains(unknownToken) else {
            throw TokenizerError(file: "WordPieceTrainer", key: "unknownToken", reason: "'\(unknownToken)' is not among the special tokens")
        }
        guard Set(specialTokens).count == specialTokens.count else {
            throw TokenizerError(file: "WordPieceTrainer", key: "specialTokens", reason: "a special token repeats")
        }
        guard vocabularySize > specialTokens.count, minimumFrequency >= 1, alphabetLimit >= 1 else {
            throw TokenizerError(file: "WordPieceTrainer", key: "vocabularySize", reason: "\(vocabularySize) must exceed the \(specialTokens.count) special tokens, and the frequency and alphabet limits must be ≥ 1")
        }
        guard !wordCounts.isEmpty else { throw TokenizerError(file: "WordPieceTrainer", key: "texts", reason: "the texts hold no word") }
        var merger = PairMerger(wordCounts: wordCounts, prefix: continuingSubwordPrefix,
                                minimumFrequency: minimumFrequency, alphabetLimit: alphabetLimit,
                                reserved: Set(specialTokens))
        merger.merge(until: vocabularySize - specialTokens.count)
        return TrainedWordPiece(tokens: specialTokens + merger.vocabulary, unknownToken: unknownToken,
                                specialTokenCount: specialTokens.count, continuingSubwordPrefix: continuingSubwordPrefix)
    }
}
