/// Where everything in a ``SentenceHeatmap`` goes, in pixels.
struct SentenceHeatmapLayout {
    struct TokenBox {
        var token: Int
        var rect: PixelRect
        var color: RGBA
        var unknown = false
    }

    var width = 0
    var height = 0
    var header: PictureHeader
    var headerOrigin = (x: 0, y: 0)
    var boxes: [TokenBox] = []
    var runs: [PlacedText] = []
    var colorBar: ColorBar?
    var colorBarFrame = PixelRect(x: 0, y: 0, width: 0, height: 0)
    var scale: ScoreScale
    /// The note lines under the text.
    var noteLines: [PlacedText] = []

    // Spacing in points.
    static let paddingX = 3.0
    static let paddingY = 2.0
    static let boxGap = 2.0
    static let lineGap = 5.0
    static let blockGap = 12.0

    init(heatmap: SentenceHeatmap, style: RenderStyle, renderer: TextRenderer) throws {
        let font = style.bodyFont
        let margin = style.px(style.margin)
        let contentWidth = max(Double(style.px(style.width) - 2 * margin), style.pxExact(40))
        scale = try ScoreScale(scores: heatmap.scores, normalization: style.normalization)
            .atLeast(style.normalization.isFixed ? 0 : max(style.scaleFloor, heatmap.scaleFloor))
        header = PictureHeader(summary: heatmap.summary, maxWidth: contentWidth, style: style, renderer: renderer)

        // Which token owns each scalar (the first span that covers it).
        let scalars = Array(heatmap.text.unicodeScalars)
        let n = scalars.count
        let owner = heatmap.scalarOwners()

        // Advances, shaped per run of scalars with the same owner (kerning stays inside a run).
        var widths = [Double](repeating: 0, count: n)
        var runStart = 0
        for i in 1...n where i == n || owner[i] != owner[runStart] {
            var run = String.UnicodeScalarView()
            run.append(contentsOf: scalars[runStart..<i])
            let shaped = renderer.shape(String(run), font: font)
            for (k, a) in shaped.advances.enumerated() { widths[runStart + k] = Double(a) / 64 }
            runStart = i
        }
        let padX = style.pxExact(Self.paddingX), gap = style.pxExact(Self.boxGap)
        var startsToken = [Bool](repeating: false, count: n)
        for i in 0..<n {
            guard let t = owner[i] else { continue }
            if i == 0 || owner[i - 1] != t {
                startsToken[i] = true
                widths[i] += padX + (i > 0 && owner[i - 1] != nil ? gap : 0)
            }
            if i == n - 1 || owner[i + 1] != t { widths[i] += padX }
        }
        let kinds = scalars.map(LineBreaking.kind(of:))
        var breakBefore = [Bool](repeating: false, count: n)
        for i in 1..<max(n, 1) {
            let sameToken = owner[i] != nil && owner[i] == owner[i - 1]
            breakBefore[i] = !sameToken && LineBreaking.canBreak(after: scalars[i - 1], before: scalars[i])
        }
        let lines = LineBreaking.lines(widths: widths, kinds: kinds, breakBefore: breakBefore, maxWidth: contentWidth)

        // Vertical metrics.
        let metrics = renderer.lineMetrics(for: font)
        let padY = style.pxExact(Self.paddingY)
        let boxHeight = (metrics.lineHeight + 2 * padY).rounded()
        let pitch = boxHeight + style.pxExact(Self.lineGap).rounded()
        let textTop = Double(margin + header.height + (header.isEmpty ? 0 : style.px(Self.blockGap)))

        var maxLineWidth = 0.0
        for (lineIndex, range) in lines.enumerated() {
            let top = textTop + Double(lineIndex) * pitch
            let leading = (metrics.lineHeight - metrics.ascent - metrics.descent) / 2
            let baseline = (top + padY + leading + metrics.ascent).rounded()
            var x = Double(margin)
            var xs = [Double]()
            for i in range {
                xs.append(x)
                x += widths[i]
            }
            maxLineWidth = max(maxLineWidth, x - Double(margin))
            var segStart = range.lowerBound
            for i in range where i + 1 == range.upperBound || owner[i + 1] != owner[segStart] {
                let first = segStart, last = i
                segStart = i + 1
                var piece = String.UnicodeScalarView()
                piece.append(contentsOf: scalars[first...last])
                let text = String(piece)
                let left = xs[first - range.lowerBound]
                let right = xs[last - range.lowerBound] + widths[last]
                if let t = owner[first] {
                    let boxLeft = left + (startsToken[first] && first > 0 && owner[first - 1] != nil ? gap : 0)
                    let textX = boxLeft + (startsToken[first] ? padX : 0)
                    let color = style.colorMap.color(forScore: heatmap.scores[t], scale: scale)
                    let rect = PixelRect(x: Int(boxLeft.rounded()), y: Int(top),
                                         width: Int(right.rounded()) - Int(boxLeft.rounded()), height: Int(boxHeight))
                    boxes.append(TokenBox(token: t, rect: rect, color: color, unknown: heatmap.unknownTokens.contains(t)))
                    runs.append(PlacedText(text: text, x: textX, baseline: baseline, font: font,
                                           color: color.readableTextColor))
                } else if kinds[first...last].contains(.visible) {
                    runs.append(PlacedText(text: text, x: left, baseline: baseline, font: font, color: style.textColor))
                }
            }
        }
        let textHeight = lines.isEmpty ? 0 : Double(lines.count - 1) * pitch + boxHeight
        var bottom = Int((textTop + textHeight).rounded())
        var contentUsed = max(maxLineWidth, header.width(renderer: renderer))
        if let note = heatmap.fullNote {
            let noteFont = style.labelFont
            let noteMetrics = renderer.lineMetrics(for: noteFont)
            var y = Double(bottom + style.px(Self.blockGap))
            for line in renderer.wrap(note, font: noteFont, maxWidth: contentWidth) {
                noteLines.append(PlacedText(text: line, x: Double(margin), baseline: (y + noteMetrics.ascent).rounded(),
                                            font: noteFont, color: style.secondaryTextColor))
                contentUsed = max(contentUsed, renderer.width(of: line, font: noteFont))
                y += noteMetrics.lineHeight
            }
            bottom = Int(y.rounded(.up))
        }

        if style.showsColorBar {
            let bar = ColorBar(colorMap: style.colorMap, scale: scale, caption: heatmap.summary.colorBarCaption)
            let barWidth = min(Double(style.px(260)), contentWidth)
            bottom += style.px(Self.blockGap + 4)
            colorBarFrame = PixelRect(x: margin, y: bottom, width: Int(barWidth),
                                      height: bar.height(style: style, renderer: renderer))
            colorBar = bar
            bottom = colorBarFrame.maxY
            contentUsed = max(contentUsed, barWidth)
        }
        headerOrigin = (margin, margin)
        width = Int(contentUsed.rounded(.up)) + 2 * margin
        height = bottom + margin
    }

    /// Paints the laid-out picture.
    func draw(style: RenderStyle, renderer: TextRenderer) throws -> Canvas {
        var canvas = try Canvas(width: width, height: height, fill: style.background)
        header.draw(on: &canvas, x: headerOrigin.x, y: headerOrigin.y, renderer: renderer)
        let line = max(1, style.px(1.5))
        for box in boxes {
            canvas.fill(box.rect, with: box.color)
            guard box.unknown else { continue }
            let r = box.rect
            for edge in [PixelRect(x: r.x, y: r.y, width: r.width, height: line),
                         PixelRect(x: r.x, y: r.maxY - line, width: r.width, height: line),
                         PixelRect(x: r.x, y: r.y, width: line, height: r.height),
                         PixelRect(x: r.maxX - line, y: r.y, width: line, height: r.height)] {
                canvas.fill(edge, with: style.unknownTokenColor)
            }
        }
        canvas.draw(runs, renderer: renderer)
        canvas.draw(noteLines, renderer: renderer)
        if let colorBar {
            colorBar.draw(on: &canvas, x: colorBarFrame.x, y: colorBarFrame.y, width: colorBarFrame.width,
                          style: style, renderer: renderer)
        }
        return canvas
    }
}
