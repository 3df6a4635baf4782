/// Where everything in a ``MethodComparison`` goes, in pixels.
struct MethodComparisonLayout {
    struct Cell {
        var method: Int
        var token: Int
        var rect: PixelRect
        var color: RGBA
        var value: String?
    }

    var width = 0
    var height = 0
    var header: PictureHeader
    var cells: [Cell] = []
    var labels: [PlacedText] = []
    var colorBar: ColorBar?
    var colorBarFrame = PixelRect(x: 0, y: 0, width: 0, height: 0)
    /// One scale per method row.
    var scales: [ScoreScale]

    static let cellPadding = 5.0
    static let minimumCellWidth = 34.0
    static let maximumColumnWidth = 110.0
    static let maximumRowLabelWidth = 200.0

    init(comparison c: MethodComparison, style: RenderStyle, renderer: TextRenderer) throws {
        let margin = style.px(style.margin)
        let contentWidth = max(Double(style.px(style.width) - 2 * margin), style.pxExact(80))
        header = PictureHeader(headline: c.summary.headline ?? c.summary.title, detail: c.summary.detailLine,
                               maxWidth: contentWidth, style: style, renderer: renderer)
        let floor = style.normalization.isFixed ? 0 : max(style.scaleFloor, c.scaleFloor)
        if c.normalizesEachMethod {
            scales = try c.scores.map { try ScoreScale(scores: $0, normalization: style.normalization).atLeast(floor) }
        } else {
            let all = try ScoreScale(scores: c.scores.flatMap { $0 }, normalization: style.normalization).atLeast(floor)
            scales = Array(repeating: all, count: c.scores.count)
        }

        let font = style.labelFont
        let bold = style.font(style.labelFontSize, .bold)
        let metrics = renderer.lineMetrics(for: font)
        let pad = style.pxExact(Self.cellPadding)
        let gridLine = Double(max(1, style.px(1)))
        let rowHeight = (metrics.lineHeight + 2 * pad).rounded()
        // Baseline offset that centres a line of label text in a row.
        let centredBaseline = ((rowHeight - metrics.ascent - metrics.descent) / 2 + metrics.ascent).rounded()

        // Column widths from the token labels, capped; labels that do not fit are truncated.
        let maxColumn = style.pxExact(Self.maximumColumnWidth)
        // Every cell's value is drawn (scientific notation when tiny), so a column is as wide as
        // its widest value: a blank cell would read as missing data.
        let tokenLabels = c.tokens.map { renderer.truncate(TokenLabel.visible($0), font: bold, maxWidth: maxColumn - 2 * pad) }
        let columnWidths = tokenLabels.indices.map { t in
            let values = c.showsValues ? c.scores.map { renderer.width(of: NumberFormatting.compact($0[t]), font: font) + 2 * pad } : []
            return max(renderer.width(of: tokenLabels[t], font: bold) + 2 * pad, style.pxExact(Self.minimumCellWidth),
                       values.max() ?? 0).rounded(.up)
        }
        let rowLabels = c.methods.map {
            renderer.truncate($0, font: font, maxWidth: style.pxExact(Self.maximumRowLabelWidth))
        }
        let rowLabelWidth = (rowLabels.map { renderer.width(of: $0, font: font) }.max() ?? 0) + 2 * pad

        // Split the columns into blocks that fit the content width.
        var blocks = [[Int]]()
        var current = [Int](), used = rowLabelWidth
        for t in c.tokens.indices {
            if !current.isEmpty && used + columnWidths[t] + gridLine > contentWidth {
                blocks.append(current)
                current = []
                used = rowLabelWidth
            }
            current.append(t)
            used += columnWidths[t] + gridLine
        }
        blocks.append(current)

        var y = Double(margin + header.height + (header.isEmpty ? 0 : style.px(12)))
        var maxRight = Double(margin) + header.width(renderer: renderer)
        for block in blocks {
            // Token header row.
            var x = Double(margin) + rowLabelWidth
            let headerBaseline = y + centredBaseline
            for t in block {
                let w = renderer.width(of: tokenLabels[t], font: bold)
                labels.append(PlacedText(text: tokenLabels[t], x: x + gridLine + (columnWidths[t] - w) / 2,
                                    baseline: headerBaseline, font: bold,
                                    color: c.unknownTokens.contains(t) ? style.unknownTokenColor : style.textColor))
                x += columnWidths[t] + gridLine
            }
            maxRight = max(maxRight, x + gridLine)
            y += rowHeight
            for m in c.methods.indices {
                labels.append(PlacedText(text: rowLabels[m], x: Double(margin), baseline: y + gridLine + centredBaseline,
                                    font: font, color: style.textColor))
                var cx = Double(margin) + rowLabelWidth
                for t in block {
                    let score = c.scores[m][t]
                    let color = style.colorMap.color(forScore: score, scale: scales[m])
                    let rect = PixelRect(x: Int(cx + gridLine), y: Int(y + gridLine),
                                         width: Int(columnWidths[t]), height: Int(rowHeight))
                    var value: String?
                    if c.showsValues { value = NumberFormatting.compact(score) }
                    cells.append(Cell(method: m, token: t, rect: rect, color: color, value: value))
                    cx += columnWidths[t] + gridLine
                }
                y += rowHeight + gridLine
            }
            y += gridLine + style.pxExact(14)
        }
        var bottom = Int(y.rounded())
        if let note = c.fullNote {
            let noteMetrics = renderer.lineMetrics(for: font)
            var noteY = Double(bottom)
            for line in renderer.wrap(note, font: font, maxWidth: contentWidth) {
                labels.append(PlacedText(text: line, x: Double(margin), baseline: (noteY + noteMetrics.ascent).rounded(),
                                         font: font, color: style.secondaryTextColor))
                maxRight = max(maxRight, Double(margin) + renderer.width(of: line, font: font))
                noteY += noteMetrics.lineHeight
            }
            bottom = Int((noteY + style.pxExact(10)).rounded(.up))
        }
        if style.showsColorBar {
            let barScale = c.normalizesEachMethod ? ScoreScale(limit: 1) : scales[0]
            let caption = c.normalizesEachMethod ? "score ÷ each method's scale" : "attribution score"
            let bar = ColorBar(colorMap: style.colorMap, scale: barScale, caption: caption)
            let barWidth = min(Double(style.px(260)), contentWidth)
            colorBarFrame = PixelRect(x: margin, y: bottom, width: Int(barWidth),
                                      height: bar.height(style: style, renderer: renderer))
            colorBar = bar
            bottom = colorBarFrame.maxY
            maxRight = max(maxRight, Double(margin) + barWidth)
        }
        width = Int(maxRight.rounded(.up)) + margin
        height = bottom + margin
    }

    /// Paints the laid-out picture.
    func draw(style: RenderStyle, renderer: TextRenderer) throws -> Canvas {
        var canvas = try Canvas(width: width, height: height, fill: style.background)
        header.draw(on: &canvas, x: style.px(style.margin), y: style.px(style.margin), renderer: renderer)
        let font = style.labelFont
        let metrics = renderer.lineMetrics(for: font)
        let line = max(1, style.px(1))
        for cell in cells {
            let r = cell.rect
            canvas.fill(PixelRect(x: r.x - line, y: r.y - line, width: r.width + 2 * line, height: r.height + 2 * line),
                        with: style.gridColor)
        }
        for cell in cells {
            canvas.fill(cell.rect, with: cell.color)
            if let value = cell.value {
                let w = renderer.width(of: value, font: font)
                let baseline = (Double(cell.rect.y) + (Double(cell.rect.height) - metrics.ascent - metrics.descent) / 2
                    + metrics.ascent).rounded()
                canvas.drawText(value, x: Double(cell.rect.x) + (Double(cell.rect.width) - w) / 2, baseline: baseline,
                                font: font, color: cell.color.readableTextColor, renderer: renderer)
            }
        }
        canvas.draw(labels, renderer: renderer)
        colorBar?.draw(on: &canvas, x: colorBarFrame.x, y: colorBarFrame.y, width: colorBarFrame.width,
                       style: style, renderer: renderer)
        return canvas
    }
}
