import Testing
@testable import LoupeRender

@Suite("Per-token KL chart")
struct TokenKLChartTests {
    static let tokens = ["the", "movie", "was", "great", "fun", "."]
    static let contributions: [Double] = [0.1, 0.8, -0.2, 1.5, 0.6, 0.05]
    static let matrix: [[Double]] = (0..<6).map { (t: Int) -> [Double] in
        (0..<8).map { (d: Int) -> Double in Double((t * 7 + d * 3) % 10) / 10 }
    }

    @Test func barsAreProportionalAndSigned() throws {
        let chart = try TokenKLChart(tokens: Self.tokens, contributions: Self.contributions, matrix: Self.matrix,
                                     title: "Per-token KL")
        let layout = try TokenKLChartLayout(chart: chart, style: RenderStyle(), renderer: quietRenderer)
        let canvas = try chart.render(renderer: quietRenderer)
        #expect(canvas.width == layout.width && canvas.height == layout.height)
        let great = layout.bars[3].rect, movie = layout.bars[1].rect, was = layout.bars[2].rect
        #expect(abs(Double(great.width) / Double(movie.width) - 1.5 / 0.8) < 0.05)
        #expect(was.maxX == layout.axis.x && great.minX == layout.axis.x, "negative left, positive right of the axis")
        #expect(canvas.pixel(x: great.midX, y: great.midY) == RenderStyle().colorMap.color(at: 0.75))
        #expect(canvas.pixel(x: was.midX, y: was.midY) == RenderStyle().colorMap.color(at: -0.75))
        saveArtifact(canvas, name: "kl.png")
    }

    @Test func matrixUsesTheMagnitudeMap() throws {
        let chart = try TokenKLChart(tokens: Self.tokens, contributions: Self.contributions, matrix: Self.matrix)
        let layout = try TokenKLChartLayout(chart: chart, style: RenderStyle(), renderer: quietRenderer)
        let canvas = try chart.render(renderer: quietRenderer)
        #expect(layout.matrixCells.count == 48)
        let scale = try ScoreScale(scores: Self.matrix.flatMap { $0 })
        for (i, cell) in layout.matrixCells.enumerated() {
            let expected = ColorMap.viridis.color(forScore: Self.matrix[i / 8][i % 8], scale: scale)
            #expect(canvas.pixel(x: cell.rect.midX, y: cell.rect.midY) == expected)
        }
        #expect(layout.labels.contains { $0.text == "z7" })
    }

    @Test func barsOnlyWithoutMatrix() throws {
        let chart = try TokenKLChart(tokens: ["a", "b"], contributions: [0, 0])
        let canvas = try chart.render(renderer: quietRenderer)
        #expect(canvas.width > 100)
    }

    @Test func badInputThrows() {
        #expect(throws: RenderError.self) { _ = try TokenKLChart(tokens: [], contributions: []) }
        #expect(throws: RenderError.self) { _ = try TokenKLChart(tokens: ["a"], contributions: [1, 2]) }
        #expect(throws: RenderError.self) { _ = try TokenKLChart(tokens: ["a"], contributions: [.nan]) }
        #expect(throws: RenderError.self) { _ = try TokenKLChart(tokens: ["a"], contributions: [1], matrix: [[1], [2]]) }
        #expect(throws: RenderError.self) { _ = try TokenKLChart(tokens: ["a", "b"], contributions: [1, 1], matrix: [[1], [2, 3]]) }
        #expect(throws: RenderError.self) { _ = try TokenKLChart(tokens: ["a"], contributions: [1], matrix: [[]]) }
        #expect(throws: RenderError.self) {
            _ = try TokenKLChart(tokens: ["a"], contributions: [1], matrix: [[1]], dimensionLabels: ["x", "y"])
        }
    }
}
