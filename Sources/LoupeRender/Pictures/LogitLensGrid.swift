import Foundation

/// The logit-lens picture (nostalgebraist, "interpreting GPT: the logit lens", 2020): lens
/// layers as rows — the embeddings at the bottom, the model's output at the top — and prompt
/// positions as columns labelled with their input token; each cell shows the top next-token
/// prediction of that layer at that position, coloured by its probability (viridis, 0…1, with
/// a colour bar).
///
/// Token texts are shown through ``TokenLabel/visible(_:)``: decoded text, never `Ġ`/`▁`
/// pieces, with `␣` and `⏎` for whitespace-only tokens. CJK renders through the shared
/// ``TextRenderer``'s fallback fonts.
public struct LogitLensGrid: Sendable {
    /// One cell: the top token's decoded text and its probability.
    public struct Cell: Hashable, Sendable {
        public var text: String
        public var probability: Double
        public init(text: String, probability: Double) {
            self.text = text
            self.probability = probability
        }
    }

    /// Row labels, bottom row first (`emb`, `1`, `2`, …).
    public let layerLabels: [String]
    /// Column labels: the input token at each position (decoded text).
    public let positionLabels: [String]
    /// `cells[row][column]`, rows bottom first.
    public let cells: [[Cell]]
    /// A heading (e.g. the model and the method).
    public var title: String?
    /// A detail line (e.g. the prompt and the target).
    public var detail: String?

    /// Creates a grid.
    /// - Throws: ``RenderError`` when there are no rows or columns, counts differ, or a
    ///   probability is NaN, infinite or outside 0…1.
    public init(layerLabels: [String], positionLabels: [String], cells: [[Cell]], title: String? = nil,
                detail: String? = nil) throws {
        guard !layerLabels.isEmpty else { throw RenderError.emptyInput("layers") }
        guard !positionLabels.isEmpty else { throw RenderError.emptyInput("positions") }
        guard cells.count == layerLabels.count else {
            throw RenderError.countMismatch(what: "cell rows and layer labels", expected: layerLabels.count,
                                            actual: cells.count)
        }
        for (r, row) in cells.enumerated() {
            guard row.count == positionLabels.count else {
                throw RenderError.countMismatch(what: "cells in row \(r) and position labels",
                                                expected: positionLabels.count, actual: row.count)
            }
            let p = row.map(\.probability)
            try RenderError.checkFinite(p, what: "probabilities of row \(r)")
            if let bad = p.firstIndex(where: { $0 < 0 || $0 > 1 + 1e-9 }) {
                throw RenderError.invalidArgument("probability \(p[bad]) in row \(r), column \(bad) is outside 0...1")
            }
        }
        self.layerLabels = layerLabels
        self.positionLabels = positionLabels
        self.cells = cells
        self.title = title
        self.detail = detail
    }

    /// Draws the picture.
    public func render(style: RenderStyle = RenderStyle(), renderer: TextRenderer = .shared) throws -> Canvas {
        try style.validate()
        return try LogitLensGridLayout(grid: self, style: style, renderer: renderer).draw(style: style, renderer: renderer)
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
