import Foundation
import LoupeAttribution
import LoupePretrained

extension GenerationDocument {
    /// The `explanation` block of `loupe.generation.v1`: per answer token its step scores and
    /// attributions over every earlier token, the whole answer's attribution, the segments and
    /// their divergences. Scores are indexed by token position (prompt, then answer); `characters`
    /// and `words` aggregate them over the user's text.
    public struct Explanation: Codable, Equatable, Sendable {
        /// Scale of the per-token targets.
        public var output: String
        /// True when the answer was a forced target text.
        public var forced: Bool
        /// Prompt positions that were attributed (the rest held fixed).
        public var attributedPositions: [Int]
        /// Segments of the user's text (perturbation features and divergences).
        public var segments: [Segment]
        public var contrast: Contrast?
        public var steps: [Step]
        /// The whole answer (sum of log-probabilities), one entry per method; empty for one token.
        public var whole: [Scores]
        public var seconds: Double
        /// How `words` were found: `unicode` (one word per Chinese character) or
        /// `unicode+zh-lexicon:NAME` (absent in documents written before it was recorded).
        public var wordSegmenter: String?

        enum CodingKeys: String, CodingKey {
            case output, forced, segments, contrast, steps, whole, seconds
            case attributedPositions = "attributed_positions", wordSegmenter = "word_segmenter"
        }
    }

    public struct Segment: Codable, Equatable, Sendable {
        public var text: String
        public var tokens: [Int]
    }

    public struct Contrast: Codable, Equatable, Sendable {
        public var text: String
        public var step: Int
        public var foilID: Int
        public var foilText: String
        enum CodingKeys: String, CodingKey { case text, step, foilID = "foil_id", foilText = "foil_text" }
    }

    /// One answer token with its step scores.
    public struct Step: Codable, Equatable, Sendable {
        public var index: Int
        public var id: Int
        public var text: String
        /// The position whose logits predict the token.
        public var position: Int
        public var logit: Double
        public var probability: Double
        public var logProbability: Double
        public var entropy: Double
        public var surprisal: Double
        public var rank: Int
        public var top: [Alternative]
        public var foil: Foil?
        /// Per segment, KL(with ‖ without the segment) of this step's distribution (nats; null
        /// when removing the segment leaves nothing before the step).
        public var segmentKL: [Double?]?
        public var attributions: [Scores]

        enum CodingKeys: String, CodingKey {
            case index, id, text, position, logit, probability, entropy, surprisal, rank, top, foil, attributions
            case logProbability = "log_probability", segmentKL = "segment_kl"
        }
    }

    public struct Foil: Codable, Equatable, Sendable {
        public var id: Int
        public var text: String
        public var probability: Double
        public var logProbability: Double
        public var rank: Int
        enum CodingKeys: String, CodingKey { case id, text, probability, rank, logProbability = "log_probability" }
    }

    /// One method's scores for one target.
    public struct Scores: Codable, Equatable, Sendable {
        public var method: String
        /// `"token"`, `"contrast"` or `"answer"`.
        public var target: String
        public var parameters: [String: ParameterValue]
        /// Per source position (`0 ..< position + 1`).
        public var scores: [Double]
        public var convergenceDelta: Double?
        public var seconds: Double
        public var characters: [UnitScore]
        public var words: [UnitScore]

        enum CodingKeys: String, CodingKey {
            case method, target, parameters, scores, seconds, characters, words
            case convergenceDelta = "convergence_delta"
        }
    }

    /// A character or word of the user's text (span in Unicode scalars of the user's text).
    public struct UnitScore: Codable, Equatable, Sendable {
        public var text: String
        public var start: Int
        public var end: Int
        public var score: Double
    }

    /// The document of an explained generation.
    public init(_ loaded: PretrainedModel, explanation e: GenerationExplanation, contrastText: String?) {
        let layout = e.layout, a = e.attribution
        let text = e.tokenText
        model = Model(path: loaded.source.path, architecture: loaded.architecture, format: loaded.format.rawValue)
        let attributed = Set(layout.ids.indices.filter { !a.features.fixed.contains($0) })
        prompt = Prompt(text: layout.userText, chat: layout.chat, rendered: layout.rendered,
                        userStart: layout.userRange.lowerBound, userEnd: layout.userRange.upperBound,
                        tokens: layout.ids.indices.map { i in
                            PromptToken(id: layout.ids[i], text: layout.texts[i], start: layout.spans[i]?.lowerBound,
                                        end: layout.spans[i]?.upperBound, special: layout.special[i],
                                        attributed: attributed.contains(i))
                        })
        generated = a.steps.map { step in
            GeneratedToken(id: step.token, text: text(step.token), logit: step.scores.logit, probability: step.scores.probability,
                           top: step.scores.top.map { Alternative(id: $0.id, text: text($0.id), logit: $0.logit, probability: $0.probability) })
        }
        self.text = e.answerText
        switch e.stop {
        case nil: stopReason = "forced"
        case .endOfSequence?: stopReason = "end-of-sequence"
        case .length?: stopReason = "max-new-tokens"
        case .contextFull?: stopReason = "context-full"
        }
        func scores(_ x: Attribution, _ kind: String) -> Scores {
            Scores(method: x.method.rawValue, target: kind, parameters: x.parameters, scores: x.scores,
                   convergenceDelta: x.convergenceDelta, seconds: x.seconds,
                   characters: e.characterScores(x).map { UnitScore(text: $0.unit.text, start: $0.unit.start, end: $0.unit.end, score: $0.score) },
                   words: e.wordScores(x).map { UnitScore(text: $0.unit.text, start: $0.unit.start, end: $0.unit.end, score: $0.score) })
        }
        let divergence = a.segmentDivergence
        let segments = divergence?.segments ?? a.features.segments ?? []
        var contrast: Contrast?
        if let k = e.contrastStep, let foil = a.steps[k].foil, let contrastText {
            contrast = Contrast(text: contrastText, step: k, foilID: foil, foilText: text(foil))
        }
        explanation = Explanation(
            output: a.output.rawValue, forced: e.forced, attributedPositions: attributed.sorted(),
            segments: segments.map { group in
                Segment(text: loaded.tokenizer.decode(group.map { layout.ids[$0] }, skipSpecialTokens: false), tokens: group)
            },
            contrast: contrast,
            steps: a.steps.map { step in
                Step(index: step.index, id: step.token, text: text(step.token), position: step.position, logit: step.scores.logit,
                     probability: step.scores.probability, logProbability: step.scores.logProbability,
                     entropy: step.scores.entropy, surprisal: step.scores.surprisal, rank: step.scores.rank,
                     top: step.scores.top.map { Alternative(id: $0.id, text: text($0.id), logit: $0.logit, probability: $0.probability) },
                     foil: step.foilScores.map { Foil(id: $0.token, text: text($0.token), probability: $0.probability,
                                                      logProbability: $0.logProbability, rank: $0.rank) },
                     segmentKL: divergence.map { d in d.divergences.map { $0[step.index].isFinite ? $0[step.index] : nil } },
                     attributions: step.attributions.map { scores($0, $0.target.contrast == nil ? "token" : "contrast") })
            },
            whole: a.whole.map { scores($0, "answer") },
            seconds: a.seconds,
            wordSegmenter: layout.wordBreaker.map { "unicode+\($0.segmenterName)" } ?? "unicode")
    }
}
