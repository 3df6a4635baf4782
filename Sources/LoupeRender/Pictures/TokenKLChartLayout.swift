/// Where everything in a ``TokenKLChart`` goes, in pixels.
struct TokenKLChartLayout {
    struct Box {
        var rect: PixelRect
        var color: RGBA
    }

    var width = 0
    var height = 0
    var header: PictureHeader
    var labels: [PlacedText] = []
    var bars: [Box] = []
    var matrixCells: [Box] = []
    var matrixFrame: PixelRect?
    var axis = PixelRect(x: 0, y: 0, width: 0, height: 0)
    var colorBar: ColorBar?
    var colorBarFrame = PixelRect(x: 0, y: 0, width: 0, height: 0)

    static let barAreaWidth = 220.0
    static let maximumTokenWidth = 160.0
    static let rowPadding = 3.0

    init(chart: TokenKLChart, style: RenderStyle, renderer: TextRenderer) throws {
        let margin = style.px(style.margin)
        header = PictureHeader(headline: chart.title, detail: nil,
                               maxWidth: Double(style.px(style.width) - 2 * margin), style: style, renderer: renderer)
        let font = style.labelFont
        let metrics = renderer.lineMetrics(for: font)
        let pad = style.pxExact(Self.rowPadding)
        let rowHeight = (metrics.lineHeight + 2 * pad).rounded()
        let centred = ((rowHeight - metrics.ascent - metrics.descent) / 2 + metrics.ascent).rounded()
        let line = Double(max(1, style.px(1)))

        // Columns: token labels | value labels | bars | value labels | gap | matrix.
        let tokenLabels = chart.tokens.map {
            renderer.truncate(TokenLabel.visible($0), font: font, maxWidth: style.pxExact(Self.maximumTokenWidth))
        }
        let tokenWidth = (tokenLabels.map { renderer.width(of: $0, font: font) }.max() ?? 0).rounded(.up)
        let valueTexts = chart.contributions.map { NumberFormatting.compact($0) }
        let valueWidth = (valueTexts.map { renderer.width(of: $0, font: font) }.max() ?? 0) + style.pxExact(6)
        let negative = max(0, -(chart.contributions.min() ?? 0))
        let positive = max(0, chart.contributions.max() ?? 0)
        let total = negative + positive > 0 ? negative + positive : 1
        let barWidth = style.pxExact(Self.barAreaWidth)
        let tokenX = Double(margin)
        let barLeft = tokenX + tokenWidth + style.pxExact(8) + (negative > 0 ? valueWidth : 0)
        let zeroX = (barLeft + barWidth * negative / total).rounded()

        var top = Double(margin + header.height + (header.isEmpty ? 0 : style.px(12)))
        let captionBaseline = top + metrics.ascent.rounded()
        labels.append(PlacedText(text: chart.barCaption, x: barLeft, baseline: captionBaseline, font: font,
                                 color: style.secondaryTextColor))
        top += metrics.lineHeight.rounded(.up) + style.pxExact(4)

        let positiveColor = style.colorMap.color(at: 0.75)
        let negativeColor = style.colorMap.color(at: -0.75)
        let thickness = (rowHeight * 0.62).rounded()
        for (t, value) in chart.contributions.enumerated() {
            let y = top + Double(t) * rowHeight
            let w = renderer.width(of: tokenLabels[t], font: font)
            labels.append(PlacedText(text: tokenLabels[t], x: tokenX + tokenWidth - w, baseline: y + centred, font: font,
                                color: style.textColor))
            let length = (barWidth * abs(value) / total).rounded()
            let barY = Int(y + (rowHeight - thickness) / 2)
            let rect = value >= 0
                ? PixelRect(x: Int(zeroX), y: barY, width: Int(length), height: Int(thickness))
                : PixelRect(x: Int(zeroX - length), y: barY, width: Int(length), height: Int(thickness))
            bars.append(Box(rect: rect, color: value >= 0 ? positiveColor : negativeColor))
            let vw = renderer.width(of: valueTexts[t], font: font)
            let vx = value >= 0 ? Double(rect.maxX) + style.pxExact(3) : Double(rect.minX) - style.pxExact(3) - vw
            labels.append(PlacedText(text: valueTexts[t], x: vx, baseline: y + centred, font: font,
                                     color: style.secondaryTextColor))
        }
        let rowsBottom = top + Double(chart.tokens.count) * rowHeight
        axis = PixelRect(x: Int(zeroX), y: Int(top), width: Int(line), height: Int(rowsBottom - top))
        var right = barLeft + barWidth + valueWidth

        if let matrix = chart.matrix {
            let matrixLeft = right + style.pxExact(16)
            let labelWidths = chart.dimensionLabels.map { renderer.width(of: $0, font: font) }
            let cellWidth = max(style.pxExact(16), min((labelWidths.max() ?? 0) + style.pxExact(6), style.pxExact(40)))
                .rounded()
            // Label every k-th column when the labels are wider than the cells.
            let every = max(1, Int(((labelWidths.max() ?? 0) + style.pxExact(4)) / cellWidth) + 1)
            labels.append(PlacedText(text: chart.matrixCaption, x: matrixLeft,
                                baseline: captionBaseline, font: font,
                                color: style.secondaryTextColor))
            let values = matrix.flatMap { $0 }
            let signed = values.contains { $0 < 0 }
            let map = signed ? style.colorMap : style.magnitudeColorMap
            let scale = try ScoreScale(scores: values, normalization: style.normalization)
            for (t, row) in matrix.enumerated() {
                for (d, v) in row.enumerated() {
                    let rect = PixelRect(x: Int(matrixLeft + line + Double(d) * (cellWidth + line)),
                                         y: Int(top + Double(t) * rowHeight + line),
                                         width: Int(cellWidth), height: Int(rowHeight - line))
                    matrixCells.append(Box(rect: rect, color: map.color(forScore: v, scale: scale)))
                }
            }
            let matrixWidth = Double(matrix[0].count) * (cellWidth + line) + line
            let frame = PixelRect(x: Int(matrixLeft), y: Int(top), width: Int(matrixWidth),
                                  height: Int(rowsBottom - top + line))
            matrixFrame = frame
            for d in stride(from: 0, to: chart.dimensionLabels.count, by: every) {
                let cx = Double(frame.x) + line + Double(d) * (cellWidth + line) + cellWidth / 2
                labels.append(PlacedText(text: chart.dimensionLabels[d], x: cx - labelWidths[d] / 2,
                                    baseline: Double(frame.maxY) + style.pxExact(3) + metrics.ascent.rounded(), font: font,
                                    color: style.secondaryTextColor))
            }
            right = Double(frame.maxX)
            var bottom = Double(frame.maxY) + style.pxExact(3) + metrics.lineHeight.rounded(.up) + style.pxExact(10)
            if style.showsColorBar {
                let bar = ColorBar(colorMap: map, scale: scale, caption: nil)
                let barW = max(Double(frame.width), style.pxExact(140))
                colorBarFrame = PixelRect(x: frame.x, y: Int(bottom), width: Int(barW),
                                          height: bar.height(style: style, renderer: renderer))
                colorBar = bar
                bottom = Double(colorBarFrame.maxY)
                right = max(right, Double(colorBarFrame.maxX))
            }
            height = Int(max(bottom, rowsBottom).rounded(.up)) + margin
        } else {
            height = Int(rowsBottom.rounded(.up)) + margin
        }
        width = Int(max(right, Double(margin) + header.width(renderer: renderer)).rounded(.up)) + margin
    }

    /// Paints the laid-out picture.
    func draw(style: RenderStyle, renderer: TextRenderer) throws -> Canvas {
        var canvas = try Canvas(width: width, height: height, fill: style.background)
        let margin = style.px(style.margin)
        header.draw(on: &canvas, x: margin, y: margin, renderer: renderer)
        if let matrixFrame { canvas.fill(matrixFrame, with: style.gridColor) }
        for cell in matrixCells { canvas.fill(cell.rect, with: cell.color) }
        for bar in bars { canvas.fill(bar.rect, with: bar.color) }
        canvas.fill(axis, with: style.textColor)
        canvas.draw(labels, renderer: renderer)
        colorBar?.draw(on: &canvas, x: colorBarFrame.x, y: colorBarFrame.y, width: colorBarFrame.width,
                       style: style, renderer: renderer)
        return canvas
    }
}
