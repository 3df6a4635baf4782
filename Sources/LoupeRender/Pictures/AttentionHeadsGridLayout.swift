import Foundation

/// Where everything in an ``AttentionHeadsGrid`` goes, in pixels.
struct AttentionHeadsGridLayout {
    struct Box {
        var rect: PixelRect
        var color: RGBA
    }

    var width = 0
    var height = 0
    var header: PictureHeader
    var labels: [PlacedText] = []
    var frames: [PixelRect] = []
    var boxes: [Box] = []
    var colorBar = ColorBar(colorMap: .viridis, scale: ScoreScale(limit: 1), caption: "attention weight")
    var colorBarFrame = PixelRect(x: 0, y: 0, width: 0, height: 0)

    /// The side of one heatmap in points (cells are whole pixels, at least 2).
    static let panelSide = 150.0

    init(grid: AttentionHeadsGrid, style: RenderStyle, renderer: TextRenderer) throws {
        let margin = style.px(style.margin)
        let font = style.labelFont
        let metrics = renderer.lineMetrics(for: font)
        let t = grid.tokens.count
        let cell = max(2, Int(style.pxExact(Self.panelSide) / Double(t)))
        let side = cell * t
        let gap = style.px(14)
        let captionHeight = Int((2 * metrics.lineHeight).rounded(.up)) + style.px(2)
        let content = Double(style.px(style.width) - 2 * margin)
        let perRow = max(1, min(grid.heads.count, Int((content + Double(gap)) / Double(side + gap))))
        let rows = (grid.heads.count + perRow - 1) / perRow

        header = PictureHeader(headline: grid.title, detail: grid.detail, maxWidth: content, style: style, renderer: renderer)
        let top = margin + header.height + (header.isEmpty ? 0 : style.px(10))
        for (i, head) in grid.heads.enumerated() {
            let x = margin + (i % perRow) * (side + gap)
            let y = top + (i / perRow) * (captionHeight + side + gap)
            labels.append(PlacedText(text: "head \(head.index)", x: Double(x), baseline: Double(y) + metrics.ascent.rounded(),
                                     font: font, color: style.textColor))
            var scores = "H " + NumberFormatting.compact(head.entropy)
            if let p = head.previousTokenScore { scores += "  prev " + NumberFormatting.compact(p) }
            labels.append(PlacedText(text: scores, x: Double(x),
                                     baseline: Double(y) + metrics.lineHeight.rounded() + metrics.ascent.rounded(),
                                     font: font, color: style.secondaryTextColor))
            let panelTop = y + captionHeight
            frames.append(PixelRect(x: x - 1, y: panelTop - 1, width: side + 2, height: side + 2))
            for q in 0..<t {
                for k in 0..<t {
                    boxes.append(Box(rect: PixelRect(x: x + k * cell, y: panelTop + q * cell, width: cell, height: cell),
                                     color: ColorMap.viridis.color(at: head.pattern[q][k])))
                }
            }
        }
        var bottom = top + rows * (captionHeight + side + gap)
        var right = margin + perRow * (side + gap) - gap
        if style.showsColorBar {
            let barWidth = max(style.px(160), min(side, style.px(320)))
            colorBarFrame = PixelRect(x: margin, y: bottom, width: barWidth, height: colorBar.height(style: style, renderer: renderer))
            bottom = colorBarFrame.maxY
            right = max(right, colorBarFrame.maxX)
        }
        height = bottom + margin
        width = Int(max(Double(right), Double(margin) + header.width(renderer: renderer)).rounded(.up)) + margin
    }

    func draw(style: RenderStyle, renderer: TextRenderer) throws -> Canvas {
        var canvas = try Canvas(width: width, height: height, fill: style.background)
        let margin = style.px(style.margin)
        header.draw(on: &canvas, x: margin, y: margin, renderer: renderer)
        for frame in frames { canvas.fill(frame, with: style.gridColor) }
        for box in boxes { canvas.fill(box.rect, with: box.color) }
        canvas.draw(labels, renderer: renderer)
        if style.showsColorBar {
            colorBar.draw(on: &canvas, x: colorBarFrame.x, y: colorBarFrame.y, width: colorBarFrame.width,
                          style: style, renderer: renderer)
        }
        return canvas
    }
}
