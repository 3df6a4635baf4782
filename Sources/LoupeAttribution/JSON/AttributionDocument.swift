import Foundation
import LoupeNN

/// One explained text in the `loupe.attribution.v1` JSON format (docs/attribution-json.md).
/// Many texts are written as JSON Lines, one document per line.
public struct AttributionDocument: SchemaDocument, Equatable, Sendable {
    public static let schemaName = "loupe.attribution.v1"

    public var schema: String = AttributionDocument.schemaName
    public var model: ModelInfo
    public var input: Input
    public var prediction: Prediction
    public var attributions: [Entry]
    /// Faithfulness metrics of the attributions (docs/attribution-json.md), when computed.
    public var faithfulness: FaithfulnessBlock?
    /// Notes for the reader, e.g. that some tokens were unknown to the vocabulary.
    public var warnings: [String]?

    public struct ModelInfo: Codable, Equatable, Sendable {
        public var path: String?
        public var architecture: String
        public var labels: [String]
        public init(path: String?, architecture: String, labels: [String]) {
            self.path = path
            self.architecture = architecture
            self.labels = labels
        }
    }

    public struct InputToken: Codable, Equatable, Sendable {
        public var text: String
        public var id: Int
        /// Offset into `input.text`, in Unicode scalars (code points), inclusive; absent for a
        /// special token the tokenizer added ([CLS], [SEP], `<s>`).
        public var start: Int?
        /// Offset into `input.text`, in Unicode scalars, exclusive; absent with `start`.
        public var end: Int?
        public var unknown: Bool?
        /// True for a special token (added by the tokenizer, not in the text).
        public var special: Bool?
        public init(text: String, id: Int, start: Int?, end: Int?, unknown: Bool? = nil, special: Bool? = nil) {
            self.text = text
            self.id = id
            self.start = start
            self.end = end
            self.unknown = unknown
            self.special = special
        }

        /// The token's span, when it has one.
        public var span: Range<Int>? {
            guard let start, let end, end >= start else { return nil }
            return start..<end
        }
    }

    /// A word of the input: a run of letters, digits and marks, or one other visible character
    /// (a CJK ideograph, a punctuation mark), with the model tokens that start inside it. Listed
    /// when the model's tokens are sub-words (pretrained tokenizers); entries then carry
    /// `word_scores`, the sum of their tokens' scores.
    public struct InputWord: Codable, Equatable, Sendable {
        public var text: String
        public var start: Int
        public var end: Int
        /// Indices into `input.tokens`.
        public var tokens: [Int]
        public init(text: String, start: Int, end: Int, tokens: [Int]) {
            self.text = text
            self.start = start
            self.end = end
            self.tokens = tokens
        }
    }

    /// The unit the scores are aggregated to, and how words were found.
    public struct Aggregation: Codable, Equatable, Sendable {
        /// `token`: scores per model token only; `word`: also per word of `input.words`.
        public enum Unit: String, Codable, Sendable { case token, word }
        public var unit: Unit
        /// How the words were found (word unit only): `unicode` — runs of letters and digits,
        /// one word per other visible character — optionally `+` the segmenter of runs of
        /// ideographs (`unicode+zh-lexicon:…`).
        public var segmenter: String?
        public init(unit: Unit, segmenter: String? = nil) {
            self.unit = unit
            self.segmenter = segmenter
        }
    }

    public struct Input: Codable, Equatable, Sendable {
        public var text: String
        /// The unit of `start`/`end`: always `"unicode-scalar"` (code points).
        public var offsetUnit: String = "unicode-scalar"
        public var tokens: [InputToken]
        /// Word-level grouping of the tokens (when the aggregation unit is `word`).
        public var words: [InputWord]?
        /// The aggregation chosen (absent in documents written before it was recorded).
        public var aggregation: Aggregation?
        enum CodingKeys: String, CodingKey { case text, offsetUnit = "offset_unit", tokens, words, aggregation }
        public init(text: String, tokens: [InputToken], words: [InputWord]? = nil, aggregation: Aggregation? = nil) {
            self.text = text
            self.tokens = tokens
            self.words = words
            self.aggregation = aggregation
        }
    }

    public struct Prediction: Codable, Equatable, Sendable {
        public var index: Int
        public var label: String
        public var logits: [Double]
        public var probabilities: [Double]
        public init(index: Int, label: String, logits: [Double], probabilities: [Double]) {
            self.index = index
            self.label = label
            self.logits = logits
            self.probabilities = probabilities
        }
    }

    /// The explained target: a class, or a token at a position, optionally contrasted with a foil.
    public typealias Target = AttributionTarget

    /// One method's result for one target, or the error that stopped it.
    public struct Entry: Codable, Equatable, Sendable {
        public var method: AttributionMethodID
        public var target: Target
        public var output: String
        public var layer: AttributionLayer
        public var parameters: [String: ParameterValue]
        public var scores: [Double]?
        public var scoresL2: [Double]?
        /// Per word of `input.words`: the sum of its tokens' scores.
        public var wordScores: [Double]?
        public var convergenceDelta: Double?
        /// F(x): the explained output at the input (methods with a baseline).
        public var outputOfInput: Double?
        /// F(baseline): the explained output at the baseline (mean over sampled baselines).
        public var outputOfBaseline: Double?
        /// F(x) − F(baseline): what the scores add up to, up to the convergence delta.
        public var outputDifference: Double?
        public var seconds: Double?
        public var error: String?

        enum CodingKeys: String, CodingKey {
            case method, target, output, layer, parameters, scores
            case scoresL2 = "scores_l2", wordScores = "word_scores", convergenceDelta = "convergence_delta", seconds, error
            case outputOfInput = "output_of_input", outputOfBaseline = "output_of_baseline"
            case outputDifference = "output_difference"
        }

        /// An entry for a result; non-finite numbers turn it into an error entry.
        public init(_ a: Attribution) {
            method = a.method
            target = a.target
            output = a.output.rawValue
            layer = a.layer
            parameters = a.parameters
            let finite = a.scores.allSatisfy(\.isFinite) && (a.scoresL2 ?? []).allSatisfy(\.isFinite)
                && (a.convergenceDelta?.isFinite ?? true)
            if finite {
                scores = a.scores
                scoresL2 = a.scoresL2
                convergenceDelta = a.convergenceDelta
                if let fx = a.outputOfInput, let fb = a.outputOfBaseline, fx.isFinite, fb.isFinite {
                    outputOfInput = fx
                    outputOfBaseline = fb
                    outputDifference = fx - fb
                }
                seconds = a.seconds
            } else {
                error = "non-finite attribution scores (NaN or infinity); the model's outputs may overflow"
            }
        }

        /// An error entry for a method that failed.
        public init(failed method: AttributionMethodID, target: Target, output: AttributionOutput, layer: AttributionLayer,
                    error: String) {
            self.method = method
            self.target = target
            self.output = output.rawValue
            self.layer = layer
            self.parameters = [:]
            self.error = error
        }
    }

    public init(model: ModelInfo, input: Input, prediction: Prediction, attributions: [Entry],
                faithfulness: FaithfulnessBlock? = nil, warnings: [String]? = nil) {
        self.model = model
        self.input = input
        self.prediction = prediction
        self.attributions = attributions
        self.faithfulness = faithfulness
        self.warnings = warnings
    }

    /// Fills every entry's `word_scores` from its token scores and `input.words` (no-op without words).
    public mutating func aggregateWords() {
        guard let words = input.words else { return }
        for i in attributions.indices {
            guard let scores = attributions[i].scores else { continue }
            attributions[i].wordScores = words.map { w in w.tokens.reduce(0.0) { $0 + (scores.indices.contains($1) ? scores[$1] : 0) } }
        }
    }

    /// Reads JSON Lines (blank lines skipped); errors name the line.
    public static func decodeLines(_ text: String) throws -> [AttributionDocument] {
        var docs: [AttributionDocument] = []
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            do { docs.append(try decode(Data(line.utf8))) } catch {
                throw AttributionError.invalidParameter("line \(i + 1): \(error)")
            }
        }
        return docs
    }
}
