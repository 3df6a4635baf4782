import Foundation
import LoupeRender
import Testing

/// A token that would draw nothing — white space only, a zero-width character, a bidi mark, a
/// control character — is shown by a stand-in (``TokenLabel/visible(_:)``) in the PNG picture, the
/// HTML token spans and the terminal heatmap alike.
@Suite struct InvisibleTokenTests {
    /// good ⇥ U+200B U+202E ESC film, with single spaces between the last four.
    static func hostile() throws -> SentenceHeatmap {
        try SentenceHeatmap(text: "good\t\u{200B} \u{202E} \u{1B} film",
                            spans: [0..<4, 4..<5, 5..<6, 7..<8, 9..<10, 11..<15], scores: [1, -0.5, 0.3, 0.2, -0.1, 0.5])
    }

    /// The same scores on the stand-ins typed out as ordinary text.
    static func typedOut() throws -> SentenceHeatmap {
        try SentenceHeatmap(text: "good\u{21E5}\\u{200B} \\u{202E} \\u{1B} film",
                            spans: [0..<4, 4..<5, 5..<13, 14..<22, 23..<29, 30..<34], scores: [1, -0.5, 0.3, 0.2, -0.1, 0.5])
    }

    @Test func thePNGDrawsTheStandIns() throws {
        let style = RenderStyle(scale: 1)
        let drawn = try Self.hostile().render(style: style)
        let expected = try Self.typedOut().render(style: style)
        let decoded = try PNGDecoder.decode(try drawn.pngData(colorType: .rgb)).canvas
        try #require(decoded.width == expected.width && decoded.height == expected.height,
                     "\(decoded.width)×\(decoded.height) vs \(expected.width)×\(expected.height)")
        var differing = 0
        for y in 0..<expected.height {
            for x in 0..<expected.width where decoded.pixel(x: x, y: y) != expected.pixel(x: x, y: y) { differing += 1 }
        }
        #expect(differing == 0, "\(differing) pixels differ from the typed-out stand-ins")
        // And the stand-ins are ink: without them (the raw text dropped) the picture is narrower.
        let without = try SentenceHeatmap(text: "good film", spans: [0..<4, 5..<9], scores: [1, 0.5]).render(style: style)
        #expect(without.width < expected.width)
    }

    @Test func aBlankTokenAmongWordsIsAStandIn() throws {
        // "a", " ", "b": the middle token is a space of its own (a tokenizer that keeps spaces).
        let map = try SentenceHeatmap(text: "a b", spans: [0..<1, 1..<2, 2..<3], scores: [1, -1, 0.5])
        let html = try Self.html(map)
        #expect(html.contains(">\u{2423}</span>"), "\(html)")
        #expect(try TerminalHeatmap(heatmap: map).render(mode: .never) == "a(+1) \u{2423}(-1) b(+0.5)")
    }

    static func html(_ map: SentenceHeatmap) throws -> String {
        var report = HTMLReport(title: "t")
        try report.addTokenHeatmap(map)
        return report.html()
    }

    @Test func theHTMLSpansShowTheStandIns() throws {
        let html = try Self.html(Self.hostile())
        for standIn in ["\u{21E5}", "\\u{200B}", "\\u{202E}", "\\u{1B}"] {
            #expect(html.contains(">\(standIn)</span>"), "\(standIn) not a token span in \(html)")
        }
        #expect(!html.unicodeScalars.contains { $0 == "\u{200B}" || $0 == "\u{202E}" || $0 == "\u{1B}" })
        // A control character between tokens is shown too (escaped), not dropped.
        let between = try Self.html(try SentenceHeatmap(text: "a\u{7}b", spans: [0..<1, 2..<3], scores: [1, 2]))
        #expect(between.contains("</span>\\u{7}<span"), "\(between)")
    }

    @Test func theTerminalShowsTheSameStandIns() throws {
        let plain = try TerminalHeatmap(heatmap: Self.hostile()).render(mode: .never)
        #expect(plain == "good(+1) \u{21E5}(-0.5) \\u{200B}(+0.3) \\u{202E}(+0.2) \\u{1B}(-0.1) film(+0.5)", "\(plain)")
        let coloured = try TerminalHeatmap(heatmap: Self.hostile()).render(mode: .always)
        let text = coloured.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
        #expect(text == "good\u{21E5}\\u{200B} \\u{202E} \\u{1B} film", "\(text)")
    }

    @Test func ordinaryTextIsUnchanged() throws {
        let map = try SentenceHeatmap(text: "我今天 good film", spans: [0..<1, 1..<3, 4..<8, 9..<13], scores: [1, 2, 3, 4])
        let style = RenderStyle(scale: 1)
        #expect(try map.render(style: style) == (try SentenceHeatmap(text: map.text, spans: map.spans, scores: map.scores).render(style: style)))
        #expect(try TerminalHeatmap(heatmap: map).render(mode: .never) == "我(+1) 今天(+2) good(+3) film(+4)")
    }
}

extension InvisibleTokenTests {
    @Test func aLineBreakTokenShowsAndStillBreaks() throws {
        let map = try SentenceHeatmap(text: "one\ntwo", spans: [0..<3, 3..<4, 4..<7], scores: [1, -1, 2])
        let style = RenderStyle(scale: 1)
        let typed = try SentenceHeatmap(text: "one\u{23CE}\ntwo", spans: [0..<3, 3..<4, 5..<8], scores: [1, -1, 2])
        #expect(try map.render(style: style) == (try typed.render(style: style)))
        #expect(try TerminalHeatmap(heatmap: map).render(mode: .never) == "one(+1) \u{23CE}(-1) two(+2)")
        let html = try Self.html(map)
        #expect(html.contains(">\u{23CE}</span>\n<span"), "\(html)")
    }
}
