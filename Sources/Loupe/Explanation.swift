import LoupeAttribution
import LoupeNN

/// What ``TextExplainer/explain(_:methods:target:contrast:output:)`` found for one text.
public struct Explanation: Sendable {
    /// The text, its tokens (with spans into the original text) and ids.
    public var encoded: EncodedText
    /// The model's class names.
    public var labels: [String]
    /// Raw class scores.
    public var logits: [Double]
    /// Softmax of the logits.
    public var probabilities: [Double]
    /// The predicted class.
    public var predictedIndex: Int
    /// One result per method × target, in method order.
    public var attributions: [Attribution]
    /// Error entries of methods that failed.
    public var failures: [AttributionDocument.Entry]
    /// Notes for the reader (unknown tokens, truncation).
    public var warnings: [String]
    /// True when the tokens are sub-words: the document then lists words and word scores.
    public var groupsWords: Bool

    public init(encoded: EncodedText, labels: [String], logits: [Double], probabilities: [Double],
                predictedIndex: Int, attributions: [Attribution], failures: [AttributionDocument.Entry] = [],
                warnings: [String] = [], groupsWords: Bool = false) {
        self.encoded = encoded
        self.labels = labels
        self.logits = logits
        self.probabilities = probabilities
        self.predictedIndex = predictedIndex
        self.attributions = attributions
        self.failures = failures
        self.warnings = warnings
        self.groupsWords = groupsWords
    }

    /// The predicted class name.
    public var predictedLabel: String { labels.indices.contains(predictedIndex) ? labels[predictedIndex] : "#\(predictedIndex)" }
    /// The predicted class's probability.
    public var predictedProbability: Double { probabilities.indices.contains(predictedIndex) ? probabilities[predictedIndex] : 0 }

    /// The explanation as a `loupe.attribution.v1` document, its scores also summed per word
    /// when `aggregation` lists words (recorded in `input.aggregation`).
    public func document(model: AttributionDocument.ModelInfo, faithfulness: FaithfulnessBlock? = nil,
                         aggregation: WordAggregation = WordAggregation()) -> AttributionDocument {
        let unknown = Set(encoded.unknownTokenIndices)
        let special = Set(encoded.specialTokenIndices)
        let tokens = encoded.tokens.enumerated().map { i, token in
            special.contains(i)
                ? AttributionDocument.InputToken(text: token.text, id: encoded.ids[i], start: nil, end: nil, special: true)
                : AttributionDocument.InputToken(text: token.text, id: encoded.ids[i], start: token.start, end: token.end,
                                                 unknown: unknown.contains(i) ? true : nil)
        }
        var words: [AttributionDocument.InputWord]?
        var record = AttributionDocument.Aggregation(unit: .token)
        var notes = warnings
        if aggregation.listsWords(subwordTokens: groupsWords) {
            let found = aggregation.words(text: encoded.text, spans: tokens.map(\.span))
            words = found.words
            record = found.record
            if let problem = found.problem { notes.append(problem) }
        }
        var document = AttributionDocument(
            model: model, input: AttributionDocument.Input(text: encoded.text, tokens: tokens, words: words, aggregation: record),
            prediction: AttributionDocument.Prediction(index: predictedIndex, label: predictedLabel, logits: logits,
                                                       probabilities: probabilities),
            attributions: attributions.map(AttributionDocument.Entry.init) + failures,
            faithfulness: faithfulness, warnings: notes.isEmpty ? nil : notes)
        document.aggregateWords()
        return document
    }
}
