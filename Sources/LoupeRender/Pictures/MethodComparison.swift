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
    /// Title information: the headline (title, prediction) and the detail line (target, contrast, model).
    public var summary: AttributionSummary
    /// Scale each method's row on its own (default) or all rows on one scale.
    public var normalizesEachMethod = true
    /// Print every cell's value (scientific notation when tiny); columns widen to fit them.
    public var showsValues = true
    /// The smallest |score| drawn at full colour (see ``RenderStyle/scaleFloor``; the larger of
    /// the two applies, to every row).
    public var scaleFloor: Double = 0
    /// Columns of tokens read as the unknown token: their labels are drawn in
    /// ``RenderStyle/unknownTokenColor`` and named in the note.
    public var unknownTokens: Set<Int> = []
    /// A line under the table, e.g. that columns were left out.
    public var note: String?

    /// ``note`` plus what the coloured column labels mean, when there are unknown tokens.
    var fullNote: String? {
        let unknown = unknownTokens.isEmpty ? nil : "orange column labels: read as [UNK]"
        let parts = [note, unknown].compactMap { $0 }.filter { !$0.isEmpty }
        return parts.isEmpty ? nil : parts.joined(separator: "  ·  ")
    }

    /// The PNG text chunks: the summary's, plus `note` when set.
    public var pngText: [PNGTextChunk] {
        var out = summary.pngText
        if let note = fullNote { out.append(PNGTextChunk(key: "note", value: note)) }
        return out
    }

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
        try render(style: style, renderer: renderer).writePNG(to: url, colorType: .rgb, text: pngText)
    }
}
