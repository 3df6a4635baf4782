import Testing
@testable import LoupeRender

@Suite("Colour maps and normalisation")
struct ColorMapTests {
    @Test(arguments: [ColorMap.redBlue, .purpleOrange])
    func divergingMapsSeparateSigns(map: ColorMap) {
        let zero = map.color(at: 0)
        #expect(zero.r >= 240 && zero.g >= 240 && zero.b >= 240, "light grey at zero")
        let negative = map.color(at: -1), positive = map.color(at: 1)
        #expect(colorDistance(negative, positive) > 100)
        #expect(colorDistance(negative, zero) > 100 && colorDistance(positive, zero) > 100)
        // Saturation grows with |value| on each side.
        #expect(map.color(at: 0.9).saturation > map.color(at: 0.3).saturation)
        #expect(map.color(at: -0.9).saturation > map.color(at: -0.3).saturation)
        #expect(map.color(at: 5) == positive && map.color(at: .nan) == zero)
    }

    @Test func redBlueIsRedForPositive() {
        let p = ColorMap.redBlue.color(at: 1), n = ColorMap.redBlue.color(at: -1)
        #expect(p.r > p.b && n.b > n.r)
        let o = ColorMap.purpleOrange.color(at: 1)
        #expect(o.r > o.g && o.g > o.b, "orange")
    }

    @Test func viridisHitsItsAnchors() {
        #expect(ColorMap.viridis.color(at: 0) == RGBA(hex: 0x440154))
        #expect(ColorMap.viridis.color(at: 0.5) == RGBA(hex: 0x21918c))
        #expect(ColorMap.viridis.color(at: 1) == RGBA(hex: 0xfde725))
        // Monotone lightness.
        let l = stride(from: 0.0, through: 1.0, by: 0.1).map { ColorMap.viridis.color(at: $0).relativeLuminance }
        #expect(zip(l, l.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test func outlierPercentileFollowsCaptum() throws {
        // |scores| sorted: 1,1,1,1,96 → total 100; 98% is reached only at the last value.
        #expect(try ScoreScale(scores: [1, -1, 1, 1, 96]).limit == 96)
        // 1000 ones and one 9: total 1009, 98% = 988.8 is reached among the ones, so the
        // outlier saturates instead of setting the scale.
        let scores = Array(repeating: 1.0, count: 1000) + [9.0, -0.5]
        let scale = try ScoreScale(scores: scores, normalization: .outlierPercentile(2))
        #expect(scale.limit == 1)
        #expect(scale.normalized(9) == 1 && scale.normalized(-0.5) == -0.5)
    }

    @Test func otherNormalisations() throws {
        #expect(try ScoreScale(scores: [0.2, -0.8, 0.4], normalization: .maxAbsolute).limit == 0.8)
        #expect(try ScoreScale(scores: [0.2, -0.8], normalization: .symmetric(2)).normalized(-0.8) == -0.4)
        let p = try ScoreScale(scores: (0...100).map(Double.init), normalization: .absolutePercentile(2))
        #expect(abs(p.limit - 98) < 1e-9)
        #expect(try ScoreScale(scores: [0, 0, 0]).limit == 1)
        #expect(try ScoreScale(scores: []).limit == 1)
    }

    @Test func rejectsBadNormalisationInput() {
        #expect(throws: RenderError.nonFiniteValue(what: "scores", index: 1)) {
            _ = try ScoreScale(scores: [1, .nan])
        }
        #expect(throws: RenderError.self) { _ = try ScoreScale(scores: [1], normalization: .symmetric(0)) }
        #expect(throws: RenderError.self) { _ = try ScoreScale(scores: [1], normalization: .outlierPercentile(100)) }
        #expect(throws: RenderError.self) { _ = try ScoreScale(scores: [1], normalization: .absolutePercentile(-1)) }
    }

    @Test func readableTextColourSwitches() {
        #expect(ColorMap.redBlue.color(at: 1).readableTextColor == .white)
        #expect(ColorMap.redBlue.color(at: 0.1).readableTextColor != .white)
        #expect(ColorMap.viridis.color(at: 0).readableTextColor == .white)
        #expect(ColorMap.viridis.color(at: 1).readableTextColor != .white)
    }

    @Test func colorBarDrawsTheMapWithLabels() throws {
        var canvas = try Canvas(width: 300, height: 80)
        let bar = ColorBar(colorMap: .redBlue, scale: ScoreScale(limit: 0.5), caption: "score")
        let style = RenderStyle()
        let h = bar.draw(on: &canvas, x: 10, y: 5, width: 200, style: style, renderer: quietRenderer)
        #expect(h == bar.height(style: style, renderer: quietRenderer))
        #expect(bar.tickLabel(-1) == "\u{2212}0.5" && bar.tickLabel(0) == "0")
        let captionHeight = Int(quietRenderer.lineMetrics(for: style.labelFont).lineHeight.rounded()) + 2
        let y = 5 + captionHeight + 5
        #expect(colorDistance(canvas.pixel(x: 12, y: y)!, ColorMap.redBlue.color(at: -1)) <= 8)
        #expect(colorDistance(canvas.pixel(x: 207, y: y)!, ColorMap.redBlue.color(at: 1)) <= 8)
    }

    @Test func compactNumbers() {
        #expect(NumberFormatting.compact(0.8612) == "0.86")
        #expect(NumberFormatting.compact(-0.05) == "\u{2212}0.05")
        #expect(NumberFormatting.compact(0.1, ascii: true, signed: true) == "+0.1")
        #expect(NumberFormatting.compact(12.34) == "12.3")
        #expect(NumberFormatting.compact(0) == "0")
        #expect(NumberFormatting.compact(0.00001234, ascii: true) == "1.2e-05")
        #expect(NumberFormatting.fixed(-3, decimals: 1) == "\u{2212}3.0")
    }
}
