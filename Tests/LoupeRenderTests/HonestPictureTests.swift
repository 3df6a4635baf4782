import Foundation
import Testing
@testable import LoupeRender

/// Pictures that never mislead: a floored colour scale, a value in every cell, unknown tokens
/// outlined, notes for what was left out, a terminal legend.
@Suite("Pictures that never mislead")
struct HonestPictureTests {
    static let tiny: [TokenScore] = [TokenScore("i", 1.2e-5), TokenScore("did", -1.6e-5), TokenScore("not", 3e-6),
                                     TokenScore("like", -8e-6), TokenScore("it", 1e-6)]

    @Test("a floor keeps noise pale: tiny scores stay near white, unfloored they saturate")
    func floorKeepsNoisePale() throws {
        let neutral = ColorMap.redBlue.color(forScore: 0, scale: ScoreScale(limit: 1))
        var map = try SentenceHeatmap(tokens: Self.tiny)
        let stretched = try SentenceHeatmapLayout(heatmap: map, style: RenderStyle(), renderer: quietRenderer)
        #expect(stretched.boxes.contains { colorDistance($0.color, neutral) > 100 }, "without a floor, noise reaches full colour")
        map.scaleFloor = 0.05
        let floored = try SentenceHeatmapLayout(heatmap: map, style: RenderStyle(), renderer: quietRenderer)
        #expect(floored.scale.limit == 0.05)
        #expect(floored.boxes.allSatisfy { colorDistance($0.color, neutral) < 4 }, "\(floored.boxes.map(\.color))")
        // A fixed range ignores the floor.
        var fixed = RenderStyle()
        fixed.normalization = .symmetric(1e-5)
        #expect(try SentenceHeatmapLayout(heatmap: map, style: fixed, renderer: quietRenderer).scale.limit == 1e-5)
        // The style's floor applies too, and the larger one wins.
        var style = RenderStyle()
        style.scaleFloor = 0.2
        #expect(try SentenceHeatmapLayout(heatmap: map, style: style, renderer: quietRenderer).scale.limit == 0.2)
    }

    @Test("every cell of a comparison shows its value, tiny ones in scientific notation")
    func everyCellHasItsValue() throws {
        let comparison = try MethodComparison(tokens: Self.tiny.map(\.text),
                                              methods: [("IG", Self.tiny.map(\.score)), ("LOO", [1.49, -0.2, 0.07, 0.0004, 0])])
        let layout = try MethodComparisonLayout(comparison: comparison, style: RenderStyle(), renderer: quietRenderer)
        #expect(layout.cells.count == 10)
        for cell in layout.cells {
            let value = try #require(cell.value, "cell \(cell.method),\(cell.token) is blank")
            #expect(quietRenderer.width(of: value, font: RenderStyle().labelFont) <= Double(cell.rect.width))
        }
        #expect(layout.cells.first { $0.method == 0 && $0.token == 1 }?.value == "\u{2212}1.6e-05")
        // The value is drawn: the cell holds text-coloured pixels besides its fill.
        let canvas = try comparison.render(renderer: quietRenderer)
        for cell in layout.cells {
            var other = 0
            for y in cell.rect.minY..<cell.rect.maxY { for x in cell.rect.minX..<cell.rect.maxX where canvas.pixel(x: x, y: y) != cell.color { other += 1 } }
            #expect(other > 10, "cell \(cell.method),\(cell.token) has no drawn value")
        }
    }

    @Test("unknown tokens are outlined and the note says so; the note is a PNG text chunk")
    func unknownTokensAreMarked() throws {
        var map = try SentenceHeatmap(tokens: [TokenScore("good", 0.5), TokenScore("zzyzx", 0.1), TokenScore("film", 0.2)])
        map.unknownTokens = [1]
        map.note = "… 3 more words not explained"
        let style = RenderStyle()
        let layout = try SentenceHeatmapLayout(heatmap: map, style: style, renderer: quietRenderer)
        let canvas = try map.render(style: style, renderer: quietRenderer)
        let box = try #require(layout.boxes.first { $0.token == 1 })
        #expect(box.unknown && layout.boxes.filter(\.unknown).count == 1)
        #expect(canvas.pixel(x: box.rect.minX, y: box.rect.minY + box.rect.height / 2) == style.unknownTokenColor)
        let plain = try #require(layout.boxes.first { $0.token == 0 })
        #expect(canvas.pixel(x: plain.rect.minX, y: plain.rect.minY + plain.rect.height / 2) == plain.color)
        #expect(layout.noteLines.map(\.text).joined(separator: " ").contains("read as [UNK]"))
        let decoded = try PNGDecoder.decode(try canvas.pngData(colorType: .rgb, text: map.pngText))
        #expect(decoded.textValue(forKey: "note")?.contains("3 more words not explained") == true)
        #expect(decoded.textValue(forKey: "unknown_tokens") == "1")
        // The note takes room: the picture is taller than without it.
        var bare = map
        bare.note = nil
        bare.unknownTokens = []
        #expect(try SentenceHeatmapLayout(heatmap: bare, style: style, renderer: quietRenderer).height < layout.height)
    }

    @Test("the terminal legend names the scale and the units")
    func terminalLegend() throws {
        var map = try SentenceHeatmap(tokens: Self.tiny)
        map.scaleFloor = 0.05
        let terminal = TerminalHeatmap(heatmap: map)
        let colour = try terminal.legend(mode: .always, units: "probability")
        #expect(colour.contains("probability units") && colour.contains("0.05") && colour.contains("\u{1B}[48;2;"))
        let plain = try terminal.legend(mode: .never, units: "logit")
        #expect(plain == "scores (logit units): + supports the target, − opposes it")
    }

    @Test("the baseline line joins the detail line and the PNG text")
    func baselineInTheTitle() throws {
        let summary = AttributionSummary(method: "Integrated Gradients", target: "negative", foil: "positive",
                                         baseline: "pad baseline: F(x) = 1.2, F(baseline) = 1.1")
        #expect(summary.detailLine == "Integrated Gradients  ·  contrast: negative \u{2212} positive  ·  pad baseline: F(x) = 1.2, F(baseline) = 1.1")
        #expect(summary.pngText.contains { $0.key == "baseline" })
    }
}
