import Foundation
import LoupeAttribution
import LoupeNN
import LoupePretrained

/// Explains what a pretrained language model answers to a prompt: generates the answer greedily
/// (or takes a forced target text), then attributes every answer token over the prompt and the
/// answer so far (``AttributedGeneration``) with the chat template held fixed, contrasts the
/// answer with a foil word at the step where the foil was the strongest alternative, and maps
/// token scores to the characters and words of the user's text.
public struct GenerationExplainer {
    public var methods: [any AttributionMethod]
    /// Scale of the per-token targets.
    public var output: AttributionOutput
    /// Most answer tokens generated (without a target text).
    public var maxNewTokens: Int
    /// Attribute the chat template's tokens too (default: only the user's text varies).
    public var attributesEverything: Bool
    /// Substrings of the user's text that perturbation methods remove as wholes (default: its
    /// words); each is located in order.
    public var segments: [String]?
    /// Alternatives in each step's scores.
    public var topK: Int

    public init(methods: [any AttributionMethod], output: AttributionOutput = .logit, maxNewTokens: Int = 32,
                attributesEverything: Bool = false, segments: [String]? = nil, topK: Int = 5) {
        self.methods = methods
        self.output = output
        self.maxNewTokens = maxNewTokens
        self.attributesEverything = attributesEverything
        self.segments = segments
        self.topK = topK
    }

    /// Explains the model's answer to `layout` (or the forced `targetText`), contrasted with
    /// `contrastText` when given (at `contrastStep`, default: the answer step where the foil's
    /// first token was most probable).
    /// - Throws: `CLIError`-free errors naming the problem: not a language model, empty target or
    ///   contrast text, a segment not in the user's text, a prompt beyond the context length.
    /// `answerIDs` forces an answer given as ids (a reply generated earlier), in place of
    /// `targetText`'s tokens.
    public func explain(_ loaded: PretrainedModel, prompt layout: PromptLayout, targetText: String? = nil,
                        answerIDs: [Int]? = nil, contrastText: String? = nil, contrastStep: Int? = nil) throws -> GenerationExplanation {
        guard let model = loaded.languageModel else {
            throw AttributionError.notSupported("a '\(loaded.architecture)' model is not a causal language model")
        }
        let tokenizer = loaded.tokenizer
        var answer: [Int]
        var stop: GenerationStop?
        if let answerIDs {
            guard !answerIDs.isEmpty else { throw AttributionError.invalidInput("the answer has no tokens") }
            answer = answerIDs
        } else if let targetText {
            answer = tokenizer.encode(targetText, addSpecialTokens: false).map(\.id)
            guard !answer.isEmpty else { throw AttributionError.invalidInput("the target text '\(targetText)' has no tokens") }
        } else {
            let generator = GreedyGenerator(model: model, endOfSequenceIDs: loaded.endOfSequenceIDs)
            let generation = try generator.generate(prompt: layout.ids, maxNewTokens: maxNewTokens)
            answer = generation.ids
            stop = generation.stop
            // The end-of-sequence token is where the answer stops, not a word of it.
            if generation.stop == .endOfSequence, answer.count > 1 { answer.removeLast() }
        }
        if let limit = model.maximumSequenceLength, layout.ids.count + answer.count > limit {
            throw AttributionError.invalidInput("the prompt (\(layout.ids.count) tokens) and answer (\(answer.count)) exceed the model's context length \(limit)")
        }

        var features = layout.features(attributingEverything: attributesEverything)
        if !attributesEverything { features.segments = try segmentPositions(layout) }

        // The contrast: the foil's first token (spelled with the answer token's leading space).
        var foils: [Int?] = []
        var chosenStep: Int?
        if let contrastText {
            let bare = contrastText.trimmingCharacters(in: .whitespaces)
            let plain = tokenizer.encode(bare, addSpecialTokens: false).first?.id
            let spaced = tokenizer.encode(" " + bare, addSpecialTokens: false).first?.id
            guard let plain, let spaced else { throw AttributionError.invalidInput("the contrast text '\(contrastText)' has no tokens") }
            let texts = answer.map { tokenizer.decode([$0], skipSpecialTokens: false) }
            func foil(at k: Int) -> Int { texts[k].hasPrefix(" ") ? spaced : plain }
            if let contrastStep {
                guard contrastStep >= 0 && contrastStep < answer.count else {
                    throw AttributionError.invalidParameter("contrast step \(contrastStep) (the answer has \(answer.count) tokens)")
                }
                chosenStep = contrastStep
            } else if targetText != nil && answerIDs == nil {
                chosenStep = 0
            } else {
                // Where the foil competed hardest: its highest probability among the steps whose
                // token is not the foil itself.
                let scored = try AttributedGeneration(methods: [], topK: 0, measuresSegmentDivergence: false)
                    .explain(prompt: layout.ids, answer: answer, model: model,
                             foils: answer.indices.map { foil(at: $0) })
                chosenStep = scored.steps.filter { $0.token != $0.foil }.max {
                    ($0.foilScores?.probability ?? 0) < ($1.foilScores?.probability ?? 0)
                }?.index
            }
            if let k = chosenStep {
                foils = Array(repeating: nil, count: k) + [foil(at: k)]
            }
        }
        let attribution = try AttributedGeneration(methods: methods, output: output, topK: topK)
            .explain(prompt: layout.ids, answer: answer, model: model, features: features, foils: foils,
                     segments: features.segments)
        return GenerationExplanation(layout: layout, attribution: attribution,
                                     answerTexts: answer.map { tokenizer.decode([$0], skipSpecialTokens: false) },
                                     answerText: tokenizer.decode(answer, skipSpecialTokens: true),
                                     forced: targetText != nil || answerIDs != nil, stop: stop, contrastStep: chosenStep,
                                     tokenText: { tokenizer.decode([$0], skipSpecialTokens: false) })
    }

    /// The perturbation segments: the user's chosen substrings (every other user token alone),
    /// or the words of the user's text.
    func segmentPositions(_ layout: PromptLayout) throws -> [[Int]] {
        let words = layout.userWords
        guard let segments, !segments.isEmpty else {
            let grouped = words.map(\.tokens).filter { !$0.isEmpty }
            return grouped.isEmpty ? layout.userPositions.map { [$0] } : deduplicated(grouped)
        }
        let scalars = Array(layout.userText.unicodeScalars)
        var from = 0
        var chosen: [[Int]] = []
        let spans = layout.userSpans
        for segment in segments {
            let needle = Array(segment.unicodeScalars)
            guard !needle.isEmpty, let at = (from...Swift.max(from, scalars.count - needle.count)).first(where: {
                $0 + needle.count <= scalars.count && Array(scalars[$0..<($0 + needle.count)]) == needle
            }) else {
                throw AttributionError.invalidParameter("segment '\(segment)' is not in the user's text (after offset \(from))")
            }
            let range = at..<(at + needle.count)
            chosen.append(layout.userPositions.filter { spans[$0].map { $0.overlaps(range) } ?? false })
            from = range.upperBound
        }
        let taken = Set(chosen.joined())
        let rest = layout.userPositions.filter { !taken.contains($0) }.map { [$0] }
        return deduplicated((chosen + rest).filter { !$0.isEmpty }).sorted { $0[0] < $1[0] }
    }

    /// Segments with every position in the first segment that claims it.
    func deduplicated(_ groups: [[Int]]) -> [[Int]] {
        var seen = Set<Int>()
        return groups.map { $0.filter { seen.insert($0).inserted } }.filter { !$0.isEmpty }
    }
}

/// The result of ``GenerationExplainer``: the prompt's layout, the answer, and its attributions.
public struct GenerationExplanation {
    public var layout: PromptLayout
    public var attribution: GenerationAttribution
    /// Each answer token's decoded text.
    public var answerTexts: [String]
    /// The answer as text (special tokens left out).
    public var answerText: String
    /// True when the answer was a forced target text.
    public var forced: Bool
    /// Why generation stopped (nil for a forced answer).
    public var stop: GenerationStop?
    /// The contrasted step, if any.
    public var contrastStep: Int?
    /// Decodes one token id.
    public var tokenText: (Int) -> String

    /// The attribution a summary shows for `method`: the contrast step's contrast, else the whole
    /// answer, else the only step.
    public func headline(_ method: AttributionMethodID) -> Attribution? {
        if let k = contrastStep, let a = attribution.steps[k].attribution(method, contrast: true) { return a }
        if let a = attribution.whole.first(where: { $0.method == method }) { return a }
        return attribution.steps.first?.attribution(method)
    }

    /// What ``headline(_:)`` explains, in words: "logit of ' positive' − ' negative'", ….
    public func headlineTarget(_ method: AttributionMethodID) -> String {
        let scale = attribution.output.rawValue
        if let k = contrastStep, let foil = attribution.steps[k].foil {
            return "\(scale) of '\(answerTexts[k])' − '\(tokenText(foil))' (answer token \(k + 1))"
        }
        if attribution.whole.contains(where: { $0.method == method }) {
            return "log-probability of the whole answer '\(answerText)'"
        }
        return "\(scale) of '\(answerTexts.first ?? "")'"
    }

    /// The user's characters with their scores under `a` (scores of template tokens left out).
    public func characterScores(_ a: Attribution) -> [(unit: TextUnit, score: Double)] {
        let units = layout.userCharacters
        return Array(zip(units, TextUnit.scores(a.scores, units: units, spans: layout.userSpans))).map { ($0, $1) }
    }

    /// The user's words with their scores under `a`.
    public func wordScores(_ a: Attribution) -> [(unit: TextUnit, score: Double)] {
        let units = layout.userWords
        return Array(zip(units, TextUnit.scores(a.scores, units: units, spans: layout.userSpans))).map { ($0, $1) }
    }
}
