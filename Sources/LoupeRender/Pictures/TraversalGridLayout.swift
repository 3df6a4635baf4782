/// Where everything in a ``TraversalGrid`` goes, in pixels.
struct TraversalGridLayout {
    struct CellFrame {
        var row: Int
        var column: Int
        var rect: PixelRect
    }

    var width = 0
    var height = 0
    var header: PictureHeader
    var labels: [PlacedText] = []
    var cells: [CellFrame] = []
    var gridFrame = PixelRect(x: 0, y: 0, width: 0, height: 0)
    /// Whole-number upscale factor of image cells (1 for text grids).
    var imageScale = 1
    /// Wrapped lines of each text cell, `[row][column]`.
    var textLines: [[[String]]] = []
    let grid: TraversalGrid

    static let textPadding = 5.0

    init(grid: TraversalGrid, style: RenderStyle, renderer: TextRenderer) throws {
        self.grid = grid
        let margin = style.px(style.margin)
        header = PictureHeader(headline: grid.title, detail: nil,
                               maxWidth: Double(style.px(style.width) - 2 * margin), style: style, renderer: renderer)
        let labelFont = style.labelFont
        let metrics = renderer.lineMetrics(for: labelFont)
        let line = max(1, style.px(1))

        // Cell size.
        var cellWidth: Int, rowHeights: [Int]
        if case .image(let sample)? = grid.rows.first?.cells.first {
            let target = max(1.0, style.pxExact(grid.imageCellSize))
            imageScale = max(1, Int(target / Double(max(sample.width, sample.height))))
            cellWidth = sample.width * imageScale
            rowHeights = Array(repeating: sample.height * imageScale, count: grid.rows.count)
        } else {
            cellWidth = max(style.px(24), style.px(grid.textCellWidth))
            let pad = style.pxExact(Self.textPadding)
            let limit = max(1, grid.maximumTextLines)
            textLines = grid.rows.map { row in
                row.cells.map { cell -> [String] in
                    guard case .text(let text) = cell else { return [] }
                    var lines = renderer.wrap(text, font: labelFont, maxWidth: Double(cellWidth) - 2 * pad)
                    if lines.count > limit {
                        lines = Array(lines.prefix(limit))
                        lines[limit - 1] = renderer.truncate(lines[limit - 1] + "…", font: labelFont,
                                                              maxWidth: Double(cellWidth) - 2 * pad)
                    }
                    return lines
                }
            }
            rowHeights = textLines.map { row in
                let n = max(1, row.map(\.count).max() ?? 1)
                return Int((Double(n) * metrics.lineHeight + 2 * pad).rounded(.up))
            }
        }

        // Row labels on the left, column labels on top.
        let rowLabels = grid.rows.map(\.displayLabel)
        let labelWidth = rowLabels.map { renderer.width(of: $0, font: labelFont) }.max() ?? 0
        let gridLeft = margin + Int(labelWidth.rounded(.up)) + style.px(10)
        var top = margin + header.height + (header.isEmpty ? 0 : style.px(12))
        let decimals = grid.values.allSatisfy { abs($0 * 10 - ($0 * 10).rounded()) < 1e-9 } ? 1 : 2
        for (c, value) in grid.values.enumerated() {
            let text = NumberFormatting.fixed(value, decimals: decimals)
            let w = renderer.width(of: text, font: labelFont)
            let cx = Double(gridLeft + line + c * (cellWidth + line)) + Double(cellWidth) / 2
            labels.append(PlacedText(text: text, x: cx - w / 2, baseline: Double(top) + metrics.ascent.rounded(),
                                font: labelFont, color: style.secondaryTextColor))
        }
        top += Int(metrics.lineHeight.rounded(.up)) + style.px(4)

        var y = top + line
        for (r, row) in grid.rows.enumerated() {
            let dimmed = style.secondaryTextColor.mixed(with: style.background, 0.5)
            let inset = (Double(rowHeights[r]) - metrics.ascent - metrics.descent) / 2
            let baseline = Double(y) + (inset + metrics.ascent).rounded()
            labels.append(PlacedText(text: rowLabels[r], x: Double(margin), baseline: baseline, font: labelFont,
                                color: row.isActive ? style.textColor : dimmed))
            for c in grid.values.indices {
                cells.append(CellFrame(row: r, column: c,
                                       rect: PixelRect(x: gridLeft + line + c * (cellWidth + line), y: y,
                                                       width: cellWidth, height: rowHeights[r])))
            }
            y += rowHeights[r] + line
        }
        gridFrame = PixelRect(x: gridLeft, y: top, width: grid.values.count * (cellWidth + line) + line, height: y - top)
        width = max(gridFrame.maxX, margin + header.width(renderer: renderer).roundedUpInt) + margin
        height = gridFrame.maxY + margin
    }

    /// Paints the laid-out picture.
    func draw(style: RenderStyle, renderer: TextRenderer) throws -> Canvas {
        var canvas = try Canvas(width: width, height: height, fill: style.background)
        let margin = style.px(style.margin)
        header.draw(on: &canvas, x: margin, y: margin, renderer: renderer)
        canvas.fill(gridFrame, with: style.gridColor)
        let labelFont = style.labelFont
        let metrics = renderer.lineMetrics(for: labelFont)
        let pad = style.pxExact(Self.textPadding)
        for cell in cells {
            let row = grid.rows[cell.row]
            switch row.cells[cell.column] {
            case .image(let image):
                canvas.fill(cell.rect, with: style.background)
                canvas.draw(image, x: cell.rect.x, y: cell.rect.y, scale: imageScale)
            case .text:
                canvas.fill(cell.rect, with: style.background)
                var baseline = Double(cell.rect.y) + pad + metrics.ascent
                for text in textLines[cell.row][cell.column] {
                    canvas.drawText(text, x: Double(cell.rect.x) + pad, baseline: baseline.rounded(), font: labelFont,
                                    color: style.textColor, renderer: renderer)
                    baseline += metrics.lineHeight
                }
            }
            if !row.isActive {
                canvas.fill(cell.rect, with: style.background.withAlpha(160))
            }
        }
        canvas.draw(labels, renderer: renderer)
        return canvas
    }
}

extension Double {
    /// `self` rounded up to an `Int` (0 for non-finite values).
    var roundedUpInt: Int {
        isFinite ? Int(rounded(.up)) : 0
    }
}
