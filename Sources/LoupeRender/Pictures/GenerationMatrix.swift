import Foundation

/// The attribution matrix of a generation, as inseq draws it (Sarti et al. 2023, "Inseq: An
/// Interpretability Toolkit for Sequence Generation Models"): one column per source token
/// (the prompt, then the tokens generated so far), one row per generated (target) token, each
/// cell the score of that source for producing that target.
///
/// A cell without a value (`nil` or NaN) is not applicable — a source that comes at or after
/// the row's step — and is drawn empty. Sources kept fixed during attribution (chat-template
/// and system tokens) are drawn hatched, take no part in the colour scale, and are left out
/// of the picture when there are many columns (``columns``). Scores are shown on a diverging
/// colour map centred at 0, scaled over the whole matrix or each row on its own
/// (``scaleScope``), with a colour bar. A right-hand column lists each step's score (the
/// probability of the generated token, and optionally of the contrast foil).
///
/// ```swift
/// var matrix = try GenerationMatrix(
///     prompt: [.init("<|im_start|>", role: .fixed), .init("我"), .init("很"), .init("好")],
///     generated: [.init(" positive", stepScore: 0.91, foilStepScore: 0.04), .init(".", stepScore: 0.7)],
///     scores: [[nil, 0.2, 0.1, 0.6, nil, nil], [nil, 0.05, 0.0, 0.1, 0.4, nil]],
///     summary: AttributionSummary(method: "integrated gradients, 50 steps", target: "logit of ‘ positive’",
///                                 model: "SmolLM2-135M-Instruct", foil: "logit of ‘ negative’"))
/// try matrix.writePNG(to: URL(fileURLWithPath: "matrix.png"))
/// ```
public struct GenerationMatrix: Sendable {
    /// What a source column is.
    public enum SourceRole: String, Hashable, Sendable, CaseIterable {
        /// A prompt token that was attributed.
        case prompt
        /// A prompt token kept fixed (not attributed), e.g. a chat-template token.
        case fixed
        /// A token the model generated, a source for the steps after it.
        case generated
    }

    /// One column: a source token.
    public struct Source: Hashable, Sendable {
        /// The token's text, already decoded (no `Ġ` or `▁`); white space and control
        /// characters are made visible when drawn.
        public var label: String
        public var role: SourceRole

        public init(_ label: String, role: SourceRole = .prompt) {
            self.label = label
            self.role = role
        }
    }

    /// One row: a generated token and its step scores.
    public struct Target: Hashable, Sendable {
        /// The token's decoded text.
        public var label: String
        /// The step score, e.g. the probability the model gave this token.
        public var stepScore: Double?
        /// The same score for the contrast foil at this step, e.g. its probability.
        public var foilStepScore: Double?

        public init(_ label: String, stepScore: Double? = nil, foilStepScore: Double? = nil) {
            self.label = label
            self.stepScore = stepScore
            self.foilStepScore = foilStepScore
        }
    }

    /// Which scores one colour scale covers.
    public enum ScaleScope: Hashable, Sendable {
        /// One scale for the whole matrix: rows can be compared.
        case global
        /// Each row scaled on its own: every step's pattern is visible.
        case perRow
    }

    /// Which source columns are drawn.
    public enum ColumnSelection: Hashable, Sendable {
        /// Every column.
        case all
        /// Attributed prompt columns and generated ones; fixed columns are left out.
        case attributed
        /// ``attributed`` when there are fixed columns and more than
        /// ``GenerationMatrix/automaticColumnLimit`` columns in all (long chat prompts),
        /// ``all`` otherwise.
        case automatic
    }

    /// Above this many columns, ``ColumnSelection/automatic`` leaves fixed columns out.
    public static let automaticColumnLimit = 30

    /// The columns, left to right.
    public let sources: [Source]
    /// The rows, top to bottom.
    public let targets: [Target]
    /// `scores[row][column]`; `nil` (or NaN) where the source does not apply to the row.
    public let scores: [[Double?]]
    /// Title information: model, method with its parameters, target and contrast foil.
    public var summary: AttributionSummary
    /// One scale for the matrix (default) or one per row.
    public var scaleScope = ScaleScope.global
    /// Which columns are drawn.
    public var columns = ColumnSelection.automatic
    /// Header of the step-score column.
    public var stepScoreName = "p"
    /// Header of the foil's step-score column.
    public var foilStepScoreName = "p(foil)"
    /// Print values in cells that are wide enough.
    public var showsValues = true
    /// Preferred cell width in points; cells narrow (down to a label's line height) so that
    /// wide matrices fit ``RenderStyle/width``, and the picture widens beyond that.
    public var cellWidth = 30.0

    /// Creates a matrix.
    /// - Throws: ``RenderError`` when there are no sources or targets, the row count differs
    ///   from the target count or a row's length from the source count, a score is infinite,
    ///   or a step score is NaN or infinite.
    public init(sources: [Source], targets: [Target], scores: [[Double?]],
                summary: AttributionSummary = AttributionSummary()) throws {
        guard !sources.isEmpty else { throw RenderError.emptyInput("source tokens (columns)") }
        guard !targets.isEmpty else { throw RenderError.emptyInput("generated tokens (rows)") }
        guard scores.count == targets.count else {
            throw RenderError.countMismatch(what: "score rows and generated tokens", expected: targets.count,
                                            actual: scores.count)
        }
        var cleaned = [[Double?]]()
        for (r, row) in scores.enumerated() {
            guard row.count == sources.count else {
                throw RenderError.countMismatch(what: "scores in row \(r) ('\(targets[r].label)') and source tokens",
                                                expected: sources.count, actual: row.count)
            }
            if let c = row.firstIndex(where: { $0?.isInfinite == true }) {
                throw RenderError.invalidArgument("score at row \(r), column \(c) is infinite")
            }
            cleaned.append(row.map { $0?.isNaN == true ? nil : $0 })
        }
        for (r, t) in targets.enumerated() {
            for (name, v) in [("step score", t.stepScore), ("foil step score", t.foilStepScore)] {
                if let v, !v.isFinite { throw RenderError.invalidArgument("\(name) of row \(r) is \(v)") }
            }
        }
        self.sources = sources
        self.targets = targets
        self.scores = cleaned
        self.summary = summary
    }

    /// Creates a matrix whose columns are the prompt followed by the generated tokens
    /// (role ``SourceRole/generated``), so each row has `prompt.count + generated.count` scores.
    public init(prompt: [Source], generated: [Target], scores: [[Double?]],
                summary: AttributionSummary = AttributionSummary()) throws {
        try self.init(sources: prompt + generated.map { Source($0.label, role: .generated) }, targets: generated,
                      scores: scores, summary: summary)
    }

    /// The indices of the columns drawn.
    public var visibleColumns: [Int] {
        let hideFixed: Bool
        switch columns {
        case .all: hideFixed = false
        case .attributed: hideFixed = true
        case .automatic:
            hideFixed = sources.count > Self.automaticColumnLimit && sources.contains { $0.role == .fixed }
        }
        let shown = sources.indices.filter { !hideFixed || sources[$0].role != .fixed }
        return shown.isEmpty ? Array(sources.indices) : shown
    }

    /// The colour scale of each row (all equal for ``ScaleScope/global``), over attributed
    /// values only: fixed columns and cells without a value do not move it.
    public func scales(normalization: ScoreNormalization = .standard) throws -> [ScoreScale] {
        let attributed = sources.indices.filter { sources[$0].role != .fixed }
        let rows = scores.map { row in attributed.compactMap { row[$0] } }
        switch scaleScope {
        case .global:
            let scale = try ScoreScale(scores: rows.flatMap { $0 }, normalization: normalization)
            return Array(repeating: scale, count: rows.count)
        case .perRow:
            return try rows.map { try ScoreScale(scores: $0, normalization: normalization) }
        }
    }

    /// Draws the picture.
    public func render(style: RenderStyle = RenderStyle(), renderer: TextRenderer = .shared) throws -> Canvas {
        try style.validate()
        guard cellWidth.isFinite, (4...400).contains(cellWidth) else {
            throw RenderError.invalidArgument("cellWidth must be in 4...400 points, got \(cellWidth)")
        }
        return try GenerationMatrixLayout(matrix: self, style: style, renderer: renderer)
            .draw(style: style, renderer: renderer)
    }

    /// Draws the picture and writes it as a PNG (atomically) with the summary in text chunks.
    public func writePNG(to url: URL, style: RenderStyle = RenderStyle(),
                         renderer: TextRenderer = .shared) throws {
        try render(style: style, renderer: renderer).writePNG(to: url, colorType: .rgb, text: summary.pngText)
    }
}
