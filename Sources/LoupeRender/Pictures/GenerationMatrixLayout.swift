/// Where everything in a ``GenerationMatrix`` goes, in pixels.
struct GenerationMatrixLayout {
    enum CellKind: Equatable {
        /// A score, drawn in its colour.
        case score(Double)
        /// No value for this row (a later source): drawn empty.
        case notApplicable
        /// A fixed source: drawn hatched.
        case fixed
    }

    struct Cell {
        var row: Int
        var column: Int
        var rect: PixelRect
        var kind: CellKind
        var color: RGBA
        var value: String?
    }

    /// A column label set upright (it fits the cell) or turned to read bottom to top.
    struct ColumnLabel {
        var column: Int
        var text: String
        /// The area the label's ink may use.
        var frame: PixelRect
        var isRotated: Bool
        var font: FontSpec
        var color: RGBA
    }

    struct StepCell {
        var row: Int
        var rect: PixelRect
        var value: Double
        var text: String
    }

    var width = 0
    var height = 0
    var header: PictureHeader
    var cells: [Cell] = []
    var columnLabels: [ColumnLabel] = []
    var rowLabels: [PlacedText] = []
    var stepHeaders: [PlacedText] = []
    var stepCells: [StepCell] = []
    var colorBar: ColorBar?
    var colorBarFrame = PixelRect(x: 0, y: 0, width: 0, height: 0)
    /// One scale per row.
    var scales: [ScoreScale]
    /// The drawn columns.
    var columns: [Int]
    /// Top of the grid (just under the column labels).
    var gridTop = 0

    static let cellPadding = 3.0
    static let maximumRowLabelWidth = 160.0
    static let maximumColumnLabelLength = 120.0
    static let hiddenColumnGap = 5.0
    static let stepColumnGap = 10.0

    init(matrix m: GenerationMatrix, style: RenderStyle, renderer: TextRenderer) throws {
        let margin = style.px(style.margin)
        let contentWidth = max(Double(style.px(style.width) - 2 * margin), style.pxExact(80))
        header = PictureHeader(summary: m.summary, maxWidth: contentWidth, style: style, renderer: renderer)
        scales = try m.scales(normalization: style.normalization)
        columns = m.visibleColumns

        let font = style.labelFont
        let bold = style.font(style.labelFontSize, .bold)
        let valueFont = style.font(max(4, style.labelFontSize - 3))
        let metrics = renderer.lineMetrics(for: font)
        let valueMetrics = renderer.lineMetrics(for: valueFont)
        let pad = style.pxExact(Self.cellPadding)
        let line = max(1, style.px(1))
        let rowHeight = Int((metrics.lineHeight + 2 * pad).rounded())

        // Row labels (generated tokens) on the left.
        let rowTexts = m.targets.map {
            renderer.truncate(TokenLabel.visible($0.label), font: font, maxWidth: style.pxExact(Self.maximumRowLabelWidth))
        }
        let rowLabelWidth = Int(((rowTexts.map { renderer.width(of: $0, font: font) }.max() ?? 0) + 2 * pad).rounded(.up))

        // Step-score columns on the right.
        var stepColumns = [(name: String, values: [Double?])]()
        if m.targets.contains(where: { $0.stepScore != nil }) { stepColumns.append((m.stepScoreName, m.targets.map(\.stepScore))) }
        if m.targets.contains(where: { $0.foilStepScore != nil }) {
            stepColumns.append((m.foilStepScoreName, m.targets.map(\.foilStepScore)))
        }
        let stepTexts = stepColumns.map { $0.values.map { $0.map { NumberFormatting.fixed($0, decimals: 3) } } }
        let stepWidths = stepColumns.indices.map { k -> Int in
            let widest = ([stepColumns[k].name] + stepTexts[k].compactMap { $0 }).map { renderer.width(of: $0, font: font) }
            return Int(((widest.max() ?? 0) + 2 * pad).rounded(.up))
        }
        let stepBlock = stepColumns.isEmpty ? 0 : style.px(Self.stepColumnGap) + stepWidths.reduce(0) { $0 + $1 + line }

        // Cell width: the preferred width, narrowed to fit the picture width, never below what
        // a turned label needs.
        let gap = style.px(Self.hiddenColumnGap)
        let gaps = zip(columns, columns.dropFirst()).filter { $1 != $0 + 1 }.count * gap
        let available = contentWidth - Double(rowLabelWidth + stepBlock + gaps) - Double(line)
        let minimum = (metrics.lineHeight + 2).rounded(.up)
        let preferred = style.pxExact(m.cellWidth).rounded()
        let cellWidth = Int(max(minimum, min(preferred, (available / Double(columns.count) - Double(line)).rounded(.down))))

        // Column labels: upright when they fit the cell, turned otherwise.
        let maxLength = style.pxExact(Self.maximumColumnLabelLength)
        var labelTexts = [(text: String, rotated: Bool, font: FontSpec, color: RGBA, length: Double)]()
        for c in columns {
            let source = m.sources[c]
            let f = source.role == .generated ? bold : font
            let color = source.role == .fixed ? style.secondaryTextColor : style.textColor
            let full = TokenLabel.visible(source.label)
            let w = renderer.width(of: full, font: f)
            if w <= Double(cellWidth) - 2 {
                labelTexts.append((full, false, f, color, metrics.lineHeight))
            } else {
                let text = renderer.truncate(full, font: f, maxWidth: maxLength)
                labelTexts.append((text, true, f, color, renderer.width(of: text, font: f)))
            }
        }
        let labelArea = Int(((labelTexts.map(\.length).max() ?? 0) + pad).rounded(.up))

        var top = margin + header.height + (header.isEmpty ? 0 : style.px(12))
        gridTop = top + labelArea
        let gridLeft = margin + rowLabelWidth

        // Column x positions (with a gap where hidden columns were left out).
        var xs = [Int]()
        var x = gridLeft + line
        for (k, c) in columns.enumerated() {
            if k > 0 && c != columns[k - 1] + 1 { x += gap }
            xs.append(x)
            x += cellWidth + line
        }
        let gridRight = x
        for (k, c) in columns.enumerated() {
            let label = labelTexts[k]
            let frame: PixelRect
            if label.rotated {
                let lw = Int(label.length.rounded(.up)), lh = Int(metrics.lineHeight.rounded(.up))
                frame = PixelRect(x: xs[k] + (cellWidth - lh) / 2, y: gridTop - Int(pad) - lw, width: lh, height: lw)
            } else {
                let lw = Int(renderer.width(of: label.text, font: label.font).rounded(.up))
                frame = PixelRect(x: xs[k] + (cellWidth - lw) / 2, y: gridTop - Int(pad) - Int(metrics.lineHeight.rounded()),
                                  width: lw, height: Int(metrics.lineHeight.rounded()))
            }
            columnLabels.append(ColumnLabel(column: c, text: label.text, frame: frame, isRotated: label.rotated,
                                            font: label.font, color: label.color))
        }

        // Cells.
        let centred = ((Double(rowHeight) - metrics.ascent - metrics.descent) / 2 + metrics.ascent).rounded()
        var y = gridTop + line
        for (r, row) in m.scores.enumerated() {
            rowLabels.append(PlacedText(text: rowTexts[r], x: Double(margin), baseline: Double(y) + centred, font: font,
                                        color: style.textColor))
            for (k, c) in columns.enumerated() {
                let rect = PixelRect(x: xs[k], y: y, width: cellWidth, height: rowHeight)
                if m.sources[c].role == .fixed {
                    cells.append(Cell(row: r, column: c, rect: rect, kind: .fixed, color: style.gridColor, value: nil))
                } else if let score = row[c] {
                    let color = style.colorMap.color(forScore: score, scale: scales[r])
                    cells.append(Cell(row: r, column: c, rect: rect, kind: .score(score), color: color,
                                      value: m.showsValues ? NumberFormatting.compact(score) : nil))
                } else {
                    cells.append(Cell(row: r, column: c, rect: rect, kind: .notApplicable, color: style.background,
                                      value: nil))
                }
            }
            y += rowHeight + line
        }
        let gridBottom = y
        // Values are printed in every cell or in none, so a missing number never reads as zero.
        let valuesFit = valueMetrics.lineHeight <= Double(rowHeight) && cells.allSatisfy { cell in
            cell.value.map { renderer.width(of: $0, font: valueFont) + 2 <= Double(cellWidth) } ?? true
        }
        if !valuesFit { for i in cells.indices { cells[i].value = nil } }

        // Step scores.
        var sx = gridRight + (stepColumns.isEmpty ? 0 : style.px(Self.stepColumnGap))
        for (k, column) in stepColumns.enumerated() {
            let w = renderer.width(of: column.name, font: bold)
            stepHeaders.append(PlacedText(text: column.name, x: Double(sx) + (Double(stepWidths[k]) - w) / 2,
                                          baseline: Double(gridTop) - pad - metrics.descent, font: bold,
                                          color: style.textColor))
            for (r, value) in column.values.enumerated() {
                guard let value, let text = stepTexts[k][r] else { continue }
                stepCells.append(StepCell(row: r, rect: PixelRect(x: sx, y: gridTop + line + r * (rowHeight + line),
                                                                  width: stepWidths[k], height: rowHeight),
                                          value: value, text: text))
            }
            sx += stepWidths[k] + line
        }
        var right = Double(max(gridRight, sx))
        top = gridBottom + style.px(14)
        if style.showsColorBar {
            let barScale = m.scaleScope == .perRow ? ScoreScale(limit: 1) : (scales.first ?? ScoreScale(limit: 1))
            let caption = m.scaleScope == .perRow ? "score ÷ each row's scale" : m.summary.colorBarCaption
            let bar = ColorBar(colorMap: style.colorMap, scale: barScale, caption: caption)
            let barWidth = min(Double(style.px(260)), contentWidth)
            colorBarFrame = PixelRect(x: margin, y: top, width: Int(barWidth), height: bar.height(style: style, renderer: renderer))
            colorBar = bar
            top = colorBarFrame.maxY
            right = max(right, Double(margin) + barWidth)
        }
        right = max(right, Double(margin) + header.width(renderer: renderer))
        width = Int(right.rounded(.up)) + margin
        height = top + margin
    }

    /// Paints the laid-out picture.
    func draw(style: RenderStyle, renderer: TextRenderer) throws -> Canvas {
        var canvas = try Canvas(width: width, height: height, fill: style.background)
        let margin = style.px(style.margin)
        header.draw(on: &canvas, x: margin, y: margin, renderer: renderer)
        let line = max(1, style.px(1))
        for cell in cells {
            let r = cell.rect
            canvas.fill(PixelRect(x: r.x - line, y: r.y - line, width: r.width + 2 * line, height: r.height + 2 * line),
                        with: style.gridColor)
        }
        let valueFont = style.font(max(4, style.labelFontSize - 3))
        let valueMetrics = renderer.lineMetrics(for: valueFont)
        let hatchLine = style.gridColor.mixed(with: style.secondaryTextColor, 0.35)
        for cell in cells {
            switch cell.kind {
            case .fixed:
                canvas.hatch(cell.rect, background: style.background.mixed(with: style.gridColor, 0.5),
                             lineColor: hatchLine, spacing: style.px(5))
            case .notApplicable, .score:
                canvas.fill(cell.rect, with: cell.color)
            }
            if let value = cell.value {
                canvas.drawText(value, x: Double(cell.rect.x) + (Double(cell.rect.width) - renderer.width(of: value, font: valueFont)) / 2,
                                baseline: centredBaseline(in: cell.rect, valueMetrics), font: valueFont,
                                color: cell.color.readableTextColor, renderer: renderer)
            }
        }
        for label in columnLabels {
            let metrics = renderer.lineMetrics(for: label.font)
            if label.isRotated {
                var strip = try Canvas(width: label.frame.height, height: label.frame.width, fill: .clear)
                strip.drawText(label.text, x: 0, baseline: metrics.ascent.rounded(), font: label.font, color: label.color,
                               renderer: renderer)
                canvas.draw(strip.rotatedCounterclockwise(), x: label.frame.x, y: label.frame.y)
            } else {
                canvas.drawText(label.text, x: Double(label.frame.x), baseline: Double(label.frame.y) + metrics.ascent.rounded(),
                                font: label.font, color: label.color, renderer: renderer)
            }
        }
        canvas.draw(rowLabels, renderer: renderer)
        canvas.draw(stepHeaders, renderer: renderer)
        let font = style.labelFont
        let metrics = renderer.lineMetrics(for: font)
        let barColor = style.gridColor.mixed(with: style.background, 0.3)
        for cell in stepCells {
            let r = cell.rect
            canvas.fill(PixelRect(x: r.x - line, y: r.y - line, width: r.width + 2 * line, height: r.height + 2 * line),
                        with: style.gridColor)
            canvas.fill(r, with: style.background)
            if (0...1).contains(cell.value) {
                canvas.fill(PixelRect(x: r.x, y: r.y, width: Int((Double(r.width) * cell.value).rounded()), height: r.height),
                            with: barColor)
            }
            let w = renderer.width(of: cell.text, font: font)
            canvas.drawText(cell.text, x: Double(r.maxX) - w - style.pxExact(Self.cellPadding),
                            baseline: centredBaseline(in: r, metrics), font: font, color: style.textColor, renderer: renderer)
        }
        colorBar?.draw(on: &canvas, x: colorBarFrame.x, y: colorBarFrame.y, width: colorBarFrame.width,
                       style: style, renderer: renderer)
        return canvas
    }

    private func centredBaseline(in rect: PixelRect, _ metrics: LineMetrics) -> Double {
        (Double(rect.y) + (Double(rect.height) - metrics.ascent - metrics.descent) / 2 + metrics.ascent).rounded()
    }
}
