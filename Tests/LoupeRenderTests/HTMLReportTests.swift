import Foundation
import Testing
@testable import LoupeRender

@Suite("HTML report")
struct HTMLReportTests {
    @Test func base64MatchesRFC4648Vectors() {
        let vectors = ["": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE=",
                       "foobar": "Zm9vYmFy"]
        for (plain, encoded) in vectors { #expect(Base64.encode(Array(plain.utf8)) == encoded) }
        let bytes = (0..<300).map { UInt8($0 % 256) }
        #expect(Base64.encode(bytes) == Data(bytes).base64EncodedString())
    }

    @Test func escapesText() {
        #expect(HTMLEscaping.escape("<b>\"Tom\" & 'Jerry'</b>") == "&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;")
    }

    @Test func buildsASelfContainedDocument() throws {
        var report = HTMLReport(title: "Why <positive>?")
        report.addHeading("Heatmap & friends")
        report.addParagraph("line one\nline <two>")
        let map = try SentenceHeatmap(tokens: Fixtures.englishTokens, summary: Fixtures.summary)
        let canvas = try map.render(style: RenderStyle(scale: 2), renderer: quietRenderer)
        try report.addImage(canvas, alt: "heatmap \"en\"", caption: "IG", scale: 2)
        try report.addTokenHeatmap(map)
        report.addTable(header: ["token", "score"], rows: [["<script>", "0.1"]])
        let html = report.html()
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<title>Why &lt;positive&gt;?</title>"))
        #expect(html.contains("line one<br>line &lt;two&gt;"))
        #expect(!html.contains("<script>") && html.contains("&lt;script&gt;"))
        #expect(!html.contains("http://") && !html.contains("https://"), "nothing loaded from the network")
        #expect(html.contains("style=\"width:\(Int((Double(canvas.width) / 2).rounded()))px\""))
        #expect(html.contains("title=\"+0.86\""))
        // The embedded PNG decodes back to the picture.
        let start = try #require(html.range(of: "base64,")).upperBound
        let end = try #require(html[start...].firstIndex(of: "\""))
        let data = try #require(Data(base64Encoded: String(html[start..<end])))
        #expect(try PNGDecoder.decode([UInt8](data)).canvas == canvas)
    }

    @Test func writesAtomically() throws {
        let folder = try makeTemporaryFolder()
        defer { cleanUp(folder) }
        let url = folder.appendingPathComponent("report.html")
        try HTMLReport(title: "t").write(to: url)
        #expect(try String(contentsOf: url, encoding: .utf8).contains("<h1>t</h1>"))
        #expect(throws: RenderError.self) { try HTMLReport(title: "t").write(to: folder.appendingPathComponent("no/such.html")) }
    }
}
