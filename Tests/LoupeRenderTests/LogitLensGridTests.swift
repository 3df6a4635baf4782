import Testing
@testable import LoupeRender

@Suite("Logit-lens grid and token labels")
struct LogitLensGridTests {
    static let positions = ["The", " capital", " of", " France", " is", "\n"]
    static let layers = ["emb", "1", "2", "3"]
    static func cells() -> [[LogitLensGrid.Cell]] {
        (0..<4).map { r in (0..<6).map { c in
            LogitLensGrid.Cell(text: ["the", " Paris", " ", "\n", "我", "Ġx"][c], probability: Double(r * 6 + c) / 23)
        } }
    }

    @Test func cellsAreColouredByProbabilityWithTheEmbeddingsAtTheBottom() throws {
        let grid = try LogitLensGrid(layerLabels: Self.layers, positionLabels: Self.positions, cells: Self.cells(),
                                     title: "logit lens · tiny", detail: "target “ Paris”")
        let layout = try LogitLensGridLayout(grid: grid, style: RenderStyle(), renderer: quietRenderer)
        let canvas = try grid.render(renderer: quietRenderer)
        #expect(canvas.width == layout.width && canvas.height == layout.height)
        #expect(layout.boxes.count == 24)
        for (i, box) in layout.boxes.enumerated() {
            let (r, c) = (i / 6, i % 6)
            // A corner pixel of the cell is its fill (the text sits in the middle).
            #expect(canvas.pixel(x: box.rect.x + 1, y: box.rect.y + 1) == ColorMap.viridis.color(at: Self.cells()[r][c].probability))
        }
        // Row 0 (embeddings) is the lowest row, the last layer the highest.
        #expect(layout.boxes[0].rect.y > layout.boxes[18].rect.y)
        #expect(layout.width < 2000 && layout.height < 600 && layout.height > 150)
        saveArtifact(canvas, name: "logit-lens.png")
    }

    @Test func labelsNeverShowVocabularyPieces() throws {
        let grid = try LogitLensGrid(layerLabels: Self.layers, positionLabels: Self.positions, cells: Self.cells())
        let layout = try LogitLensGridLayout(grid: grid, style: RenderStyle(), renderer: quietRenderer)
        let texts = layout.labels.map(\.text)
        #expect(texts.contains("␣"))
        #expect(texts.contains("⏎"))
        #expect(texts.contains(" Paris"))
        #expect(!texts.contains { $0.isEmpty })
        // Ġ in a decoded text is a real character; only whitespace is replaced.
        #expect(texts.filter { $0.contains("\n") }.isEmpty)
    }

    @Test func pngDecodes() throws {
        let grid = try LogitLensGrid(layerLabels: Self.layers, positionLabels: Self.positions, cells: Self.cells(),
                                     title: "logit lens")
        let bytes = try grid.pngBytes(renderer: quietRenderer)
        let decoded = try PNGDecoder.decode(bytes)
        #expect(decoded.canvas == (try grid.render(renderer: quietRenderer)))
        #expect(decoded.textValue(forKey: "Title") == "logit lens")
    }

    @Test func badInputThrows() {
        #expect(throws: RenderError.self) { try LogitLensGrid(layerLabels: [], positionLabels: ["a"], cells: []) }
        #expect(throws: RenderError.self) { try LogitLensGrid(layerLabels: ["0"], positionLabels: [], cells: [[]]) }
        #expect(throws: RenderError.self) {
            try LogitLensGrid(layerLabels: ["0"], positionLabels: ["a", "b"], cells: [[.init(text: "x", probability: 0.5)]])
        }
        #expect(throws: RenderError.self) {
            try LogitLensGrid(layerLabels: ["0"], positionLabels: ["a"], cells: [[.init(text: "x", probability: .nan)]])
        }
        #expect(throws: RenderError.self) {
            try LogitLensGrid(layerLabels: ["0"], positionLabels: ["a"], cells: [[.init(text: "x", probability: 1.5)]])
        }
    }
}

@Suite("Attention heads grid")
struct AttentionHeadsGridTests {
    static func head(_ index: Int, t: Int) -> AttentionHeadsGrid.Head {
        // Previous-token attention for even heads, uniform for odd.
        let pattern = (0..<t).map { q in (0..<t).map { k -> Double in
            if index % 2 == 0 { return q == 0 ? (k == 0 ? 1 : 0) : (k == q - 1 ? 1 : 0) }
            return k <= q ? 1 / Double(q + 1) : 0
        } }
        return .init(index: index, pattern: pattern, entropy: 0.5, previousTokenScore: index % 2 == 0 ? 1 : 0.3)
    }

    @Test func panelsShowThePatterns() throws {
        let t = 5
        let grid = try AttentionHeadsGrid(heads: (0..<6).map { Self.head($0, t: t) }, tokens: ["a", "b", "c", "d", "e"],
                                          title: "attention heads of block 0")
        let layout = try AttentionHeadsGridLayout(grid: grid, style: RenderStyle(), renderer: quietRenderer)
        let canvas = try grid.render(renderer: quietRenderer)
        #expect(canvas.width == layout.width && canvas.height == layout.height)
        #expect(layout.boxes.count == 6 * t * t)
        for (i, box) in layout.boxes.enumerated() {
            let (h, q, k) = (i / (t * t), (i / t) % t, i % t)
            #expect(canvas.pixel(x: box.rect.midX, y: box.rect.midY) == ColorMap.viridis.color(at: grid.heads[h].pattern[q][k]))
        }
        #expect(layout.labels.contains { $0.text == "head 5" })
        #expect(layout.labels.contains { $0.text.contains("prev 0.3") })
        #expect(try PNGDecoder.decode(try grid.pngBytes(renderer: quietRenderer)).canvas == canvas)
        saveArtifact(canvas, name: "attention-heads.png")
    }

    @Test func badInputThrows() {
        #expect(throws: RenderError.self) { try AttentionHeadsGrid(heads: [], tokens: ["a"]) }
        #expect(throws: RenderError.self) { try AttentionHeadsGrid(heads: [Self.head(0, t: 3)], tokens: ["a", "b"]) }
        var bad = Self.head(0, t: 2)
        bad.pattern[1][0] = .infinity
        #expect(throws: RenderError.self) { try AttentionHeadsGrid(heads: [bad], tokens: ["a", "b"]) }
        bad.pattern[1][0] = 2
        #expect(throws: RenderError.self) { try AttentionHeadsGrid(heads: [bad], tokens: ["a", "b"]) }
    }
}
