import Foundation
import Testing
@testable import LoupeRender

@Suite("Sentence heatmap")
struct SentenceHeatmapTests {
    static func layout(_ map: SentenceHeatmap, _ style: RenderStyle = RenderStyle()) throws -> SentenceHeatmapLayout {
        try SentenceHeatmapLayout(heatmap: map, style: style, renderer: quietRenderer)
    }

    @Test(arguments: [1.0, 2.0])
    func tokenBoxesHaveTheColourMapColour(scale: Double) throws {
        let map = try SentenceHeatmap(tokens: Fixtures.englishTokens, summary: Fixtures.summary)
        let style = RenderStyle(scale: scale)
        let layout = try Self.layout(map, style)
        let decoded = try PNGDecoder.decode(try map.render(style: style, renderer: quietRenderer).pngData())
        let canvas = decoded.canvas
        #expect(canvas.width == layout.width && canvas.height == layout.height)
        let limit = try ScoreScale(scores: map.scores).limit
        #expect(layout.boxes.count == Fixtures.englishTokens.count)
        for box in layout.boxes {
            let expected = ColorMap.redBlue.color(at: max(-1, min(1, map.scores[box.token] / limit)))
            // Corners of the box are background only (text sits inside the padding).
            #expect(canvas.pixel(x: box.rect.minX, y: box.rect.minY) == expected, "token \(box.token)")
            #expect(canvas.pixel(x: box.rect.maxX - 1, y: box.rect.maxY - 1) == expected)
            #expect(dominantColor(in: canvas, rect: box.rect) == expected)
        }
        saveArtifact(canvas, name: "heatmap-en@\(Int(scale))x.png")
    }

    @Test func strongestPositiveTokenIsMostSaturated() throws {
        let map = try SentenceHeatmap(tokens: Fixtures.englishTokens)
        let layout = try Self.layout(map)
        let canvas = try map.render(renderer: quietRenderer)
        let saturation = layout.boxes.map { box -> (Int, Double) in
            (box.token, dominantColor(in: canvas, rect: box.rect)!.saturation)
        }
        let best = saturation.max { $0.1 < $1.1 }!
        #expect(map.spansText(best.0) == "great")
    }

    @Test func textTurnsWhiteOnDarkBoxes() throws {
        let map = try SentenceHeatmap(tokens: Fixtures.englishTokens)
        let layout = try Self.layout(map)
        let canvas = try map.render(renderer: quietRenderer)
        let great = try #require(layout.boxes.first { map.spansText($0.token) == "great" })
        let pixels = (great.rect.minY..<great.rect.maxY).flatMap { y in
            (great.rect.minX..<great.rect.maxX).map { canvas.pixel(x: $0, y: y)! }
        }
        #expect(pixels.contains(.white), "white glyph pixels on the dark red box")
        let had = try #require(layout.boxes.first { map.spansText($0.token) == "had" })
        let dark = (had.rect.minY..<had.rect.maxY).flatMap { y in
            (had.rect.minX..<had.rect.maxX).map { canvas.pixel(x: $0, y: y)! }
        }.filter { $0.relativeLuminance < 0.05 }
        #expect(!dark.isEmpty, "dark text on the light box")
    }

    @Test func spansKeepTheTextBetweenTokens() throws {
        let text = "I had a great day today!"
        // Tokens skip the spaces; "!" is not a token at all.
        let spans = [0..<1, 2..<5, 6..<7, 8..<13, 14..<17, 18..<23]
        let map = try SentenceHeatmap(text: text, spans: spans, scores: [0.1, 0.2, 0, 0.9, 0.3, -0.2])
        let pieces = map.pieces()
        #expect(pieces.map(\.text).joined() == text)
        #expect(pieces.last?.text == "!" && pieces.last?.token == nil)
        let layout = try Self.layout(map)
        #expect(layout.runs.contains { $0.text == "!" })
        // Boxes do not overlap and stay in reading order.
        for (a, b) in zip(layout.boxes, layout.boxes.dropFirst()) where a.rect.y == b.rect.y {
            #expect(a.rect.maxX <= b.rect.minX)
        }
    }

    @Test func offsetsAndOverlapsAreHandled() throws {
        let map = try SentenceHeatmap(text: "abcdef", offsets: [(0, 3), (2, 6), (0, 0)], scores: [1, -1, 5])
        #expect(map.scalarOwners() == [0, 0, 0, 1, 1, 1])
        #expect(try Self.layout(map).boxes.count == 2, "the empty special-token span is not drawn")
        #expect(throws: RenderError.self) {
            _ = try SentenceHeatmap(text: "abc", offsets: [(2, 1)], scores: [1])
        }
    }

    @Test func wrapsLongTextWithinTheWidth() throws {
        let words = (0..<30).map { TokenScore("token\($0)", sin(Double($0))) }
        var style = RenderStyle()
        style.width = 400
        let map = try SentenceHeatmap(tokens: words)
        let layout = try Self.layout(map, style)
        let lines = Set(layout.boxes.map(\.rect.y))
        #expect(lines.count >= 4)
        #expect(layout.width <= 400)
        for box in layout.boxes { #expect(box.rect.maxX <= 400 - 20) }
        let canvas = try map.render(style: style, renderer: quietRenderer)
        #expect(canvas.width == layout.width)
    }

    @Test func chineseTokensNeedNoSpacesAndUseCJKGlyphs() throws {
        let map = try SentenceHeatmap(tokens: Fixtures.chineseTokens, summary: Fixtures.summary)
        #expect(map.text == "我今天过得很好。")
        let mixed = try SentenceHeatmap(tokens: [TokenScore("我", 0.1), TokenScore("love", 0.8), TokenScore("Swift", 0.3),
                                                 TokenScore("！", 0)])
        #expect(mixed.text == "我love Swift！")
        guard quietRenderer.hasCJKFont else {
            print("skipped pixel checks: no CJK font installed")
            return
        }
        let renderer = TextRenderer()
        renderer.reportsMissingGlyphs = false
        let canvas = try map.render(style: RenderStyle(scale: 2), renderer: renderer)
        #expect(renderer.missingGlyphs.isEmpty)
        let layout = try SentenceHeatmapLayout(heatmap: map, style: RenderStyle(scale: 2), renderer: renderer)
        #expect(layout.boxes.count == 8)
        // Every character box has ink of its text colour (a real glyph, not empty).
        for box in layout.boxes {
            let background = dominantColor(in: canvas, rect: box.rect)!
            let inked = (box.rect.minY..<box.rect.maxY).contains { y in
                (box.rect.minX..<box.rect.maxX).contains { colorDistance(canvas.pixel(x: $0, y: y)!, background) > 100 }
            }
            #expect(inked, "glyph in box \(box.token)")
        }
        saveArtifact(canvas, name: "heatmap-zh.png")
        saveArtifact(try mixed.render(style: RenderStyle(scale: 2), renderer: renderer), name: "heatmap-mixed.png")
    }

    @Test func writesPNGWithSummaryChunks() throws {
        let folder = try makeTemporaryFolder()
        defer { cleanUp(folder) }
        let url = folder.appendingPathComponent("heatmap.png")
        try SentenceHeatmap(tokens: Fixtures.englishTokens, summary: Fixtures.summary).writePNG(to: url, renderer: quietRenderer)
        let read = try Canvas.readPNG(from: url)
        #expect(read.textValue(forKey: "Software") == "Loupe")
        #expect(read.textValue(forKey: "method") == "Integrated Gradients")
        #expect(read.textValue(forKey: "model") == "sst2-bag")
        #expect(read.canvas.width > 100)
    }

    @Test func badInputThrows() {
        #expect(throws: RenderError.emptyInput("tokens")) { _ = try SentenceHeatmap(tokens: []) }
        #expect(throws: RenderError.self) { _ = try SentenceHeatmap(tokens: [TokenScore("", 1)]) }
        #expect(throws: RenderError.countMismatch(what: "spans and scores", expected: 1, actual: 2)) {
            _ = try SentenceHeatmap(text: "ab", spans: [0..<1], scores: [1, 2])
        }
        #expect(throws: RenderError.nonFiniteValue(what: "scores", index: 0)) {
            _ = try SentenceHeatmap(tokens: [TokenScore("a", .infinity)])
        }
        #expect(throws: RenderError.invalidSpan(index: 0, start: 0, end: 5, textLength: 2)) {
            _ = try SentenceHeatmap(text: "ab", spans: [0..<5], scores: [1])
        }
        #expect(throws: RenderError.self) {
            _ = try SentenceHeatmap(tokens: Fixtures.englishTokens).render(style: RenderStyle(scale: 0), renderer: quietRenderer)
        }
    }

    @Test func allZeroScoresRenderNeutral() throws {
        let map = try SentenceHeatmap(tokens: [TokenScore("nothing", 0), TokenScore("here", 0)])
        let layout = try Self.layout(map)
        #expect(layout.boxes.allSatisfy { $0.color == ColorMap.redBlue.neutralColor })
    }
}

extension SentenceHeatmap {
    /// The text of token `t`'s span (test helper).
    func spansText(_ t: Int) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: Array(text.unicodeScalars)[spans[t]])
        return String(view)
    }
}

@Suite("Float entry points")
struct FloatScoreTests {
    @Test func floatScoresMatchDoubleScores() throws {
        let f: [Float] = [0.25, -0.5]
        let a = try SentenceHeatmap(text: "ab cd", spans: [0..<2, 3..<5], scores: f)
        #expect(a.scores == [0.25, -0.5])
        #expect(throws: RenderError.self) {
            _ = try SentenceHeatmap(text: "ab", spans: [0..<2], scores: [Float.nan])
        }
        #expect(TokenScore("a", Float(0.5)).score == 0.5)
        let chart = try TokenKLChart(tokens: ["a"], contributions: [Float(1)], matrix: [[Float(0.5)]])
        #expect(chart.matrix == [[0.5]])
    }
}
