import LoupeAttribution
import LoupeRender

extension TraversalResult {
    /// The traversal as a ``TraversalGrid`` picture: one row per traversed dimension (labelled
    /// `z<d>` with its mean KL when known; inactive dimensions dimmed), one column per value,
    /// image cells as grayscale images (pixel probability 1 = white), text cells as the decoded
    /// sentence (or its token ids when no vocabulary was given).
    /// - Throws: ``RenderError`` for an empty traversal or non-finite values.
    public func traversalGrid(title: String? = nil) throws -> TraversalGrid {
        let rows = try self.rows.map { row in
            TraversalGrid.Row(dimension: row.dimension, kl: row.kl, isActive: row.isActive ?? true,
                              cells: try row.cells.map(Self.gridCell))
        }
        return try TraversalGrid(values: values, rows: rows, title: title)
    }

    static func gridCell(_ cell: DecodedCell) throws -> TraversalGrid.Cell {
        switch cell {
        case .image(let image):
            return .image(try Canvas(intensities: image.pixels, width: image.width, height: image.height))
        case .text(let text):
            return .text(text.text ?? text.tokenIDs.map { "#\($0)" }.joined(separator: " "))
        }
    }
}

extension InterpolationResult {
    /// The interpolation as a one-row ``TraversalGrid`` whose columns are the coefficients α.
    public func traversalGrid(title: String? = nil) throws -> TraversalGrid {
        let row = TraversalGrid.Row(label: "α", cells: try cells.map(TraversalResult.gridCell))
        return try TraversalGrid(values: alphas, rows: [row], title: title)
    }
}
