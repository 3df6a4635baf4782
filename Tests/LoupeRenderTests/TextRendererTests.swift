import Foundation
import Testing
@testable import LoupeRender

@Suite("Text setting with FreeType and fontconfig")
struct TextRendererTests {
    let font = FontSpec(pixelSize: 20)

    @Test func measuresLatinText() {
        let m = quietRenderer.measure("Hello, world", font: font)
        #expect(m.width > 80 && m.width < 200)
        #expect(m.ascent > 10 && m.descent > 2)
        #expect(m.lineHeight >= m.ascent + m.descent)
        #expect(quietRenderer.width(of: "", font: font) == 0)
        #expect(quietRenderer.width(of: "ab", font: font) > quietRenderer.width(of: "a", font: font))
    }

    @Test func boldIsWider() {
        let bold = FontSpec(pixelSize: 20, weight: .bold)
        #expect(quietRenderer.width(of: "Loupe heatmap", font: bold) > quietRenderer.width(of: "Loupe heatmap", font: font))
    }

    @Test func kerningIsAppliedWhereTheFontHasIt() {
        guard quietRenderer.hasKerning(for: "A") else {
            print("skipped: the primary font has no kern table")
            return
        }
        let pair = quietRenderer.width(of: "AV", font: font)
        let separate = quietRenderer.width(of: "A", font: font) + quietRenderer.width(of: "V", font: font)
        #expect(pair < separate)
    }

    @Test func drawsInkInsideTheMeasuredBox() throws {
        var canvas = try Canvas(width: 200, height: 40)
        let width = canvas.drawText("Loupe", x: 10, baseline: 28, font: font, color: .black, renderer: quietRenderer)
        var inkColumns = Set<Int>()
        var dark = 0
        for y in 0..<40 {
            for x in 0..<200 where canvas.pixel(x: x, y: y)!.r < 128 {
                inkColumns.insert(x)
                dark += 1
            }
        }
        #expect(dark > 50)
        #expect(inkColumns.min()! >= 10 && Double(inkColumns.max()!) <= 10 + width + 1)
        // Antialiased: some pixels are neither white nor black.
        let grays = canvas.pixels.enumerated().filter { $0.offset % 4 == 0 && $0.element > 20 && $0.element < 235 }
        #expect(!grays.isEmpty)
    }

    @Test func cjkTextUsesTheFallbackFont() throws {
        guard quietRenderer.hasCJKFont else {
            print("skipped: no CJK font installed (install fonts-wqy-microhei or fonts-noto-cjk)")
            return
        }
        #expect(quietRenderer.canRender("我"))
        let w = quietRenderer.width(of: "我今天过得很好。", font: font)
        #expect(w > 8 * 15 && w < 8 * 25, "CJK glyphs are about one em wide")
        #expect(!quietRenderer.missingGlyphs.contains("我"))
    }

    @Test func missingGlyphsAreBoxesAndRecorded() throws {
        let renderer = TextRenderer()
        renderer.reportsMissingGlyphs = false
        let unassigned = Character(Unicode.Scalar(0x10FFFD)!)   // private use, no font has it
        #expect(!renderer.canRender(unassigned))
        var canvas = try Canvas(width: 60, height: 40)
        let w = canvas.drawText("a\(unassigned)b", x: 4, baseline: 30, font: font, color: .black, renderer: renderer)
        #expect(w > renderer.width(of: "ab", font: font))
        #expect(renderer.missingGlyphs == [unassigned])
    }

    @Test func wrapsAtSpacesAndBetweenCJKCharacters() {
        let lines = quietRenderer.wrap("the quick brown fox jumps over the lazy dog", font: font, maxWidth: 120)
        #expect(lines.count > 2)
        #expect(lines.joined(separator: " ") == "the quick brown fox jumps over the lazy dog")
        for line in lines { #expect(quietRenderer.width(of: line, font: font) <= 120) }

        let zh = quietRenderer.wrap("我今天过得很好。我今天过得很好。", font: font, maxWidth: 100)
        #expect(zh.count >= 3)
        #expect(zh.joined() == "我今天过得很好。我今天过得很好。")
        #expect(!zh.contains { $0.hasPrefix("。") }, "no line starts with closing punctuation")

        let long = quietRenderer.wrap("Supercalifragilisticexpialidocious", font: font, maxWidth: 60)
        #expect(long.count > 2 && long.joined() == "Supercalifragilisticexpialidocious")
        #expect(quietRenderer.wrap("one\ntwo", font: font, maxWidth: 500) == ["one", "two"])
        #expect(quietRenderer.wrap("", font: font, maxWidth: 50) == [""])
    }

    @Test func truncatesWithEllipsis() {
        let t = quietRenderer.truncate("Integrated Gradients (n_steps=50)", font: font, maxWidth: 100)
        #expect(t.hasSuffix("…"))
        #expect(quietRenderer.width(of: t, font: font) <= 100)
        #expect(quietRenderer.truncate("IG", font: font, maxWidth: 100) == "IG")
    }

    @Test func isSafeToUseConcurrently() async {
        await withTaskGroup(of: Double.self) { group in
            for i in 0..<8 {
                group.addTask { quietRenderer.width(of: "token \(i) 我", font: FontSpec(pixelSize: Double(10 + i))) }
            }
            for await w in group { #expect(w > 0) }
        }
    }
}
