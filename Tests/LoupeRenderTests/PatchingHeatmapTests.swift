import Foundation
import Testing
@testable import LoupeRender

/// ROME's causal-tracing figure: one panel per site kind, a cell per (layer, token) coloured by its
/// recovery on a fixed −1…1 scale, CJK token labels drawn with real glyphs, a PNG that decodes.
@Suite struct PatchingHeatmapTests {
    static let tokens = ["我", "今天", "过得", "很", "好", "。"]
    static func values(_ layers: Int, _ seed: Int) -> [[Double]] {
        (0..<layers).map { l in (0..<tokens.count).map { t in Double((l * 5 + t * 3 + seed) % 11) / 5 - 1 } }
    }

    static func heatmap() throws -> PatchingHeatmap {
        try PatchingHeatmap(tokens: tokens, panels: [PatchingHeatmap.Panel(title: "resid (hook_resid_pre)", values: values(8, 0)),
                                                     PatchingHeatmap.Panel(title: "attn (hook_attn_out)", values: values(8, 1)),
                                                     PatchingHeatmap.Panel(title: "mlp (hook_mlp_out)", values: values(8, 2))],
                            title: "Activation patching · SmolLM2", detail: "logit-difference of \"positive\" vs \"negative\"")
    }

    @Test func cellsAreColouredByRecoveryOnAFixedScale() throws {
        let map = try Self.heatmap()
        let layout = try PatchingHeatmapLayout(heatmap: map, style: RenderStyle(), renderer: quietRenderer)
        let canvas = try map.render(renderer: quietRenderer)
        #expect(canvas.width == layout.width && canvas.height == layout.height)
        #expect(layout.cells.count == 3 * 8 * Self.tokens.count && layout.frames.count == 3)
        for (i, cell) in layout.cells.enumerated() {
            let panel = i / (8 * 6), layer = (i / 6) % 8, token = i % 6
            let value = map.panels[panel].values[layer][token]
            #expect(canvas.pixel(x: cell.rect.midX, y: cell.rect.midY) == ColorMap.redBlue.color(at: max(-1, min(1, value))))
        }
        // Panels side by side, left to right; rows are tokens, top to bottom.
        #expect(layout.frames[0].maxX < layout.frames[1].minX && layout.frames[1].maxX < layout.frames[2].minX)
        #expect(layout.cells[0].rect.maxY <= layout.cells[1].rect.minY)
        #expect(layout.labels.contains { $0.text == "resid (hook_resid_pre)" } && layout.labels.contains { $0.text == "layer" })
        #expect(layout.colorBar != nil)
        saveArtifact(canvas, name: "patching.png")
    }

    @Test func pngDecodesWithItsTitle() throws {
        let map = try Self.heatmap()
        let decoded = try PNGDecoder.decode(try map.pngData(style: RenderStyle(scale: 2), renderer: quietRenderer))
        let direct = try map.render(style: RenderStyle(scale: 2), renderer: quietRenderer)
        #expect(decoded.canvas.width == direct.width && decoded.canvas.height == direct.height)
        #expect(decoded.textValue(forKey: "Title") == "Activation patching · SmolLM2")
    }

    @Test func chineseLabelsUseCJKGlyphs() throws {
        guard quietRenderer.hasCJKFont else {
            print("skipped pixel checks: no CJK font installed")
            return
        }
        let renderer = TextRenderer()
        renderer.reportsMissingGlyphs = false
        _ = try Self.heatmap().render(renderer: renderer)
        #expect(renderer.missingGlyphs.isEmpty)
    }

    @Test func badInputIsAThrownError() throws {
        let panel = PatchingHeatmap.Panel(title: "resid", values: [[0, 1]])
        #expect(throws: RenderError.self) { try PatchingHeatmap(tokens: [], panels: [panel]) }
        #expect(throws: RenderError.self) { try PatchingHeatmap(tokens: ["a", "b"], panels: []) }
        #expect(throws: RenderError.self) { try PatchingHeatmap(tokens: ["a"], panels: [panel]) }
        #expect(throws: RenderError.self) {
            try PatchingHeatmap(tokens: ["a", "b"], panels: [PatchingHeatmap.Panel(title: "x", values: [[0, .nan]])])
        }
        #expect(throws: RenderError.self) { try PatchingHeatmap(tokens: ["a"], panels: [PatchingHeatmap.Panel(title: "x", values: [])]) }
    }
}
