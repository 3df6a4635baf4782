import Testing
@testable import LoupeRender

@Suite("Method comparison")
struct MethodComparisonTests {
    static let methods: [(name: String, scores: [Double])] = [
        ("Saliency", [0.1, 0.2, 0.05, 0.9, 0.3, 0.2, 0.01]),
        ("Integrated Gradients", Fixtures.englishTokens.map(\.score)),
        ("Occlusion", [0.0, 0.05, -0.1, 0.6, 0.4, 0.1, -0.2]),
    ]

    @Test func cellsAreColouredPerMethodScale() throws {
        let cmp = try MethodComparison(tokens: Fixtures.englishTokens.map(\.text), methods: Self.methods,
                                       summary: AttributionSummary(title: "Method comparison"))
        let layout = try MethodComparisonLayout(comparison: cmp, style: RenderStyle(), renderer: quietRenderer)
        let canvas = try cmp.render(renderer: quietRenderer)
        #expect(canvas.width == layout.width && canvas.height == layout.height)
        #expect(layout.cells.count == 21)
        for cell in layout.cells {
            let scale = try ScoreScale(scores: Self.methods[cell.method].scores)
            let expected = ColorMap.redBlue.color(forScore: Self.methods[cell.method].scores[cell.token], scale: scale)
            #expect(canvas.pixel(x: cell.rect.minX, y: cell.rect.minY) == expected)
            #expect(cell.value != nil, "values fit in the cells")
        }
        // Per-method scaling: each method's top token reaches full colour.
        for m in 0..<3 {
            let strongest = layout.cells.filter { $0.method == m }.max { $0.color.saturation < $1.color.saturation }!
            #expect(strongest.token == 3)
        }
        saveArtifact(canvas, name: "comparison.png")
    }

    @Test func sharedScaleWhenAsked() throws {
        var cmp = try MethodComparison(tokens: ["a", "b"], methods: [("x", [1, 0]), ("y", [0.5, 0])])
        cmp.normalizesEachMethod = false
        let layout = try MethodComparisonLayout(comparison: cmp, style: RenderStyle(), renderer: quietRenderer)
        let y = layout.cells.first { $0.method == 1 && $0.token == 0 }!
        #expect(y.color == ColorMap.redBlue.color(at: 0.5))
    }

    @Test func wideTablesContinueInBlocks() throws {
        let tokens = (0..<40).map { "tok\($0)" }
        let cmp = try MethodComparison(tokens: tokens, methods: [("a", tokens.indices.map { Double($0) }),
                                                                 ("b", tokens.indices.map { -Double($0) })])
        var style = RenderStyle()
        style.width = 600
        let layout = try MethodComparisonLayout(comparison: cmp, style: style, renderer: quietRenderer)
        #expect(layout.width <= 600)
        #expect(Set(layout.cells.map(\.rect.y)).count >= 4, "at least two blocks of two rows")
    }

    @Test func badInputThrows() {
        #expect(throws: RenderError.self) { _ = try MethodComparison(tokens: [], methods: [("a", [])]) }
        #expect(throws: RenderError.self) { _ = try MethodComparison(tokens: ["a"], methods: []) }
        #expect(throws: RenderError.self) { _ = try MethodComparison(tokens: ["a"], methods: [("m", [1, 2])]) }
        #expect(throws: RenderError.self) { _ = try MethodComparison(tokens: ["a"], methods: [("m", [.nan])]) }
    }
}
