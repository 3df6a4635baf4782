import Foundation
import Testing
@testable import LoupeRender

@Suite("Bundled CJK fallback font")
struct BundledFontTests {
    let font = FontSpec(pixelSize: 24)
    let sentence = "我今天过得很好。"

    @Test func isShippedWithItsLicenceAndCharacterList() throws {
        let url = try #require(BundledFont.cjkFallbackURL)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int)
        #expect(size > 100_000 && size <= 4_000_000, "the subset stays small: \(size) bytes")
        let licence = try String(contentsOf: try #require(BundledFont.cjkFallbackLicenseURL), encoding: .utf8)
        #expect(licence.contains("SIL OPEN FONT LICENSE Version 1.1"))
        #expect(licence.contains("Adobe"))
        let list = try String(contentsOf: try #require(BundledFont.cjkFallbackCharactersURL), encoding: .utf8)
        let characters = Set(list.split(separator: "\n").compactMap(\.first))
        // TokenLabel draws ⏎ for line breaks and ␣ for a blank token, ∅ for an empty one.
        for ch in sentence + "等了一个小时才送到，饭都凉了。Loupe（） 、《》「」！？：；⏎␣∅…" where ch != " " {
            #expect(characters.contains(ch), "\(ch) is in characters.txt")
        }
    }

    /// With no font at all the bundled font draws everything: each listed character has a glyph.
    @Test func drawsEveryListedCharacterWhenNoFontIsInstalled() throws {
        let fixture = try FontconfigFixture(fonts: [])
        defer { fixture.remove() }
        let renderer = try TextRenderer(fontconfigFile: fixture.configurationFile)
        renderer.reportsMissingGlyphs = false
        let bundled = try #require(BundledFont.cjkFallbackURL).path
        let list = try String(contentsOf: try #require(BundledFont.cjkFallbackCharactersURL), encoding: .utf8)
        var missing: [Character] = []
        var count = 0
        for ch in list.split(separator: "\n").compactMap(\.first) {
            for scalar in ch.unicodeScalars where !TextRenderer.isInvisible(scalar) {
                let source = renderer.glyphSource(for: scalar)
                if source.path != bundled || source.glyphIndex == 0 { missing.append(ch) }
            }
            count += 1
        }
        #expect(count > 3_500)
        #expect(missing.isEmpty, "no glyph for \(String(missing.prefix(20)))")
        #expect(renderer.hasCJKFont && !renderer.hasSystemCJKFont)
        let metrics = renderer.lineMetrics(for: font)
        #expect(metrics.ascent > 15 && metrics.descent > 2, "metrics come from the bundled font")
        #expect(renderer.width(of: "Loupe", font: font) > 40)
    }

    /// A machine whose only fonts are DejaVu: Latin stays DejaVu, Chinese comes from the bundled
    /// font glyph by glyph, and no glyph is a box.
    @Test func drawsChineseWhenFontconfigHasNoCJKFont() throws {
        guard let latin = FontconfigFixture.systemLatinFonts() else {
            print("skipped: fontconfig finds no Latin font (install fonts-dejavu-core)")
            return
        }
        let fixture = try FontconfigFixture(fonts: latin)
        defer { fixture.remove() }
        let bundled = try #require(BundledFont.cjkFallbackURL).path

        let without = try TextRenderer(fontconfigFile: fixture.configurationFile, fallbackFont: nil)
        without.reportsMissingGlyphs = false
        guard !without.hasSystemCJKFont, without.fontPath(for: "我") == nil else {
            print("skipped: the primary font \(latin) itself has CJK ideographs")
            return
        }
        let renderer = try TextRenderer(fontconfigFile: fixture.configurationFile)
        renderer.reportsMissingGlyphs = false
        #expect(renderer.hasCJKFont && !renderer.hasSystemCJKFont)
        #expect(renderer.fontPath(for: "L").map(realFile) == without.fontPath(for: "L").map(realFile))
        #expect(latin.contains(realFile(try #require(renderer.fontPath(for: "L")))), "Latin stays in DejaVu")

        var glyphs: [Glyph] = []
        for scalar in sentence.unicodeScalars {
            let source = renderer.glyphSource(for: scalar)
            #expect(source.path == bundled && source.glyphIndex != 0, "\(scalar) has a glyph in the bundled font")
            glyphs.append(renderer.shape(String(scalar), font: font).glyphs[0])
        }
        let tofu = Glyph.tofu(size26_6: font.size26_6)
        let notdef = try #require(renderer.notdefGlyph(ofFontAt: bundled, font: font))
        for (scalar, glyph) in zip(sentence.unicodeScalars, glyphs) {
            #expect(glyph.coverage != tofu.coverage && glyph.coverage != notdef.coverage, "\(scalar) is not a box")
            #expect(glyph.coverage.contains { $0 > 200 }, "\(scalar) has ink")
        }
        #expect(Set(glyphs.map(\.coverage)).count == Set(sentence).count, "different characters, different glyphs")

        var drawn = try Canvas(width: 240, height: 40)
        drawn.drawText(sentence, x: 4, baseline: 30, font: font, color: .black, renderer: renderer)
        var boxes = try Canvas(width: 240, height: 40)
        boxes.drawText(sentence, x: 4, baseline: 30, font: font, color: .black, renderer: without)
        saveArtifact(drawn, name: "bundled-font-chinese.png")
        saveArtifact(boxes, name: "bundled-font-boxes.png")
        #expect(renderer.missingGlyphs.isEmpty)
        #expect(without.missingGlyphs == Set(sentence), "without the bundled font every character is a box")
        let differing = zip(drawn.pixels, boxes.pixels).filter { $0 != $1 }.count
        #expect(differing > 500, "glyphs and boxes differ in \(differing) channel values")
        let w = renderer.width(of: sentence, font: font)
        #expect(w > 8 * 0.8 * 24 && w < 8 * 1.2 * 24, "CJK glyphs are about one em wide")
    }

    @Test func mixedTextTakesEachCharacterFromTheFirstFontThatHasIt() throws {
        guard let latin = FontconfigFixture.systemLatinFonts() else {
            print("skipped: fontconfig finds no Latin font (install fonts-dejavu-core)")
            return
        }
        let fixture = try FontconfigFixture(fonts: latin)
        defer { fixture.remove() }
        let bundled = try #require(BundledFont.cjkFallbackURL).path
        let renderer = try TextRenderer(fontconfigFile: fixture.configurationFile)
        renderer.reportsMissingGlyphs = false
        let text = "Loupe 说：很好！ ok"
        for scalar in text.unicodeScalars where scalar != " " {
            let path = try #require(renderer.glyphSource(for: scalar).path, "\(scalar) has a font")
            if LineBreaking.isWide(scalar) {
                #expect(path == bundled, "\(scalar) comes from the bundled font")
            } else {
                #expect(latin.contains(realFile(path)), "\(scalar) stays in the primary font")
            }
        }
        #expect(renderer.missingGlyphs.isEmpty)
    }

    /// On this machine's own configuration an installed CJK font comes before the bundled one.
    @Test func prefersAnInstalledCJKFont() {
        let renderer = TextRenderer()
        guard renderer.hasSystemCJKFont else {
            print("skipped: no CJK font installed, so nothing comes before the bundled font")
            return
        }
        #expect(renderer.fontPath(for: "我") != BundledFont.cjkFallbackURL?.path)
        #expect(!renderer.fontPaths.contains(BundledFont.cjkFallbackURL?.path ?? ""), "the bundled font is not even opened")
    }

    @Test(arguments: ["missing", "malformed"])
    func rejectsAnUnusableConfigurationFile(_ kind: String) throws {
        let folder = try makeTemporaryFolder()
        defer { cleanUp(folder) }
        let file = folder.appendingPathComponent("fonts.conf")
        if kind == "malformed" { try Data("<fontconfig><dir>unclosed".utf8).write(to: file) }
        #expect {
            _ = try TextRenderer(fontconfigFile: file)
        } throws: { error in
            guard case let .io(path, _)? = error as? RenderError else { return false }
            return path == file.path
        }
    }
}
