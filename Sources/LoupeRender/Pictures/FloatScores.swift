// Generic entry points for `[Float]` (or any `BinaryFloatingPoint`) scores, since attribution
// results usually arrive as `Float`. They convert to `Double` and validate exactly like the
// `Double` versions, which stay preferred for literals.

extension TokenScore {
    /// Creates a token score from any floating-point value (e.g. `Float`).
    public init<Score: BinaryFloatingPoint>(_ text: String, _ score: Score) {
        self.init(text, Double(score))
    }
}

extension SentenceHeatmap {
    /// Creates a heatmap from the original text, token spans and floating-point (e.g. `Float`) scores.
    public init<Score: BinaryFloatingPoint>(text: String, spans: [Range<Int>], scores: [Score],
                                            summary: AttributionSummary = AttributionSummary()) throws {
        try self.init(text: text, spans: spans, scores: scores.map { Double($0) }, summary: summary)
    }
}

extension TokenKLChart {
    /// Creates a chart from floating-point (e.g. `Float`) values.
    public init<Value: BinaryFloatingPoint>(tokens: [String], contributions: [Value], matrix: [[Value]]? = nil,
                                            dimensionLabels: [String]? = nil, title: String? = nil) throws {
        try self.init(tokens: tokens, contributions: contributions.map { Double($0) },
                      matrix: matrix?.map { $0.map { Double($0) } }, dimensionLabels: dimensionLabels, title: title)
    }
}
