import Testing
@testable import LoupeRender

@Suite("Terminal heatmap")
struct TerminalHeatmapTests {
    @Test func colourUses24BitBackgrounds() throws {
        let view = try TerminalHeatmap(tokens: Fixtures.englishTokens)
        let out = try view.render(mode: .always)
        let red = ColorMap.redBlue.color(at: 1)
        #expect(out.contains("\u{1B}[48;2;\(red.r);\(red.g);\(red.b)m"))
        #expect(out.contains("\u{1B}[38;2;255;255;255mgreat\u{1B}[0m"))
        #expect(out.components(separatedBy: "\u{1B}[0m").count == Fixtures.englishTokens.count + 1)
    }

    @Test func plainFallback() throws {
        let view = try TerminalHeatmap(tokens: Fixtures.englishTokens)
        let expected = "I(+0.04) had(+0.1) a(-0.02) great(+0.86) day(+0.21) today(+0.12) .(-0.07)"
        #expect(try view.render(mode: .never) == expected)
        #expect(try view.render(mode: .automatic, environment: [:], isTerminal: false) == expected)
        #expect(try view.render(mode: .automatic, environment: ["NO_COLOR": "1"], isTerminal: true) == expected)
        #expect(try view.render(mode: .automatic, environment: ["TERM": "dumb"], isTerminal: true) == expected)
        #expect(try view.render(mode: .automatic, environment: ["NO_COLOR": ""], isTerminal: true).contains("\u{1B}["))
    }

    @Test func spansKeepGapsUncoloured() throws {
        let map = try SentenceHeatmap(text: "ab, cd", spans: [0..<2, 4..<6], scores: [1, -1])
        let out = try TerminalHeatmap(heatmap: map).render(mode: .always)
        #expect(out.contains("\u{1B}[0m, \u{1B}[48;2;"))
        #expect(TerminalHeatmap(heatmap: map).plainText() == "ab(+1) cd(-1)")
    }
}
