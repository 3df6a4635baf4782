/// Where everything in a ``PatchingHeatmap`` goes, in pixels.
struct PatchingHeatmapLayout {
    struct Box {
        var rect: PixelRect
        var color: RGBA
    }

    var width = 0
    var height = 0
    var header: PictureHeader
    var labels: [PlacedText] = []
    var frames: [PixelRect] = []
    var cells: [Box] = []
    var colorBar: ColorBar?
    var colorBarFrame = PixelRect(x: 0, y: 0, width: 0, height: 0)

    static let maximumTokenWidth = 150.0
    static let rowPadding = 2.0
    static let panelGap = 18.0

    init(heatmap: PatchingHeatmap, style: RenderStyle, renderer: TextRenderer) throws {
        let margin = style.px(style.margin)
        let font = style.labelFont
        let metrics = renderer.lineMetrics(for: font)
        let line = Double(max(1, style.px(1)))
        let rowHeight = (metrics.lineHeight + 2 * style.pxExact(Self.rowPadding)).rounded()
        let centred = ((rowHeight - metrics.ascent - metrics.descent) / 2 + metrics.ascent).rounded()
        let layers = heatmap.panels.map(\.values.count).max() ?? 1
        let numberWidth = renderer.width(of: String(layers - 1), font: font)
        // Cells are square-ish: as wide as a row is high, narrower for deep models, never below 6 px.
        let cellWidth = max(style.pxExact(6), min(rowHeight, (style.pxExact(200) / Double(layers)).rounded(.down)))
        let every = max(1, Int((numberWidth + style.pxExact(6)) / (cellWidth + line)) + 1)

        let tokenLabels = heatmap.tokens.map { renderer.truncate(TokenLabel.visible($0), font: font, maxWidth: style.pxExact(Self.maximumTokenWidth)) }
        let tokenWidth = (tokenLabels.map { renderer.width(of: $0, font: font) }.max() ?? 0).rounded(.up)
        let panelWidths = heatmap.panels.map { panel in
            max(Double(panel.values.count) * (cellWidth + line) + line, renderer.width(of: panel.title, font: font))
        }
        let contentWidth = Double(margin) + tokenWidth + style.pxExact(8) + panelWidths.reduce(0, +)
            + style.pxExact(Self.panelGap) * Double(heatmap.panels.count - 1)
        header = PictureHeader(headline: heatmap.title, detail: heatmap.detail,
                               maxWidth: max(Double(style.px(style.width) - 2 * margin), contentWidth - Double(margin)),
                               style: style, renderer: renderer)

        var top = Double(margin + header.height + (header.isEmpty ? 0 : style.px(12)))
        let captionBaseline = top + metrics.ascent.rounded()
        top += metrics.lineHeight.rounded(.up) + style.pxExact(4)
        let tokenX = Double(margin)
        for (t, label) in tokenLabels.enumerated() {
            let w = renderer.width(of: label, font: font)
            labels.append(PlacedText(text: label, x: tokenX + tokenWidth - w, baseline: top + Double(t) * rowHeight + centred,
                                     font: font, color: style.textColor))
        }
        let rowsBottom = top + Double(heatmap.tokens.count) * rowHeight + line
        let scale = ScoreScale(limit: heatmap.limit)
        let map = style.colorMap
        var left = tokenX + tokenWidth + style.pxExact(8)
        let numbersBaseline = rowsBottom + style.pxExact(3) + metrics.ascent.rounded()
        for (i, panel) in heatmap.panels.enumerated() {
            labels.append(PlacedText(text: panel.title, x: left, baseline: captionBaseline, font: font, color: style.secondaryTextColor))
            let frame = PixelRect(x: Int(left), y: Int(top), width: Int(Double(panel.values.count) * (cellWidth + line) + line),
                                  height: Int(rowsBottom - top))
            frames.append(frame)
            for (layer, row) in panel.values.enumerated() {
                for (t, value) in row.enumerated() {
                    let rect = PixelRect(x: Int(left + line + Double(layer) * (cellWidth + line)),
                                         y: Int(top + Double(t) * rowHeight + line),
                                         width: Int(cellWidth), height: Int(rowHeight - line))
                    cells.append(Box(rect: rect, color: map.color(forScore: value, scale: scale)))
                }
            }
            for layer in stride(from: 0, to: panel.values.count, by: every) {
                let text = String(layer)
                let cx = left + line + Double(layer) * (cellWidth + line) + cellWidth / 2
                labels.append(PlacedText(text: text, x: cx - renderer.width(of: text, font: font) / 2, baseline: numbersBaseline,
                                         font: font, color: style.secondaryTextColor))
            }
            left += panelWidths[i] + style.pxExact(Self.panelGap)
        }
        let axisBaseline = numbersBaseline + metrics.lineHeight.rounded(.up)
        labels.append(PlacedText(text: "layer", x: tokenX + tokenWidth + style.pxExact(8), baseline: axisBaseline, font: font,
                                 color: style.secondaryTextColor))
        var bottom = axisBaseline + metrics.descent.rounded(.up) + style.pxExact(10)
        var right = left - style.pxExact(Self.panelGap)
        if style.showsColorBar {
            let bar = ColorBar(colorMap: map, scale: scale, caption: heatmap.caption)
            let barWidth = max(style.pxExact(220), min(right - tokenX, style.pxExact(360)))
            colorBarFrame = PixelRect(x: Int(tokenX), y: Int(bottom), width: Int(barWidth), height: bar.height(style: style, renderer: renderer))
            colorBar = bar
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
        for frame in frames { canvas.fill(frame, with: style.gridColor) }
        for cell in cells { canvas.fill(cell.rect, with: cell.color) }
        canvas.draw(labels, renderer: renderer)
        colorBar?.draw(on: &canvas, x: colorBarFrame.x, y: colorBarFrame.y, width: colorBarFrame.width,
                       style: style, renderer: renderer)
        return canvas
    }
}
