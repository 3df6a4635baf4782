import Foundation
import LoupeNN

/// The built-in bilingual (English + Chinese) sentiment corpus, with rationales.
///
/// Written for Loupe and generated from a small grammar (``generate(examplesPerLanguage:seed:)``):
/// subjects and topics (food, service, films, places, products, outings), adjectives of both
/// polarities, intensifiers ("very", "很", "太…了"), negation ("not good" → negative, "不好",
/// "一点也不贵" → positive), contrast ("X, but Y" / "X，但是Y": the clause after the conjunction
/// decides), compounds of two cues, short review fragments, and ordinary everyday sentences
/// ("I had a great day today.", "我今天过得很好。", "The weather is awful.", "今天心情很糟糕。").
///
/// Every example carries its rationale: the spans (and default-``Tokenizer`` token indices) of the
/// words that decide the label — the sentiment word(s), plus the negator when negated; in a contrast
/// only the deciding clause's words. Labels are `["negative", "positive"]`, balanced per language.
///
/// The corpus ships as the package resource `default-corpus.jsonl` (JSON Lines, see
/// ``TextDataSet/readJSONL(at:textKey:labelKey:labelNames:onMalformedRow:)``). It is exactly
/// `generate().jsonLines()`; a test checks this, and regenerates the file when run with
/// `LOUPE_REGENERATE_CORPUS=1 swift test --filter DefaultCorpusTests`.
public enum DefaultCorpus {
    /// The label names, in index order.
    public static let labelNames = ["negative", "positive"]
    /// The seed the shipped resource was generated with.
    public static let seed: UInt64 = 20_240_917
    /// Examples per language in the shipped resource (half of each label).
    public static let examplesPerLanguage = 4_000
    /// The resource's file name.
    public static let resourceFileName = "default-corpus.jsonl"

    /// The languages of the corpus.
    public enum Language: String, CaseIterable, Sendable {
        case english, chinese

        /// Chinese when the text holds a CJK ideograph, else English.
        public static func of(_ text: String) -> Language {
            text.unicodeScalars.contains { Tokenizer.isIdeograph($0) } ? .chinese : .english
        }
    }

    /// The location of the shipped resource.
    public static var resourceURL: URL? {
        DefaultResources.url(resourceFileName)
    }

    /// Loads the shipped corpus (8,000 examples unless regenerated with other settings).
    public static func load() throws -> TextDataSet {
        guard let url = resourceURL else {
            throw DataSetError(.io, file: resourceFileName, "resource missing from the LoupeDefaults bundle")
        }
        return try TextDataSet.readJSONL(at: url, labelNames: labelNames).dataSet
    }

    /// The shipped corpus split into train and held-out parts, stratified by label and language, with
    /// a seed (the same seed always gives the same split).
    public static func loadSplit(heldOutFraction: Double = 0.2, seed: UInt64 = 0) throws
        -> (train: TextDataSet, heldOut: TextDataSet) {
        let corpus = try load()
        var train = TextDataSet(examples: [], labelNames: labelNames)
        var heldOut = train
        for (i, language) in Language.allCases.enumerated() {
            let part = corpus.filter { Language.of($0.text) == language }
                .split(heldOutFraction: heldOutFraction, seed: seed &+ UInt64(i))
            train = train.appending(part.train)
            heldOut = heldOut.appending(part.heldOut)
        }
        return (train.shuffled(seed: seed), heldOut.shuffled(seed: seed &+ 1))
    }

    /// Generates the corpus: `examplesPerLanguage` distinct sentences per language, half positive and
    /// half negative, in a seeded order. Deterministic for a given seed on every platform.
    public static func generate(examplesPerLanguage: Int = examplesPerLanguage, seed: UInt64 = seed) -> TextDataSet {
        precondition(examplesPerLanguage >= 2 && examplesPerLanguage % 2 == 0, "examplesPerLanguage must be even")
        let assembler = CorpusAssembler()
        var english = EnglishCorpusGrammar(random: CorpusRandom(seed: seed))
        var chinese = ChineseCorpusGrammar(random: CorpusRandom(seed: seed &+ 1))
        var seen = Set<String>()
        var examples: [TextExample] = []
        for language in Language.allCases {
            for label in [0, 1] {
                var made = 0, attempts = 0
                while made < examplesPerLanguage / 2 {
                    attempts += 1
                    precondition(attempts < 200 * examplesPerLanguage, "the grammar cannot make enough distinct sentences")
                    let phrase = language == .english ? english.sentence(label: label) : chinese.sentence(label: label)
                    guard seen.insert(phrase.text).inserted else { continue }
                    examples.append(assembler.example(phrase))
                    made += 1
                }
            }
        }
        return TextDataSet(examples: examples, labelNames: labelNames).shuffled(seed: seed)
    }

    /// The words a rationale may point at: the corpus's sentiment words and phrases of both languages
    /// and its negators, lower-cased.
    public static let lexicon: SentimentLexicon = {
        var positive = Set<String>(), negative = Set<String>()
        func add(_ words: PolarWords) {
            positive.formUnion(words.positive)
            negative.formUnion(words.negative)
        }
        let english: [PolarWords] = [EnglishWords.general, EnglishWords.dayAdjectives, EnglishWords.feelings,
                                     EnglishWords.weather, EnglishWords.outcomes, EnglishWords.presentVerbs,
                                     EnglishWords.pastVerbs, EnglishWords.superlatives]
        let chinese: [PolarWords] = [ChineseWords.general, ChineseWords.dayAdjectives, ChineseWords.feelings,
                                     ChineseWords.moods, ChineseWords.weather, ChineseWords.dayKinds,
                                     ChineseWords.outcomes, ChineseWords.verbs, ChineseWords.verdicts,
                                     ChineseWords.satisfaction, ChineseWords.worth]
        for words in english + EnglishWords.domains.map(\.adjectives) + chinese + ChineseWords.domains.map(\.adjectives) {
            add(words)
        }
        positive.formUnion(EnglishWords.negatedVerbs.map(\.1))
        negative.formUnion(EnglishWords.negatableNegativeVerbs)
        return SentimentLexicon(positive: positive, negative: negative,
                                negators: Set(EnglishWords.negators + ChineseWords.negators))
    }()
}

/// Sentiment words and negators (lower-cased), as used by the default corpus's rationales.
public struct SentimentLexicon: Sendable {
    public var positive: Set<String>
    public var negative: Set<String>
    public var negators: Set<String>

    /// 1 for a positive word, 0 for a negative one, nil otherwise (case-insensitive).
    public func polarity(of word: String) -> Int? {
        let w = word.lowercased()
        return positive.contains(w) ? 1 : negative.contains(w) ? 0 : nil
    }

    /// True when `word` is a sentiment word or a negator (case-insensitive).
    public func contains(_ word: String) -> Bool {
        let w = word.lowercased()
        return positive.contains(w) || negative.contains(w) || negators.contains(w)
    }
}
