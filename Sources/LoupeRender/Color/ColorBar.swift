/// A horizontal colour bar with tick marks and value labels, for the legend of a picture.
public struct ColorBar: Hashable, Sendable {
    /// The colour map shown.
    public var colorMap: ColorMap
    /// The scale: the ends of the bar are ±`scale.limit` (or 0 and `limit` for sequential maps).
    public var scale: ScoreScale
    /// A short caption drawn above the bar, e.g. "attribution".
    public var caption: String?

    public init(colorMap: ColorMap, scale: ScoreScale, caption: String? = nil) {
        self.colorMap = colorMap
        self.scale = scale
        self.caption = caption
    }

    /// Bar thickness in points.
    static let barHeight = 10.0

    /// Normalised positions of the ticks.
    var tickPositions: [Double] {
        colorMap.isDiverging ? [-1, -0.5, 0, 0.5, 1] : [0, 0.25, 0.5, 0.75, 1]
    }

    /// The label under a tick at normalised position `t`.
    func tickLabel(_ t: Double) -> String {
        NumberFormatting.compact(t * scale.limit)
    }

    /// Height in pixels that ``draw(on:x:y:width:style:renderer:)`` uses.
    public func height(style: RenderStyle, renderer: TextRenderer = .shared) -> Int {
        let label = renderer.lineMetrics(for: style.labelFont)
        let captionHeight = caption == nil ? 0 : Int(label.lineHeight.rounded()) + style.px(2)
        return captionHeight + style.px(ColorBar.barHeight) + style.px(4) + Int(label.lineHeight.rounded())
    }

    /// Draws the bar with its top-left corner at (`x`, `y`) pixels, `width` pixels wide.
    /// Returns the height used.
    @discardableResult
    public func draw(on canvas: inout Canvas, x: Int, y: Int, width: Int, style: RenderStyle,
                     renderer: TextRenderer = .shared) -> Int {
        let labelFont = style.labelFont
        let label = renderer.lineMetrics(for: labelFont)
        var top = y
        if let caption {
            canvas.drawText(caption, x: Double(x), baseline: Double(top) + label.ascent, font: labelFont,
                            color: style.secondaryTextColor, renderer: renderer)
            top += Int(label.lineHeight.rounded()) + style.px(2)
        }
        let barHeight = style.px(ColorBar.barHeight)
        let w = max(width, 2)
        let domain = colorMap.domain
        for i in 0..<w {
            let t = domain.lowerBound + (domain.upperBound - domain.lowerBound) * Double(i) / Double(w - 1)
            canvas.fill(PixelRect(x: x + i, y: top, width: 1, height: barHeight), with: colorMap.color(at: t))
        }
        canvas.stroke(PixelRect(x: x, y: top, width: w, height: barHeight), with: style.gridColor)
        let tickLength = style.px(3)
        let tickTop = top + barHeight
        let baseline = Double(tickTop + tickLength + style.px(1)) + label.ascent
        // Place labels: the ends and the middle always, the others only where they do not
        // collide with a neighbour.
        var placed = [(x: Double, width: Double, text: String, tick: Int)]()
        let positions = tickPositions
        let middle = positions.count / 2
        let order = [0, positions.count - 1, middle] + (1..<(positions.count - 1)).filter { $0 != middle }
        let spacing = style.pxExact(6)
        for index in order {
            let t = positions[index]
            let frac = (t - domain.lowerBound) / (domain.upperBound - domain.lowerBound)
            let tx = x + Int((frac * Double(w - 1)).rounded())
            let text = tickLabel(t)
            let tw = renderer.width(of: text, font: labelFont)
            // Centre under the tick, but keep the end labels inside the bar's extent.
            let lx = min(max(Double(tx) - tw / 2, Double(x)), Double(x + w) - tw)
            let collides = placed.contains { lx < $0.x + $0.width + spacing && $0.x < lx + tw + spacing }
            if collides { continue }
            placed.append((lx, tw, text, tx))
        }
        for p in placed {
            canvas.fill(PixelRect(x: p.tick, y: tickTop, width: max(1, style.px(1)), height: tickLength),
                        with: style.secondaryTextColor)
            canvas.drawText(p.text, x: p.x, baseline: baseline, font: labelFont, color: style.secondaryTextColor,
                            renderer: renderer)
        }
        return top - y + barHeight + style.px(4) + Int(label.lineHeight.rounded())
    }
}
