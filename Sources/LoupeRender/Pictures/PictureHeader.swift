/// The title block at the top of a picture: a bold headline and a secondary detail line,
/// each wrapped to the content width.
struct PictureHeader {
    struct Line {
        var text: String
        var font: FontSpec
        var color: RGBA
    }

    var lines: [Line] = []
    var lineHeights: [Double] = []
    var ascents: [Double] = []

    init(headline: String?, detail: String?, maxWidth: Double, style: RenderStyle, renderer: TextRenderer) {
        let detailFont = style.font(style.labelFontSize + 1)
        for (text, font, color) in [(headline, style.titleFont, style.textColor),
                                    (detail, detailFont, style.secondaryTextColor)] {
            guard let text, !text.isEmpty else { continue }
            let metrics = renderer.lineMetrics(for: font)
            for line in renderer.wrap(text, font: font, maxWidth: maxWidth) {
                lines.append(Line(text: line, font: font, color: color))
                lineHeights.append(metrics.lineHeight)
                ascents.append(metrics.ascent)
            }
        }
    }

    init(summary: AttributionSummary, maxWidth: Double, style: RenderStyle, renderer: TextRenderer) {
        self.init(headline: summary.headline, detail: summary.detailLine, maxWidth: maxWidth,
                  style: style, renderer: renderer)
    }

    var isEmpty: Bool { lines.isEmpty }

    /// Total height in pixels.
    var height: Int {
        Int(lineHeights.reduce(0, +).rounded(.up))
    }

    /// Width of the widest line in pixels.
    func width(renderer: TextRenderer) -> Double {
        lines.map { renderer.width(of: $0.text, font: $0.font) }.max() ?? 0
    }

    /// Draws the lines starting at (`x`, `y`) pixels.
    func draw(on canvas: inout Canvas, x: Int, y: Int, renderer: TextRenderer) {
        var top = Double(y)
        for (i, line) in lines.enumerated() {
            canvas.drawText(line.text, x: Double(x), baseline: (top + ascents[i]).rounded(), font: line.font,
                            color: line.color, renderer: renderer)
            top += lineHeights[i]
        }
    }
}
