import Testing
@testable import LoupeRender

@Suite("Traversal grid")
struct TraversalGridTests {
    @Test(arguments: [1.0, 2.0])
    func imageCellsEqualTheUpscaledPixels(scale: Double) throws {
        let images = Fixtures.traversalImages()
        let grid = try TraversalGrid(values: Fixtures.traversalValues, images: images, kl: [1.24, 0.83, 0.002, 0.41],
                                     title: "Latent traversal")
        let style = RenderStyle(scale: scale)
        let layout = try TraversalGridLayout(grid: grid, style: style, renderer: quietRenderer)
        let canvas = try PNGDecoder.decode(try grid.render(style: style, renderer: quietRenderer).pngData()).canvas
        #expect(canvas.width == layout.width && canvas.height == layout.height)
        #expect(layout.imageScale == Int(56 * scale) / 8)
        for cell in layout.cells where grid.rows[cell.row].isActive {
            let image = images[cell.row][cell.column]
            #expect(cell.rect.width == 8 * layout.imageScale && cell.rect.height == 8 * layout.imageScale)
            var same = true
            for y in 0..<cell.rect.height {
                for x in 0..<cell.rect.width
                where canvas.pixel(x: cell.rect.x + x, y: cell.rect.y + y)
                    != image.pixel(x: x / layout.imageScale, y: y / layout.imageScale) {
                    same = false
                }
            }
            #expect(same, "cell \(cell.row),\(cell.column)")
        }
        // Grid lines between cells.
        let first = layout.cells[0], second = layout.cells[1]
        #expect(second.rect.minX > first.rect.maxX)
        #expect(canvas.pixel(x: first.rect.maxX, y: first.rect.midY) == RenderStyle().gridColor)
        saveArtifact(canvas, name: "traversal@\(Int(scale))x.png")
    }

    @Test func inactiveRowsAreDimmed() throws {
        let images = Fixtures.traversalImages()
        let grid = try TraversalGrid(values: Fixtures.traversalValues, images: images, kl: [1.24, 0.83, 0.002, 0.41])
        #expect(grid.rows.map(\.isActive) == [true, true, false, true])
        #expect(grid.rows[0].displayLabel == "z0 · KL 1.24")
        let layout = try TraversalGridLayout(grid: grid, style: RenderStyle(), renderer: quietRenderer)
        let canvas = try grid.render(renderer: quietRenderer)
        let cell = layout.cells.first { $0.row == 2 }!
        let corner = canvas.pixel(x: cell.rect.x, y: cell.rect.y)!   // black in the source image
        #expect(corner.r > 100, "black is dimmed towards the background")
        let active = layout.labels.first { $0.text.hasPrefix("z0") }!.color
        let inactive = layout.labels.first { $0.text.hasPrefix("z2") }!.color
        #expect(inactive.relativeLuminance > active.relativeLuminance)
    }

    @Test func columnLabelsShowTheValues() throws {
        let grid = try TraversalGrid(values: Fixtures.traversalValues, images: Fixtures.traversalImages())
        let layout = try TraversalGridLayout(grid: grid, style: RenderStyle(), renderer: quietRenderer)
        let texts = layout.labels.map(\.text)
        #expect(texts.contains("\u{2212}3.0") && texts.contains("1.5") && texts.contains("0.0"))
    }

    @Test func textCellsWrap() throws {
        let grid = try TraversalGrid(values: [-2, 0, 2], texts: [
            ["the movie was bad", "the movie was fine", "the movie was a great joy to watch from start to end"],
            ["我今天过得很好。", "b", "c"],
        ], kl: [0.9, 0.0], title: "Text VAE")
        let layout = try TraversalGridLayout(grid: grid, style: RenderStyle(), renderer: quietRenderer)
        #expect(layout.textLines[0][2].count >= 2)
        #expect(layout.cells[0].rect.height > layout.cells[3].rect.height)
        let canvas = try grid.render(renderer: quietRenderer)
        #expect(canvas.height == layout.height)
        saveArtifact(canvas, name: "traversal-text.png")
    }

    @Test func badInputThrows() {
        let a = Fixtures.digit(1)
        let big = try! Canvas(width: 9, height: 9)
        #expect(throws: RenderError.self) { _ = try TraversalGrid(values: [], images: [[a]]) }
        #expect(throws: RenderError.self) { _ = try TraversalGrid(values: [0], images: []) }
        #expect(throws: RenderError.self) { _ = try TraversalGrid(values: [0, 1], images: [[a]]) }
        #expect(throws: RenderError.self) { _ = try TraversalGrid(values: [0, 1], images: [[a, big]]) }
        #expect(throws: RenderError.self) { _ = try TraversalGrid(values: [.nan], images: [[a]]) }
        #expect(throws: RenderError.self) { _ = try TraversalGrid(values: [0], images: [[a]], kl: [1, 2]) }
        var grid = try! TraversalGrid(values: [0], images: [[a]])
        grid.imageCellSize = .nan
        #expect(throws: RenderError.self) { _ = try grid.render(renderer: quietRenderer) }
        #expect(throws: RenderError.self) {
            _ = try TraversalGrid(values: [0, 1], rows: [TraversalGrid.Row(dimension: 0, cells: [.image(a), .text("x")])])
        }
    }
}
