import Foundation

/// A latent traversal: one row per latent dimension, one column per value the dimension is
/// set to, each cell the decoder's output — an image (upscaled nearest-neighbour, so pixels
/// stay crisp) or decoded text (wrapped in the cell).
///
/// Rows are labelled like `z3 · KL 1.24`; inactive dimensions (collapsed posterior, KL ≈ 0)
/// are dimmed. Columns are labelled with their values, e.g. `−3.0`.
public struct TraversalGrid: Sendable {
    /// One cell of the grid.
    public enum Cell: Hashable, Sendable {
        /// A decoded image (all image cells of a grid must have one size).
        case image(Canvas)
        /// Decoded text.
        case text(String)
    }

    /// One latent dimension.
    public struct Row: Hashable, Sendable {
        /// The row's name, e.g. `z3`.
        public var label: String
        /// The dimension's average KL divergence, shown after the label.
        public var kl: Double?
        /// Whether the dimension is in use; inactive rows are dimmed.
        public var isActive: Bool
        /// One cell per traversal value.
        public var cells: [Cell]

        /// Creates a row labelled `z<dimension>`.
        public init(dimension: Int, kl: Double? = nil, isActive: Bool = true, cells: [Cell]) {
            self.init(label: "z\(dimension)", kl: kl, isActive: isActive, cells: cells)
        }

        /// Creates a row with a free label.
        public init(label: String, kl: Double? = nil, isActive: Bool = true, cells: [Cell]) {
            self.label = label
            self.kl = kl
            self.isActive = isActive
            self.cells = cells
        }

        /// `z3 · KL 1.24`.
        var displayLabel: String {
            guard let kl, kl.isFinite else { return label }
            return "\(label) · KL \(NumberFormatting.fixed(kl, decimals: 2))"
        }
    }

    /// The value each column sets its dimension to.
    public let values: [Double]
    /// The rows, top to bottom.
    public let rows: [Row]
    /// A heading shown above the grid.
    public var title: String?
    /// Target edge length of an image cell in points; images are upscaled by the largest
    /// whole factor that fits (at least 1).
    public var imageCellSize: Double = 56
    /// Width of a text cell in points.
    public var textCellWidth: Double = 150
    /// Lines of decoded text shown per cell; longer text ends with "…".
    public var maximumTextLines = 6

    /// Creates a grid.
    /// - Throws: ``RenderError`` when there are no values or rows, a row's cell count differs
    ///   from the value count, a value or KL is NaN or infinite, image and text cells are
    ///   mixed, or image cells differ in size or are empty.
    public init(values: [Double], rows: [Row], title: String? = nil) throws {
        guard !values.isEmpty else { throw RenderError.emptyInput("traversal values") }
        guard !rows.isEmpty else { throw RenderError.emptyInput("traversal rows") }
        try RenderError.checkFinite(values, what: "traversal values")
        var imageSize: (Int, Int)?
        var sawText = false
        for (r, row) in rows.enumerated() {
            guard row.cells.count == values.count else {
                throw RenderError.countMismatch(what: "cells in row \(r) ('\(row.label)') and values",
                                                expected: values.count, actual: row.cells.count)
            }
            if let kl = row.kl, !kl.isFinite { throw RenderError.nonFiniteValue(what: "KL of rows", index: r) }
            for cell in row.cells {
                switch cell {
                case .text:
                    sawText = true
                case .image(let image):
                    guard image.width > 0, image.height > 0 else {
                        throw RenderError.invalidArgument("row \(r) has an empty image cell")
                    }
                    if let size = imageSize, size != (image.width, image.height) {
                        throw RenderError.invalidArgument(
                            "image cells differ in size: \(size.0)×\(size.1) and \(image.width)×\(image.height)")
                    }
                    imageSize = (image.width, image.height)
                }
            }
        }
        if sawText && imageSize != nil {
            throw RenderError.invalidArgument("a traversal grid holds either images or texts, not both")
        }
        self.values = values
        self.rows = rows
        self.title = title
    }

    /// Creates an image grid: `images[d][v]` is the decoding with dimension `d` set to
    /// `values[v]`. Dimensions whose KL is below `activeThreshold` are marked inactive.
    public init(values: [Double], images: [[Canvas]], kl: [Double]? = nil, activeThreshold: Double = 0.01,
                title: String? = nil) throws {
        try self.init(values: values, cells: images.map { $0.map(Cell.image) }, kl: kl,
                      activeThreshold: activeThreshold, title: title)
    }

    /// Creates a text grid: `texts[d][v]` is the decoded text with dimension `d` set to
    /// `values[v]`. Dimensions whose KL is below `activeThreshold` are marked inactive.
    public init(values: [Double], texts: [[String]], kl: [Double]? = nil, activeThreshold: Double = 0.01,
                title: String? = nil) throws {
        try self.init(values: values, cells: texts.map { $0.map(Cell.text) }, kl: kl,
                      activeThreshold: activeThreshold, title: title)
    }

    private init(values: [Double], cells: [[Cell]], kl: [Double]?, activeThreshold: Double, title: String?) throws {
        if let kl, kl.count != cells.count {
            throw RenderError.countMismatch(what: "KL values and rows", expected: cells.count, actual: kl.count)
        }
        let rows = cells.enumerated().map { d, row in
            Row(dimension: d, kl: kl?[d], isActive: kl.map { $0[d] >= activeThreshold } ?? true, cells: row)
        }
        try self.init(values: values, rows: rows, title: title)
    }

    /// Draws the picture.
    public func render(style: RenderStyle = RenderStyle(), renderer: TextRenderer = .shared) throws -> Canvas {
        try style.validate()
        guard imageCellSize.isFinite, (1...2000).contains(imageCellSize) else {
            throw RenderError.invalidArgument("imageCellSize must be in 1...2000 points, got \(imageCellSize)")
        }
        guard textCellWidth.isFinite, (10...5000).contains(textCellWidth) else {
            throw RenderError.invalidArgument("textCellWidth must be in 10...5000 points, got \(textCellWidth)")
        }
        return try TraversalGridLayout(grid: self, style: style, renderer: renderer).draw(style: style, renderer: renderer)
    }

    /// Draws the picture and writes it as a PNG (atomically).
    public func writePNG(to url: URL, style: RenderStyle = RenderStyle(),
                         renderer: TextRenderer = .shared) throws {
        try render(style: style, renderer: renderer)
            .writePNG(to: url, colorType: .rgb, text: PNGTextChunk.pictureMetadata(title: title))
    }
}
