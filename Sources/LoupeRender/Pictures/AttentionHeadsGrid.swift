import Foundation

/// The heads of one attention layer side by side: for each head a small query × key heatmap of
/// its pattern (rows = query positions top to bottom, columns = key positions left to right;
/// viridis, 0…1), captioned with the head's index, mean entropy (nats) and previous-token score.
public struct AttentionHeadsGrid: Sendable {
    /// One head.
    public struct Head: Hashable, Sendable {
        public var index: Int
        /// `[query][key]`, square.
        public var pattern: [[Double]]
        public var entropy: Double
        public var previousTokenScore: Double?

        public init(index: Int, pattern: [[Double]], entropy: Double, previousTokenScore: Double?) {
            self.index = index
            self.pattern = pattern
            self.entropy = entropy
            self.previousTokenScore = previousTokenScore
        }
    }

    public let heads: [Head]
    /// The tokens (decoded text), shown along the axes of the first heatmap when there is room.
    public let tokens: [String]
    public var title: String?
    public var detail: String?

    /// Creates a grid.
    /// - Throws: ``RenderError`` when there are no heads, a pattern is not `tokens.count` square,
    ///   or a weight is NaN, infinite or outside 0…1.
    public init(heads: [Head], tokens: [String], title: String? = nil, detail: String? = nil) throws {
        guard !heads.isEmpty else { throw RenderError.emptyInput("heads") }
        guard !tokens.isEmpty else { throw RenderError.emptyInput("tokens") }
        for head in heads {
            guard head.pattern.count == tokens.count else {
                throw RenderError.countMismatch(what: "pattern rows of head \(head.index) and tokens", expected: tokens.count,
                                                actual: head.pattern.count)
            }
            for (q, row) in head.pattern.enumerated() {
                guard row.count == tokens.count else {
                    throw RenderError.countMismatch(what: "head \(head.index), query \(q)", expected: tokens.count,
                                                    actual: row.count)
                }
                try RenderError.checkFinite(row, what: "head \(head.index), query \(q)")
                if let bad = row.first(where: { $0 < -1e-9 || $0 > 1 + 1e-6 }) {
                    throw RenderError.invalidArgument("attention weight \(bad) of head \(head.index) is outside 0...1")
                }
            }
            try RenderError.checkFinite([head.entropy] + (head.previousTokenScore.map { [$0] } ?? []),
                                        what: "scores of head \(head.index)")
        }
        self.heads = heads
        self.tokens = tokens
        self.title = title
        self.detail = detail
    }

    /// Draws the picture.
    public func render(style: RenderStyle = RenderStyle(), renderer: TextRenderer = .shared) throws -> Canvas {
        try style.validate()
        return try AttentionHeadsGridLayout(grid: self, style: style, renderer: renderer).draw(style: style, renderer: renderer)
    }

    /// The picture as PNG bytes.
    public func pngBytes(style: RenderStyle = RenderStyle(), renderer: TextRenderer = .shared) throws -> [UInt8] {
        try render(style: style, renderer: renderer).pngData(colorType: .rgb, text: PNGTextChunk.pictureMetadata(title: title))
    }

    /// Draws the picture and writes it as a PNG (atomically).
    public func writePNG(to url: URL, style: RenderStyle = RenderStyle(), renderer: TextRenderer = .shared) throws {
        try render(style: style, renderer: renderer)
            .writePNG(to: url, colorType: .rgb, text: PNGTextChunk.pictureMetadata(title: title))
    }
}
