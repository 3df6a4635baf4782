import Testing
@testable import LoupeRender

@Suite("Terminal generation")
struct TerminalGenerationTests {
    static let summary = AttributionSummary(method: "integrated gradients, 50 steps", target: "logit of ‘ positive’",
                                            model: "SmolLM2", foil: "logit of ‘ negative’")

    /// 我今天过得很好。 one character per cell, then an English question.
    static func view() throws -> TerminalGeneration {
        let text = "我今天过得很好。Is it good?"
        let spans = (0..<8).map { $0..<($0 + 1) } + [8..<10, 11..<13, 14..<18, 18..<19]
        let scores = [0.03, -0.05, 0.02, 0.08, 0.06, 0.35, 0.72, -0.04, 0.01, 0, 0.2, -0.1]
        let map = try SentenceHeatmap(text: text, spans: spans, scores: scores, summary: summary)
        let steps = [
            GenerationStep(token: " positive", probability: 0.9, entropy: 0.41, rank: 1,
                           alternatives: [.init(" positive", probability: 0.9), .init(" negative", probability: 0.05)],
                           foilProbability: 0.05),
            GenerationStep(token: "\n", probability: 0.5, rank: 2),
        ]
        return TerminalGeneration(heatmap: map, steps: steps)
    }

    @Test func plainTextAnnotatesEachTokenAndKeepsGaps() throws {
        let out = try Self.view().render(mode: .never)
        let lines = out.components(separatedBy: "\n")
        #expect(lines[0] == "integrated gradients, 50 steps  ·  contrast: logit of ‘ positive’ − logit of ‘ negative’  ·  model: SmolLM2")
        #expect(lines[1] == "我[+0.03]今[-0.05]天[+0.02]过[+0.08]得[+0.06]很[+0.35]好[+0.72]。[-0.04]Is[+0.01] it[0] good[+0.2]?[-0.1]")
        #expect(!out.contains("\u{1B}"))
        #expect(try Self.view().render(mode: .automatic, environment: ["NO_COLOR": "1"], isTerminal: true) == out)
        #expect(try Self.view().render(mode: .automatic, environment: [:], isTerminal: false) == out)
    }

    @Test func trueColourWhenAnnouncedAnd256Otherwise() throws {
        let view = try Self.view()
        let strongest = ColorMap.redBlue.color(at: 1)   // 好 saturates under the default 2% outliers
        let truecolor = try view.render(mode: .always, environment: ["COLORTERM": "truecolor"])
        #expect(truecolor.contains("\u{1B}[48;2;\(strongest.r);\(strongest.g);\(strongest.b)m\u{1B}[38;2;255;255;255m好\u{1B}[0m"))
        #expect(!truecolor.contains("[48;5;"))
        let palette = try view.render(mode: .always, environment: ["TERM": "xterm-256color"])
        #expect(palette.contains("\u{1B}[48;5;\(TerminalColorDepth.paletteIndex(strongest))m\u{1B}[38;5;231m好\u{1B}[0m"))
        #expect(!palette.contains("[48;2;"))
        #expect(palette.components(separatedBy: "\u{1B}[0m").count == 12 + 1, "one reset per token")
        var forced = view
        forced.colorDepth = .trueColor
        #expect(try forced.render(mode: .always, environment: [:]).contains("[48;2;"))
    }

    @Test(arguments: [(RGBA.white, 231), (RGBA.black, 16), (RGBA(255, 0, 0), 196), (RGBA(128, 128, 128), 244),
                      (RGBA(hex: 0xb2182b), 124)])
    func paletteIndexIsTheNearestEntry(color: RGBA, index: Int) {
        #expect(TerminalColorDepth.paletteIndex(color) == index)
    }

    @Test func stepTableIsAlignedAndEscapesLabels() throws {
        let table = try Self.view().stepTable().components(separatedBy: "\n")
        #expect(table.count == 3)
        #expect(table[0] == "#  token          p   log p  entropy  surprisal  rank  p(foil)  top alternatives")
        #expect(table[1] == "1   positive  0.900  −0.105    0.410      0.105     1    0.050  ‘ positive’ 0.900, ‘ negative’ 0.050")
        #expect(table[2] == "2  ⏎          0.500  −0.693        –      0.693     2        –  –")
        // Numbers are right-aligned: every row's last column starts at the same terminal column.
        let starts = table.map { TokenLabel.terminalWidth(String($0.prefix(upTo: $0.range(of: "  ", options: .backwards)!.upperBound))) }
        #expect(Set(starts).count == 1)
        let wide = TerminalGeneration(heatmap: try SentenceHeatmap(tokens: [TokenScore("好", 1)]),
                                      steps: [GenerationStep(token: "好"), GenerationStep(token: "ab")]).stepTable()
        #expect(wide.components(separatedBy: "\n").map { TokenLabel.terminalWidth($0) }.count == 3)
        #expect(wide.contains("1  好     –") && wide.contains("2  ab     –"), "a CJK character takes two columns")
    }

    @Test func tokensCannotSendEscapes() throws {
        let map = try SentenceHeatmap(text: "a\u{1B}[2Jb", spans: [0..<6], scores: [1])
        let out = try TerminalGeneration(heatmap: map, steps: [GenerationStep(token: "\u{1B}[31m")]).render(mode: .never)
        #expect(!out.contains("\u{1B}"))
        #expect(out.contains("a\\u{1B}[2Jb[+1]") && out.contains("\\u{1B}[31m"))
    }

    @Test func surprisalIsMinusLogProbability() {
        let step = GenerationStep(token: "x", probability: 0.25)
        #expect(abs(step.surprisal! - 1.3862943611198906) < 1e-12)
        #expect(GenerationStep(token: "x", probability: 0).logProbability == nil)
        #expect(GenerationStep(token: "x", probability: 1).surprisal == 0)
    }
}
