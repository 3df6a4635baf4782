import Foundation

/// A table of attribution methods (rows) against tokens (columns), each cell coloured by its
/// score, with the value printed in the cell when it fits.
///
/// Methods usually have very different scales, so by default each row is normalised on its
/// own (``normalizesEachMethod``); the printed values are always the raw scores. Tables
/// wider than the style's width continue in further blocks below.
public struct MethodComparison: Sendable {
    /// Column labels.
    public let tokens: [String]
    /// Row labels.
    public let methods: [String]
    /// `scores[m][t]`: the score of token `t` under method `m`.
    public let scores: [[Double]]
    /// Title information (only ``AttributionSummary/title`` and the prediction are shown).
    public var summary: AttributionSummary
    /// Scale each method's row on its own (default) or all rows on one scale.
    public var normalizesEachMethod = true
    /// Print values in cells that are wide enough.
    public var showsValues = true

    /// Creates a comparison.
    /// - Throws: ``RenderError`` when there are no tokens or methods, a row's length differs
    ///   from the token count, or a score is NaN or infinite.
    public init(tokens: [String], methods: [(name: String, scores: [Double])],
                summary: AttributionSummary = AttributionSummary()) throws {
        guard !tokens.isEmpty else { throw RenderError.emptyInput("tokens") }
        guard !methods.isEmpty else { throw RenderError.emptyInput("methods") }
        for (m, row) in methods.enumerated() {
            guard row.scores.count == tokens.count else {
                throw RenderError.countMismatch(what: "scores of method \(m) ('\(row.name)') and tokens",
                                                expected: tokens.count, actual: row.scores.count)
            }
            try RenderError.checkFinite(row.scores, what: "scores of method '\(row.name)'")
        }
        self.tokens = tokens
        self.methods = methods.map(\.name)
        self.scores = methods.map(\.scores)
        self.summary = summary
    }

    /// Draws the picture.
    public func render(style: RenderStyle = RenderStyle(), renderer: TextRenderer = .shared) throws -> Canvas {
        try style.validate()
        return try MethodComparisonLayout(comparison: self, style: style, renderer: renderer)
            .draw(style: style, renderer: renderer)
    }

    /// Draws the picture and writes it as a PNG (atomically).
    public func writePNG(to url: URL, style: RenderStyle = RenderStyle(),
                         renderer: TextRenderer = .shared) throws {
        try render(style: style, renderer: renderer).writePNG(to: url, colorType: .rgb, text: summary.pngText)
    }
}
