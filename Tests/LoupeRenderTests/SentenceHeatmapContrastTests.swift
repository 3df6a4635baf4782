import Testing
@testable import LoupeRender

/// The prompt heatmap of one answer token, as the generation explainer draws it: one cell per
/// character of a Chinese sentence, or per word of an English one, explaining target − foil.
@Suite("Prompt heatmap for one answer token")
struct SentenceHeatmapContrastTests {
    static let contrast = AttributionSummary(title: "Why ‘ positive’?", method: "integrated gradients, 50 steps",
                                             target: "logit of ‘ positive’", model: "SmolLM2-135M-Instruct",
                                             foil: "logit of ‘ negative’")

    @Test func chineseCharactersAreOneCellEach() throws {
        let text = "我今天过得很好。"
        let scores = [0.03, -0.05, 0.02, 0.08, 0.06, 0.35, 0.72, -0.04]
        let map = try SentenceHeatmap(text: text, spans: (0..<8).map { $0..<($0 + 1) }, scores: scores, summary: Self.contrast)
        let style = RenderStyle(scale: 2)
        let layout = try SentenceHeatmapLayout(heatmap: map, style: style, renderer: quietRenderer)
        #expect(layout.boxes.map(\.token) == Array(0..<8))
        #expect(Set(layout.boxes.map(\.rect.y)).count == 1, "one line")
        for (a, b) in zip(layout.boxes, layout.boxes.dropFirst()) { #expect(a.rect.maxX <= b.rect.minX) }
        #expect(layout.header.lines.map(\.text).joined(separator: " ").contains("contrast: logit of ‘ positive’ \u{2212} logit of ‘ negative’"))
        #expect(layout.colorBar?.caption == "attribution to target \u{2212} foil (red favours the target)")
        let canvas = try map.render(style: style, renderer: quietRenderer)
        let strongest = try #require(layout.boxes.first { $0.token == 6 })   // 好
        #expect(dominantColor(in: canvas, rect: strongest.rect) == strongest.color)
        #expect(strongest.color == ColorMap.redBlue.color(at: 1))
        saveArtifact(canvas, name: "prompt-heatmap-zh-contrast@2x.png")
        guard quietRenderer.hasCJKFont else {
            print("skipped glyph checks: no CJK font installed")
            return
        }
        let renderer = TextRenderer()
        renderer.reportsMissingGlyphs = false
        _ = try map.render(style: style, renderer: renderer)
        #expect(renderer.missingGlyphs.isEmpty)
    }

    @Test func englishWordsKeepTheirGapsAndACustomCaption() throws {
        let text = "Is this sentence positive or negative?"
        let words = [0..<2, 3..<7, 8..<16, 17..<25, 26..<28, 29..<37]
        var summary = Self.contrast
        summary.scoreCaption = "Δ logit, red → ‘ positive’"
        let map = try SentenceHeatmap(text: text, spans: words, scores: [0, 0.1, 0.3, 0.9, -0.1, -0.6], summary: summary)
        let layout = try SentenceHeatmapLayout(heatmap: map, style: RenderStyle(), renderer: quietRenderer)
        #expect(layout.boxes.count == 6)
        #expect(layout.runs.contains { $0.text == "?" }, "text outside the words is drawn plain")
        #expect(layout.colorBar?.caption == "Δ logit, red → ‘ positive’")
        #expect(try SentenceHeatmap(tokens: Fixtures.englishTokens).summary.colorBarCaption == "attribution score")
    }
}
