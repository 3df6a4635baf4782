import Foundation
import Testing
@testable import LoupeRender

@Suite("Generation HTML")
struct GenerationHTMLTests {
    static func page() throws -> GenerationHTML {
        var page = GenerationHTML(title: "Why <b>positive</b>?", summary: GenerationFixtures.summary)
        page.generatedText = " This sentence is positive."
        let prompt = try SentenceHeatmap(tokens: Fixtures.chineseTokens)
        page.answers = [.init(token: " positive", heatmap: prompt), .init(token: ".", heatmap: prompt)]
        page.matrix = try GenerationFixtures.matrix()
        page.steps = GenerationFixtures.answer.map {
            GenerationStep(token: $0.0, probability: $0.1, entropy: 0.5, rank: 1,
                           alternatives: [.init($0.0, probability: $0.1)], foilProbability: $0.2)
        }
        return page
    }

    @Test func matrixCellsCarryColoursAndExactScores() throws {
        let page = try Self.page()
        let m = try #require(page.matrix)
        let html = try page.html()
        let scale = try m.scales()[1]
        // Row 1 (" sentence"), column 3 ("我"): a score cell with the map's colour and its exact value.
        let score = try #require(m.scores[1][3])
        let bg = ColorMap.redBlue.color(forScore: score, scale: scale).hexString
        #expect(html.contains("style=\"background:\(bg);"))
        #expect(html.contains("title=\" sentence \u{2190} 我: \(score)\""))
        let fixedCount = m.sources.filter { $0.role == .fixed }.count
        #expect(html.components(separatedBy: "<td class=\"fixed\"").count - 1 == fixedCount * m.targets.count)
        let empty = m.scores.enumerated().flatMap { r, row in row.indices.filter { row[$0] == nil && m.sources[$0].role != .fixed } }
        #expect(html.components(separatedBy: "<td class=\"na\"").count - 1 == empty.count)
        #expect(html.contains("<th>p</th><th>p(foil)</th>"))
        #expect(html.contains("<th class=\"fixed\" title=\"source 2: fixed\">\u{23CE}</th>"), "a newline label is visible")
        // One coloured prompt per generated token, the step table and the contrast line.
        #expect(html.components(separatedBy: "<p class=\"tokens\">").count - 1 == 2)
        #expect(html.contains("<th>top alternatives</th>") && html.contains("<td>0.910</td>"))
        #expect(html.contains("contrast: logit of ‘ positive’ \u{2212} logit of ‘ negative’"))
    }

    @Test func everythingIsEscaped() throws {
        var page = GenerationHTML(title: "<script>alert(1)</script>")
        let evil = "<script>alert('x')</script>"
        page.matrix = try GenerationMatrix(sources: [.init(evil), .init("a\"b")], targets: [.init(evil, stepScore: 0.5)],
                                           scores: [[0.1, -0.2]])
        page.answers = [.init(token: evil, heatmap: try SentenceHeatmap(tokens: [TokenScore(evil, 1)]))]
        page.steps = [GenerationStep(token: evil, alternatives: [.init(evil, probability: 0.1)])]
        page.generatedText = evil
        let html = try page.html()
        #expect(!html.contains("<script"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
        #expect(html.contains("a&quot;b"))
    }

    @Test func embedsPicturesAndWritesAtomically() throws {
        var page = try Self.page()
        let canvas = try page.matrix!.render(style: RenderStyle(scale: 2), renderer: quietRenderer)
        try page.addImage(canvas, alt: "attribution matrix", scale: 2)
        let folder = try makeTemporaryFolder()
        defer { cleanUp(folder) }
        let url = folder.appendingPathComponent("why.html")
        try page.write(to: url)
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.contains("<img alt=\"attribution matrix\" style=\"width:\(Int((Double(canvas.width) / 2).rounded()))px\" src=\"data:image/png;base64,"))
        #expect(!text.contains("http://") && !text.contains("https://"), "self-contained")
        let payload = try #require(text.components(separatedBy: "base64,").last?.components(separatedBy: "\"").first)
        let bytes = try #require(Data(base64Encoded: payload))
        #expect(try PNGDecoder.decode([UInt8](bytes)).canvas == canvas)
        if let folder = ProcessInfo.processInfo.environment["LOUPE_RENDER_ARTIFACTS"] {
            try? page.write(to: URL(fileURLWithPath: folder).appendingPathComponent("generation.html"))
        }
    }
}
