/// Where everything in a ``LogitLensGrid`` goes, in pixels.
struct LogitLensGridLayout {
    struct Box {
        var rect: PixelRect
        var color: RGBA
    }

    var width = 0
    var height = 0
    var header: PictureHeader
    var labels: [PlacedText] = []
    var boxes: [Box] = []
    var frame = PixelRect(x: 0, y: 0, width: 0, height: 0)
    var colorBar: ColorBar
    var colorBarFrame = PixelRect(x: 0, y: 0, width: 0, height: 0)

    /// Cell width bounds in points (a cell holds one token).
    static let minimumCellWidth = 40.0
    static let maximumCellWidth = 76.0

    init(grid: LogitLensGrid, style: RenderStyle, renderer: TextRenderer) throws {
        let margin = style.px(style.margin)
        let font = style.labelFont
        let metrics = renderer.lineMetrics(for: font)
        let line = Double(max(1, style.px(1)))
        let pad = style.pxExact(4)
        let rowHeight = (metrics.lineHeight + 2 * style.pxExact(3)).rounded()
        let centred = ((rowHeight - metrics.ascent - metrics.descent) / 2 + metrics.ascent).rounded()

        let cellTexts = grid.cells.map { $0.map { TokenLabel.visible($0.text) } }
        let columnTexts = grid.positionLabels.map(TokenLabel.visible)
        let widest = (cellTexts.flatMap { $0 } + columnTexts).map { renderer.width(of: $0, font: font) }.max() ?? 0
        let cellWidth = min(max(widest + 2 * pad, style.pxExact(Self.minimumCellWidth)),
                            style.pxExact(Self.maximumCellWidth)).rounded()
        let rowLabelWidth = (grid.layerLabels.map { renderer.width(of: $0, font: font) }.max() ?? 0).rounded(.up)
        let left = Double(margin) + rowLabelWidth + style.pxExact(8)
        let columns = grid.positionLabels.count, rows = grid.layerLabels.count
        let gridWidth = Double(columns) * (cellWidth + line) + line

        header = PictureHeader(headline: grid.title, detail: grid.detail,
                               maxWidth: max(Double(style.px(style.width) - 2 * margin), gridWidth + left - Double(margin)),
                               style: style, renderer: renderer)
        var top = Double(margin + header.height + (header.isEmpty ? 0 : style.px(10)))
        // Axis caption above the rows.
        labels.append(PlacedText(text: "layer", x: Double(margin), baseline: top + metrics.ascent.rounded(), font: font,
                                 color: style.secondaryTextColor))
        labels.append(PlacedText(text: "top next token at each position (colour: its probability)", x: left,
                                 baseline: top + metrics.ascent.rounded(), font: font, color: style.secondaryTextColor))
        top += metrics.lineHeight.rounded(.up) + style.pxExact(4)
        let gridHeight = Double(rows) * (rowHeight + line) + line
        frame = PixelRect(x: Int(left), y: Int(top), width: Int(gridWidth), height: Int(gridHeight))

        for r in 0..<rows {
            // Row 0 (the embeddings) at the bottom.
            let y = top + line + Double(rows - 1 - r) * (rowHeight + line)
            let labelWidth = renderer.width(of: grid.layerLabels[r], font: font)
            labels.append(PlacedText(text: grid.layerLabels[r], x: left - style.pxExact(8) - labelWidth,
                                     baseline: y + centred, font: font, color: style.secondaryTextColor))
            for c in 0..<columns {
                let x = left + line + Double(c) * (cellWidth + line)
                let color = ColorMap.viridis.color(at: grid.cells[r][c].probability)
                boxes.append(Box(rect: PixelRect(x: Int(x), y: Int(y), width: Int(cellWidth), height: Int(rowHeight)),
                                 color: color))
                let text = renderer.truncate(cellTexts[r][c], font: font, maxWidth: cellWidth - 2 * pad)
                let w = renderer.width(of: text, font: font)
                labels.append(PlacedText(text: text, x: (x + (cellWidth - w) / 2).rounded(), baseline: y + centred,
                                         font: font, color: color.readableTextColor))
            }
        }
        // Column labels under the grid: the input token at each position.
        let columnBaseline = top + gridHeight + style.pxExact(4) + metrics.ascent.rounded()
        for c in 0..<columns {
            let x = left + line + Double(c) * (cellWidth + line)
            let text = renderer.truncate(columnTexts[c], font: font, maxWidth: cellWidth - style.pxExact(2))
            let w = renderer.width(of: text, font: font)
            labels.append(PlacedText(text: text, x: (x + (cellWidth - w) / 2).rounded(), baseline: columnBaseline,
                                     font: font, color: style.textColor))
        }
        var bottom = columnBaseline + metrics.descent.rounded(.up) + style.pxExact(4)
        labels.append(PlacedText(text: "input token at the position", x: left, baseline: bottom + metrics.ascent.rounded(),
                                 font: font, color: style.secondaryTextColor))
        bottom += metrics.lineHeight.rounded(.up) + style.pxExact(8)
        colorBar = ColorBar(colorMap: .viridis, scale: ScoreScale(limit: 1), caption: "probability")
        var right = left + gridWidth
        if style.showsColorBar {
            let barWidth = min(max(style.pxExact(160), gridWidth / 3), style.pxExact(320))
            colorBarFrame = PixelRect(x: Int(left), y: Int(bottom), width: Int(barWidth),
                                      height: colorBar.height(style: style, renderer: renderer))
            bottom = Double(colorBarFrame.maxY)
            right = max(right, Double(colorBarFrame.maxX))
        }
        height = Int(bottom.rounded(.up)) + margin
        width = Int(max(right, Double(margin) + header.width(renderer: renderer)).rounded(.up)) + margin
    }

    /// Paints the laid-out picture.
    func draw(style: RenderStyle, renderer: TextRenderer) throws -> Canvas {
        var canvas = try Canvas(width: width, height: height, fill: style.background)
        let margin = style.px(style.margin)
        header.draw(on: &canvas, x: margin, y: margin, renderer: renderer)
        canvas.fill(frame, with: style.gridColor)
        for box in boxes { canvas.fill(box.rect, with: box.color) }
        canvas.draw(labels, renderer: renderer)
        if style.showsColorBar {
            colorBar.draw(on: &canvas, x: colorBarFrame.x, y: colorBarFrame.y, width: colorBarFrame.width,
                          style: style, renderer: renderer)
        }
        return canvas
    }
}
