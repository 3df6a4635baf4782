import Foundation

/// One self-contained HTML page explaining a generation: what was attributed (model, method,
/// target, contrast), the prompt's text coloured for each generated token (one small
/// paragraph per token, hover for the score), the attribution matrix as a table with
/// coloured cells and the exact score of each in its tooltip, the step scores, and any
/// pictures. Every piece of text is escaped; nothing is loaded from the network.
///
/// ```swift
/// var page = GenerationHTML(title: "Why ‘ positive’?", summary: summary)
/// page.answers = [.init(token: " positive", heatmap: promptHeatmap)]
/// page.matrix = matrix
/// page.steps = steps
/// try page.addImage(try matrix.render(style: RenderStyle(scale: 2)), alt: "attribution matrix", scale: 2)
/// try page.write(to: URL(fileURLWithPath: "why.html"))
/// ```
public struct GenerationHTML: Sendable {
    /// The prompt coloured for one generated token.
    public struct Answer: Sendable {
        /// The generated token's decoded text.
        public var token: String
        /// The prompt's text, spans and scores for this token.
        public var heatmap: SentenceHeatmap

        public init(token: String, heatmap: SentenceHeatmap) {
            self.token = token
            self.heatmap = heatmap
        }
    }

    /// The page title and top heading.
    public var title: String
    /// Model, method with its parameters, target and foil, shown under the title.
    public var summary: AttributionSummary
    /// The generated text, shown first when set.
    public var generatedText: String?
    /// One coloured prompt per generated token.
    public var answers: [Answer] = []
    /// The attribution matrix, shown as a table.
    public var matrix: GenerationMatrix?
    /// Step scores of the generated tokens.
    public var steps: [GenerationStep] = []
    public var colorMap: ColorMap = .redBlue
    public var normalization: ScoreNormalization = .standard
    private var figures: [(bytes: [UInt8], alt: String, caption: String?, cssWidth: Int?)] = []

    public init(title: String, summary: AttributionSummary = AttributionSummary()) {
        self.title = title
        self.summary = summary
    }

    /// Adds a picture (e.g. the rendered matrix), embedded as a PNG data URI at the end of
    /// the page, shown at `width / scale` CSS pixels.
    public mutating func addImage(_ canvas: Canvas, alt: String, caption: String? = nil, scale: Double = 1) throws {
        let bytes = try canvas.pngData(colorType: .automatic)
        addPNG(bytes, alt: alt, caption: caption, cssWidth: Int((Double(canvas.width) / max(scale, 0.1)).rounded()))
    }

    /// Adds already encoded PNG bytes.
    public mutating func addPNG(_ bytes: [UInt8], alt: String, caption: String? = nil, cssWidth: Int? = nil) {
        figures.append((bytes, alt, caption, cssWidth))
    }

    /// The page as a report.
    /// - Throws: ``RenderError`` for scores the colour scale rejects.
    public func report() throws -> HTMLReport {
        var report = HTMLReport(title: title)
        if let detail = summary.detailLine { report.addParagraph(detail) }
        if let generatedText { report.addParagraph("Generated: \(generatedText)") }
        if !answers.isEmpty {
            report.addHeading("Prompt, coloured for each generated token")
            for answer in answers {
                report.addMarkup("<h3>\u{2192} <code>\(HTMLEscaping.escape(TokenLabel.visible(answer.token)))</code></h3>")
                try report.addTokenHeatmap(answer.heatmap, colorMap: colorMap, normalization: normalization)
            }
        }
        if let matrix {
            report.addHeading("Attribution matrix")
            report.addMarkup(try Self.matrixTable(matrix, colorMap: colorMap, normalization: normalization))
        }
        if !steps.isEmpty {
            report.addHeading("Step scores")
            let withFoil = steps.contains { $0.foilProbability != nil }
            report.addTable(header: GenerationStep.tableHeader(withFoil: withFoil),
                            rows: steps.enumerated().map { $0.element.tableRow(index: $0.offset + 1, withFoil: withFoil) })
            report.addParagraph("Logarithms are natural (nats); surprisal is \u{2212}log p.")
        }
        for figure in figures {
            report.addPNG(figure.bytes, alt: figure.alt, caption: figure.caption, cssWidth: figure.cssWidth)
        }
        return report
    }

    /// The complete HTML document.
    public func html() throws -> String {
        try report().html()
    }

    /// Writes the document as UTF-8, atomically (temporary file + rename).
    public func write(to url: URL) throws {
        try report().write(to: url)
    }

    /// The matrix as a table: one header cell per drawn source, one row per generated token,
    /// cells coloured on the matrix's scale with the exact score in `title`, then the step scores.
    static func matrixTable(_ m: GenerationMatrix, colorMap: ColorMap, normalization: ScoreNormalization) throws -> String {
        let scales = try m.scales(normalization: normalization)
        let columns = m.visibleColumns
        let hasStep = m.targets.contains { $0.stepScore != nil }
        let hasFoil = m.targets.contains { $0.foilStepScore != nil }
        var html = "<div class=\"scroll\"><table class=\"matrix\"><thead><tr><th></th>"
        for c in columns {
            let source = m.sources[c]
            let role = source.role == .prompt ? "" : " class=\"\(source.role.rawValue)\""
            html += "<th\(role) title=\"source \(c): \(source.role.rawValue)\">\(HTMLEscaping.escape(TokenLabel.visible(source.label)))</th>"
        }
        if hasStep { html += "<th>\(HTMLEscaping.escape(m.stepScoreName))</th>" }
        if hasFoil { html += "<th>\(HTMLEscaping.escape(m.foilStepScoreName))</th>" }
        html += "</tr></thead><tbody>"
        for (r, target) in m.targets.enumerated() {
            let rowLabel = HTMLEscaping.escape(TokenLabel.visible(target.label))
            html += "<tr><th>\(rowLabel)</th>"
            for c in columns {
                let sourceLabel = HTMLEscaping.escape(TokenLabel.visible(m.sources[c].label))
                if m.sources[c].role == .fixed {
                    html += "<td class=\"fixed\" title=\"\(sourceLabel): kept fixed, not attributed\"></td>"
                } else if let score = m.scores[r][c] {
                    let bg = colorMap.color(forScore: score, scale: scales[r])
                    html += "<td style=\"background:\(bg.hexString);color:\(bg.readableTextColor.hexString)\" "
                        + "title=\"\(rowLabel) \u{2190} \(sourceLabel): \(score)\">"
                        + "\(NumberFormatting.compact(score, ascii: true))</td>"
                } else {
                    html += "<td class=\"na\" title=\"\(sourceLabel): not a source of this step\"></td>"
                }
            }
            for (present, value) in [(hasStep, target.stepScore), (hasFoil, target.foilStepScore)] where present {
                html += "<td>\(value.map { NumberFormatting.fixed($0, decimals: 3) } ?? "\u{2013}")</td>"
            }
            html += "</tr>"
        }
        return html + "</tbody></table></div>"
    }
}
