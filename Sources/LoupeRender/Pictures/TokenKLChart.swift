import Foundation

/// How much each token contributes to a text VAE's KL term: one signed bar per token, and
/// optionally a token × latent-dimension heat matrix beside the bars.
public struct TokenKLChart: Sendable {
    /// Row labels, top to bottom.
    public let tokens: [String]
    /// One signed contribution per token; bar length is proportional to it.
    public let contributions: [Double]
    /// `matrix[t][d]`: the contribution of token `t` to latent dimension `d` (optional).
    public let matrix: [[Double]]?
    /// Column labels of the matrix (default `z0`, `z1`, …).
    public let dimensionLabels: [String]
    /// A heading shown above the chart.
    public var title: String?
    /// Caption above the bars.
    public var barCaption = "KL contribution"
    /// Caption above the matrix.
    public var matrixCaption = "per latent dimension"

    /// Creates a chart.
    /// - Throws: ``RenderError`` when there are no tokens, counts differ (tokens,
    ///   contributions, matrix rows, matrix row lengths, dimension labels), the matrix has no
    ///   columns, or a value is NaN or infinite.
    public init(tokens: [String], contributions: [Double], matrix: [[Double]]? = nil,
                dimensionLabels: [String]? = nil, title: String? = nil) throws {
        guard !tokens.isEmpty else { throw RenderError.emptyInput("tokens") }
        guard contributions.count == tokens.count else {
            throw RenderError.countMismatch(what: "contributions and tokens", expected: tokens.count,
                                            actual: contributions.count)
        }
        try RenderError.checkFinite(contributions, what: "contributions")
        var labels = [String]()
        if let matrix {
            guard matrix.count == tokens.count else {
                throw RenderError.countMismatch(what: "matrix rows and tokens", expected: tokens.count, actual: matrix.count)
            }
            let columns = matrix[0].count
            guard columns > 0 else { throw RenderError.emptyInput("matrix columns (latent dimensions)") }
            for (t, row) in matrix.enumerated() {
                guard row.count == columns else {
                    throw RenderError.countMismatch(what: "matrix row \(t)", expected: columns, actual: row.count)
                }
                try RenderError.checkFinite(row, what: "matrix row \(t)")
            }
            labels = dimensionLabels ?? (0..<columns).map { "z\($0)" }
            guard labels.count == columns else {
                throw RenderError.countMismatch(what: "dimension labels and matrix columns", expected: columns,
                                                actual: labels.count)
            }
        } else if let dimensionLabels, !dimensionLabels.isEmpty {
            throw RenderError.invalidArgument("dimension labels given without a matrix")
        }
        self.tokens = tokens
        self.contributions = contributions
        self.matrix = matrix
        self.dimensionLabels = labels
        self.title = title
    }

    /// Draws the picture.
    public func render(style: RenderStyle = RenderStyle(), renderer: TextRenderer = .shared) throws -> Canvas {
        try style.validate()
        return try TokenKLChartLayout(chart: self, style: style, renderer: renderer).draw(style: style, renderer: renderer)
    }

    /// Draws the picture and writes it as a PNG (atomically).
    public func writePNG(to url: URL, style: RenderStyle = RenderStyle(),
                         renderer: TextRenderer = .shared) throws {
        try render(style: style, renderer: renderer)
            .writePNG(to: url, colorType: .rgb, text: PNGTextChunk.pictureMetadata(title: title))
    }
}
