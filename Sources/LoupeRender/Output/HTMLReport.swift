import LoupeIO
import Foundation

/// Builds one self-contained HTML file: inline CSS, pictures embedded as base64 PNG data
/// URIs, every piece of text escaped. Open it in any browser, attach it to an issue, or
/// archive it; it loads nothing from the network.
///
/// ```swift
/// var report = HTMLReport(title: "Why positive?")
/// report.addParagraph("Model: sst2-bag, method: Integrated Gradients")
/// try report.addImage(try heatmap.render(style: RenderStyle(scale: 2)), alt: "heatmap", scale: 2)
/// try report.write(to: URL(fileURLWithPath: "report.html"))
/// ```
public struct HTMLReport: Sendable {
    /// The page title and top heading.
    public var title: String
    private var body: [String] = []

    public init(title: String) {
        self.title = title
    }

    /// Adds a section heading (`level` 2...6).
    public mutating func addHeading(_ text: String, level: Int = 2) {
        let l = min(max(level, 2), 6)
        body.append("<h\(l)>\(HTMLEscaping.escape(text))</h\(l)>")
    }

    /// Adds a paragraph of plain text (line breaks are kept).
    public mutating func addParagraph(_ text: String) {
        body.append("<p>\(HTMLEscaping.escape(text).replacingOccurrences(of: "\n", with: "<br>"))</p>")
    }

    /// Adds a picture, encoded as PNG and embedded as a data URI.
    ///
    /// - Parameter scale: the picture's ``RenderStyle/scale``; the image is shown at
    ///   `width / scale` CSS pixels so high-DPI pictures stay sharp and correctly sized.
    public mutating func addImage(_ canvas: Canvas, alt: String, caption: String? = nil, scale: Double = 1) throws {
        let bytes = try canvas.pngData(colorType: .automatic)
        let cssWidth = Int((Double(canvas.width) / max(scale, 0.1)).rounded())
        addPNG(bytes, alt: alt, caption: caption, cssWidth: cssWidth)
    }

    /// Adds already encoded PNG bytes as a data URI.
    public mutating func addPNG(_ bytes: [UInt8], alt: String, caption: String? = nil, cssWidth: Int? = nil) {
        let width = cssWidth.map { " style=\"width:\($0)px\"" } ?? ""
        var html = "<figure><img alt=\"\(HTMLEscaping.escape(alt))\"\(width) src=\"data:image/png;base64,"
            + Base64.encode(bytes) + "\">"
        if let caption { html += "<figcaption>\(HTMLEscaping.escape(caption))</figcaption>" }
        body.append(html + "</figure>")
    }

    /// Adds tokens as text with coloured backgrounds (hover shows the score), like the
    /// PNG heatmap but selectable and searchable.
    public mutating func addTokenHeatmap(_ heatmap: SentenceHeatmap, colorMap: ColorMap = .redBlue,
                                         normalization: ScoreNormalization = .standard) throws {
        let scale = try ScoreScale(scores: heatmap.scores, normalization: normalization)
            .atLeast(normalization.isFixed ? 0 : heatmap.scaleFloor)
        var html = "<p class=\"tokens\">"
        for piece in heatmap.visiblePieces() {   // invisible tokens shown as ␣, \u{200B} … (as in the PNG)
            let text = HTMLEscaping.escape(piece.text)
            guard let t = piece.token else {
                html += text
                continue
            }
            let background = colorMap.color(forScore: heatmap.scores[t], scale: scale)
            let score = NumberFormatting.compact(heatmap.scores[t], ascii: true, signed: true)
            let outline = heatmap.unknownTokens.contains(t) ? "outline:2px solid #d97706;" : ""
            html += "<span class=\"tok\" title=\"\(score)\" style=\"background:\(background.hexString);"
                + "color:\(background.readableTextColor.hexString);\(outline)\">\(text)</span>"
        }
        body.append(html + "</p>")
        if let note = heatmap.fullNote { body.append("<p class=\"note\">\(HTMLEscaping.escape(note))</p>") }
    }

    /// Adds a table; every cell is escaped text.
    public mutating func addTable(header: [String], rows: [[String]]) {
        var html = "<table><thead><tr>"
        html += header.map { "<th>\(HTMLEscaping.escape($0))</th>" }.joined()
        html += "</tr></thead><tbody>"
        for row in rows {
            html += "<tr>" + row.map { "<td>\(HTMLEscaping.escape($0))</td>" }.joined() + "</tr>"
        }
        body.append(html + "</tbody></table>")
    }

    /// Adds markup the caller has already escaped (used by the module's own views).
    mutating func addMarkup(_ html: String) {
        body.append(html)
    }

    /// The complete HTML document.
    public func html() -> String {
        let head = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="Loupe">
        <title>\(HTMLEscaping.escape(title))</title>
        <style>
        body{font-family:"DejaVu Sans",system-ui,sans-serif;color:#1a1a1a;background:#fff;max-width:960px;margin:2em auto;padding:0 1em;line-height:1.45}
        h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em}
        figure{margin:1em 0}img{max-width:100%;height:auto;image-rendering:auto}
        figcaption{color:#5c5c5c;font-size:.9em}
        table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #d4d4d4;padding:.25em .6em;text-align:left}
        th{background:#f4f4f4}
        .tokens{font-size:1.1em;line-height:2}.tok{padding:.15em .2em;margin:0 1px;border-radius:2px}
        .matrix td,.matrix th{padding:.15em .35em;text-align:center;font-size:.85em;white-space:pre}
        .matrix td.na{background:#fff}.matrix td.fixed,.matrix th.fixed{color:#5c5c5c}
        .matrix td.fixed{background:repeating-linear-gradient(45deg,#eee,#eee 3px,#d4d4d4 3px,#d4d4d4 4px)}
        .matrix th.generated{font-weight:bold}.scroll{overflow-x:auto}
        </style></head><body>
        <h1>\(HTMLEscaping.escape(title))</h1>

        """
        return head + body.joined(separator: "\n") + "\n</body></html>\n"
    }

    /// Writes the document as UTF-8, atomically (temporary file + rename).
    public func write(to url: URL) throws {
        try RenderError.writing { try AtomicFile.write(Array(html().utf8), to: url) }
    }
}
