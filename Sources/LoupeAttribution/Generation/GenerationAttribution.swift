import LoupeNN

/// The explanation of a generation (or of a forced answer): for each answer token, its step
/// scores and its attributions over every earlier token (prompt and answer so far), the whole
/// answer's attribution, and how much each prompt segment moves every step's distribution.
public struct GenerationAttribution: Sendable {
    /// One answer token.
    public struct Step: Sendable {
        /// Index of the answer token (0 = the first one after the prompt).
        public var index: Int
        /// The token's id.
        public var token: Int
        /// The position whose logits predict it (`prompt.count + index − 1`).
        public var position: Int
        /// Step scores of the token.
        public var scores: StepScores
        /// The foil at this step, when the step is contrasted, and its scores.
        public var foil: Int?
        public var foilScores: StepScores?
        /// Per method, in the order the methods were given: the attribution of the token, then
        /// (when contrasted) of token − foil. Scores cover positions `0 ..< position + 1`.
        public var attributions: [Attribution]

        /// The attribution of `method` (the contrast's when `contrast` is true), if computed.
        public func attribution(_ method: AttributionMethodID, contrast: Bool = false) -> Attribution? {
            attributions.first { $0.method == method && ($0.target.contrast != nil) == contrast }
        }
    }

    /// How much removing a prompt segment changes each step's next-token distribution.
    public struct SegmentDivergence: Sendable, Equatable {
        /// The segments (prompt positions), in prompt order.
        public var segments: [[Int]]
        /// `[segment][step]`: KL(p(· | prompt, answer<k) ‖ p(· | prompt without the segment,
        /// answer<k)) in nats.
        public var divergences: [[Double]]
    }

    public var prompt: [Int]
    public var answer: [Int]
    /// Which prompt positions were attributed (the rest held fixed).
    public var features: InputFeatures
    /// The scale of the per-token targets.
    public var output: AttributionOutput
    public var steps: [Step]
    /// Per method, the attribution of the whole answer (the sum of its tokens' log-probabilities,
    /// the answer tokens held fixed) over the prompt; empty for a one-token answer.
    public var whole: [Attribution]
    /// The segment divergences, when computed.
    public var segmentDivergence: SegmentDivergence?
    /// Seconds spent in total.
    public var seconds: Double
}
