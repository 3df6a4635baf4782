import Foundation
import Testing
@testable import LoupeRender

@Suite("Generation matrix")
struct GenerationMatrixTests {
    static func layout(_ m: GenerationMatrix, _ style: RenderStyle = RenderStyle()) throws -> GenerationMatrixLayout {
        try GenerationMatrixLayout(matrix: m, style: style, renderer: quietRenderer)
    }

    /// A pixel of `rect` away from any printed value (its top-left corner).
    static func corner(_ canvas: Canvas, _ rect: PixelRect) -> RGBA? {
        canvas.pixel(x: rect.minX, y: rect.minY)
    }

    @Test(arguments: [1.0, 2.0])
    func decodesAndCellsHaveTheirColours(scale: Double) throws {
        var m = try GenerationFixtures.matrix()
        m.columns = .all
        var style = RenderStyle(scale: scale)
        style.normalization = .maxAbsolute
        let layout = try Self.layout(m, style)
        let decoded = try PNGDecoder.decode(try m.render(style: style, renderer: quietRenderer).pngData())
        let canvas = decoded.canvas
        #expect(canvas.width == layout.width && canvas.height == layout.height)
        #expect(layout.cells.count == m.sources.count * m.targets.count)
        // The attributed scores are in −1...1 with ±1 present: the scale is 1, whatever the
        // fixed columns (100) say.
        #expect(layout.scales.allSatisfy { $0.limit == 1 })
        for cell in layout.cells {
            switch cell.kind {
            case .score(let s):
                #expect(Self.corner(canvas, cell.rect) == ColorMap.redBlue.color(at: s), "cell \(cell.row),\(cell.column)")
            case .notApplicable:
                #expect(dominantColor(in: canvas, rect: cell.rect) == style.background)
            case .fixed:
                #expect(m.sources[cell.column].role == .fixed)
                let colours = Set((cell.rect.minY..<cell.rect.maxY).flatMap { y in
                    (cell.rect.minX..<cell.rect.maxX).map { canvas.pixel(x: $0, y: y)! } })
                #expect(colours.count >= 2, "hatched")
                #expect(colours.allSatisfy { $0.saturation < 0.05 }, "grey, not a score colour")
            }
        }
        saveArtifact(canvas, name: "generation-matrix@\(Int(scale))x.png")
    }

    @Test func fixedColumnsAndNaNDoNotShiftTheScale() throws {
        let full = try GenerationFixtures.matrix()
        // The same attributed values, without fixed columns or empty cells.
        let attributed = full.sources.indices.filter { full.sources[$0].role != .fixed }
        let rows = full.scores.map { row in attributed.map { row[$0] ?? 0 } }
        let plain = try GenerationMatrix(sources: attributed.map { GenerationMatrix.Source(full.sources[$0].label) },
                                         targets: full.targets, scores: rows)
        var style = RenderStyle()
        style.normalization = .outlierPercentile(10)
        let a = try Self.layout(full, style), b = try Self.layout(plain, style)
        #expect(a.scales == b.scales)
        let expected = try ScoreScale(scores: full.scores.flatMap { row in attributed.compactMap { row[$0] } },
                                      normalization: style.normalization)
        #expect(a.scales[0] == expected && expected.limit < 100)
        let canvas = try full.render(style: style, renderer: quietRenderer)
        let withScore = a.cells.filter { if case .score = $0.kind { true } else { false } }
        #expect(withScore.count == full.scores.flatMap { row in attributed.compactMap { row[$0] } }.count)
        for cell in withScore {
            guard case .score(let s) = cell.kind else { continue }
            #expect(Self.corner(canvas, cell.rect) == ColorMap.redBlue.color(forScore: s, scale: expected))
        }
    }

    @Test func perRowScalesSaturateEachRowsLargest() throws {
        var m = try GenerationFixtures.matrix()
        m.scaleScope = .perRow
        var style = RenderStyle()
        style.normalization = .maxAbsolute
        let layout = try Self.layout(m, style)
        for r in m.targets.indices {
            let row = layout.cells.filter { $0.row == r }.compactMap { c -> Double? in
                if case .score(let s) = c.kind { s } else { nil } }
            #expect(layout.scales[r].limit == row.map(abs).max())
        }
    }

    @Test func longChatPromptsHideFixedColumnsAndWidthGrows() throws {
        let labels = (0..<60).map { "tok\($0)" }
        func matrix(_ n: Int, fixedCount: Int = 0) throws -> GenerationMatrix {
            let sources = (0..<n).map { GenerationMatrix.Source(labels[$0], role: $0 < fixedCount ? .fixed : .prompt) }
            return try GenerationMatrix(sources: sources, targets: [.init("a"), .init("b")],
                                        scores: [Array(repeating: 0.5, count: n), Array(repeating: -0.5, count: n)])
        }
        let small = try matrix(5).render(renderer: quietRenderer)
        let wide = try matrix(60).render(renderer: quietRenderer)
        saveArtifact(wide, name: "generation-matrix-60.png")
        #expect(wide.width > small.width)
        let chat = try matrix(40, fixedCount: 12)
        #expect(chat.visibleColumns == Array(12..<40))
        #expect(try Self.layout(chat).cells.count == 2 * 28)
        var all = chat
        all.columns = .all
        #expect(all.visibleColumns.count == 40)
        let short = try matrix(20, fixedCount: 5)
        #expect(short.visibleColumns.count == 20, "short prompts keep every column")
        // Sixty columns of turned labels stay inside a picture under 2000 pixels.
        #expect(wide.width < 2000)
        let layout = try Self.layout(try matrix(60))
        #expect(layout.columnLabels.allSatisfy { $0.isRotated })
        for (a, b) in zip(layout.columnLabels, layout.columnLabels.dropFirst()) {
            #expect(a.frame.maxX <= b.frame.minX, "labels do not overlap")
        }
    }

    @Test func chineseLabelsHaveInk() throws {
        guard quietRenderer.hasCJKFont else {
            print("skipped: no CJK font installed")
            return
        }
        let renderer = TextRenderer()
        renderer.reportsMissingGlyphs = false
        let m = try GenerationFixtures.matrix()
        let style = RenderStyle(scale: 2)
        let canvas = try m.render(style: style, renderer: renderer)
        #expect(renderer.missingGlyphs.isEmpty)
        let layout = try GenerationMatrixLayout(matrix: m, style: style, renderer: renderer)
        let chinese = layout.columnLabels.filter { m.sources[$0.column].label.unicodeScalars.contains(where: LineBreaking.isWide) }
        #expect(chinese.count == 7)
        #expect(chinese.first { m.sources[$0.column].label == "我" }?.isRotated == false, "one character stands upright")
        for label in chinese {
            let inked = (label.frame.minY..<label.frame.maxY).contains { y in
                (label.frame.minX..<label.frame.maxX).contains { colorDistance(canvas.pixel(x: $0, y: y)!, .white) > 100 }
            }
            #expect(inked, "ink for '\(label.text)'")
        }
        saveArtifact(canvas, name: "generation-matrix-zh@2x.png")
    }

    @Test func stepScoresAreListed() throws {
        let layout = try Self.layout(try GenerationFixtures.matrix())
        #expect(layout.stepHeaders.map(\.text) == ["p", "p(foil)"])
        #expect(layout.stepCells.count == 10)
        #expect(layout.stepCells.first?.text == "0.410")
        var noSteps = try GenerationMatrix(sources: [.init("a")], targets: [.init("b")], scores: [[1]])
        noSteps.showsValues = false
        let bare = try Self.layout(noSteps)
        #expect(bare.stepCells.isEmpty && bare.stepHeaders.isEmpty && bare.cells.allSatisfy { $0.value == nil })
    }

    @Test func writesPNGWithContrastInTheHeaderAndChunks() throws {
        let folder = try makeTemporaryFolder()
        defer { cleanUp(folder) }
        let url = folder.appendingPathComponent("matrix.png")
        let m = try GenerationFixtures.matrix()
        try m.writePNG(to: url, renderer: quietRenderer)
        let read = try Canvas.readPNG(from: url)
        #expect(read.textValue(forKey: "foil") == "logit of ‘ negative’")
        #expect(read.textValue(forKey: "model") == "SmolLM2-135M-Instruct")
        #expect(m.summary.detailLine?.contains("contrast: logit of ‘ positive’ \u{2212} logit of ‘ negative’") == true)
        #expect(try Self.layout(m).colorBar?.caption?.contains("target \u{2212} foil") == true)
    }

    @Test func badInputThrows() {
        #expect(throws: RenderError.emptyInput("source tokens (columns)")) {
            _ = try GenerationMatrix(sources: [], targets: [.init("a")], scores: [[]])
        }
        #expect(throws: RenderError.emptyInput("generated tokens (rows)")) {
            _ = try GenerationMatrix(sources: [.init("a")], targets: [], scores: [])
        }
        #expect(throws: RenderError.countMismatch(what: "score rows and generated tokens", expected: 1, actual: 2)) {
            _ = try GenerationMatrix(sources: [.init("a")], targets: [.init("b")], scores: [[1], [2]])
        }
        #expect(throws: RenderError.countMismatch(what: "scores in row 0 ('b') and source tokens", expected: 1, actual: 2)) {
            _ = try GenerationMatrix(sources: [.init("a")], targets: [.init("b")], scores: [[1, 2]])
        }
        #expect(throws: RenderError.self) {
            _ = try GenerationMatrix(sources: [.init("a")], targets: [.init("b")], scores: [[.infinity]])
        }
        #expect(throws: RenderError.self) {
            _ = try GenerationMatrix(sources: [.init("a")], targets: [.init("b", stepScore: .nan)], scores: [[1]])
        }
        #expect(throws: RenderError.self) {
            var m = try GenerationMatrix(sources: [.init("a")], targets: [.init("b")], scores: [[1]])
            m.cellWidth = 0
            _ = try m.render(renderer: quietRenderer)
        }
    }

    @Test func nanBecomesNotApplicable() throws {
        let m = try GenerationMatrix(sources: [.init("a"), .init("b")], targets: [.init("c")], scores: [[0.5, .nan]])
        #expect(m.scores == [[0.5, nil]])
    }
}

@Suite("Token labels")
struct TokenLabelTests {
    @Test(arguments: [(" ", "\u{2423}"), ("  ", "\u{2423}\u{2423}"), ("\n", "\u{23CE}"), ("\r\n", "\u{23CE}"),
                      ("\t", "\u{21E5}"), ("", "\u{2205}"), (" positive", " positive"), ("a\nb", "a\u{23CE}b"),
                      ("a\u{7}", "a\\u{7}"), ("\u{1B}[31m", "\\u{1B}[31m"), ("a\u{202E}b\u{200B}", "a\\u{202E}b\\u{200B}"), ("\u{200B}", "\\u{200B}"), ("我", "我")])
    func whitespaceAndControlsAreVisible(text: String, expected: String) {
        #expect(TokenLabel.visible(text) == expected)
    }

    @Test func terminalWidthCountsWideCharacters() {
        #expect(TokenLabel.terminalWidth("我今天") == 6)
        #expect(TokenLabel.terminalWidth("abc") == 3)
    }
}

@Suite("Canvas rotation")
struct CanvasRotationTests {
    @Test func quarterTurnMovesPixelsAndFourTurnsAreTheIdentity() throws {
        var c = try Canvas(width: 3, height: 2, fill: .white)
        c.setPixel(x: 2, y: 0, .black)   // top-right
        let r = c.rotatedCounterclockwise()
        #expect(r.width == 2 && r.height == 3)
        #expect(r.pixel(x: 0, y: 0) == .black, "top-right goes to top-left")
        #expect(r.rotatedCounterclockwise().rotatedCounterclockwise().rotatedCounterclockwise() == c)
    }
}
