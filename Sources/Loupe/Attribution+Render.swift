import Foundation
import LoupeAttribution
import LoupeRender

/// Pictures and reports of a `loupe.attribution.v1` document: the original text (not the
/// normalized tokens) with each token's span coloured by its score.
extension AttributionDocument {
    /// The entries that carry scores (failed methods left out).
    public var scoredEntries: [Entry] { attributions.filter { $0.scores != nil } }

    /// The original text of each token (its span of `input.text`).
    public var tokenTexts: [String] {
        let scalars = Array(input.text.unicodeScalars)
        return input.tokens.map { token in
            guard let span = token.span else { return token.text }
            let start = max(0, min(span.lowerBound, scalars.count)), end = max(start, min(span.upperBound, scalars.count))
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[start..<end])
            let text = String(view)
            return text.isEmpty ? token.text : text
        }
    }

    /// The model as pictures name it: its folder's name, or "bundled default model".
    var displayModelName: String? {
        guard let path = model.path else { return nil }
        if let bundled = DefaultModel.directory?.standardizedFileURL.path,
           URL(fileURLWithPath: path).standardizedFileURL.path == bundled {
            return "bundled default model"
        }
        return (path as NSString).lastPathComponent
    }

    /// The picture title of an entry: prediction, method and target.
    public func summary(for entry: Entry, modelName: String? = nil) -> AttributionSummary {
        let probability = prediction.probabilities.indices.contains(prediction.index)
            ? prediction.probabilities[prediction.index] : nil
        let target = entry.target.label ?? "class \(entry.target.index)"
        return AttributionSummary(predictedLabel: prediction.label, probability: probability,
                                  method: AttributionMethodCatalog.title(of: entry.method)
                                      + (entry.output == AttributionOutput.probability.rawValue ? " (probability)" : ""),
                                  target: target, model: modelName ?? displayModelName)
    }

    /// The sentence heatmap of one entry (by default the first with scores).
    /// - Throws: ``RenderError`` when the entry has no scores or the document has no tokens.
    public func sentenceHeatmap(entry: Entry? = nil, modelName: String? = nil) throws -> SentenceHeatmap {
        guard let chosen = entry ?? scoredEntries.first, let scores = chosen.scores else {
            throw RenderError.emptyInput("attribution scores (every method failed)")
        }
        // Sub-word tokenizers: the words, each coloured by the sum of its tokens' scores.
        if let words = input.words, let wordScores = chosen.wordScores, wordScores.count == words.count, !words.isEmpty {
            return try SentenceHeatmap(text: input.text, offsets: words.map { (start: $0.start, end: $0.end) },
                                       scores: wordScores, summary: summary(for: chosen, modelName: modelName))
        }
        // Tokens with a span (special tokens the tokenizer added are not in the text).
        let shown = input.tokens.indices.filter { input.tokens[$0].span != nil && scores.indices.contains($0) }
        return try SentenceHeatmap(text: input.text,
                                   offsets: shown.map { (start: input.tokens[$0].start ?? 0, end: input.tokens[$0].end ?? 0) },
                                   scores: shown.map { scores[$0] }, summary: summary(for: chosen, modelName: modelName))
    }

    /// Row label of an entry in a comparison: the method, plus the target when several are shown.
    func rowLabel(_ entry: Entry, withTarget: Bool) -> String {
        let name = AttributionMethodCatalog.title(of: entry.method)
        return withTarget ? "\(name) → \(entry.target.label ?? "#\(entry.target.index)")" : name
    }

    /// Every scored entry as one row of a method × token table (all targets; the target is part of
    /// the row label when there are several).
    /// - Throws: ``RenderError`` when no entry has scores.
    public func methodComparison(title: String? = nil) throws -> MethodComparison {
        let entries = scoredEntries
        let targets = Set(entries.map(\.target.index))
        let rows = entries.map { (name: rowLabel($0, withTarget: targets.count > 1), scores: $0.scores ?? []) }
        var summary = AttributionSummary(title: title, predictedLabel: prediction.label,
                                         probability: prediction.probabilities[safe: prediction.index])
        summary.model = displayModelName
        return try MethodComparison(tokens: tokenTexts, methods: rows, summary: summary)
    }

    /// The document for a terminal: a prediction line, then each entry's coloured sentence
    /// (24-bit colour on a terminal; plain `token(+score)` text otherwise or with `NO_COLOR`).
    public func terminalReport(mode: TerminalColorMode = .automatic) throws -> String {
        var lines: [String] = []
        let p = prediction.probabilities[safe: prediction.index].map { String(format: "%.3f", $0) } ?? "?"
        // Label names come from the checkpoint's config: shown, never obeyed (TerminalText).
        lines.append("predicted: \(TerminalText.escaped(prediction.label, keepingLineBreaks: false)) (p = \(p))")
        for entry in attributions {
            let label = TerminalText.escaped(rowLabel(entry, withTarget: true), keepingLineBreaks: false)
            guard entry.scores != nil else {
                lines.append("\(label): failed: \(TerminalText.escaped(entry.error ?? "no scores", keepingLineBreaks: false))")
                continue
            }
            let heatmap = try sentenceHeatmap(entry: entry)
            var line = "\(label): "
            line += try TerminalHeatmap(heatmap: heatmap).render(mode: mode)
            if let delta = entry.convergenceDelta { line += String(format: "  (Δ = %.2g)", delta) }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    /// A self-contained HTML report: the prediction, a heatmap picture and selectable coloured
    /// text per entry, the method comparison when there are several entries, and a score table.
    public func htmlReport(title: String? = nil, style: RenderStyle = RenderStyle(scale: 2)) throws -> HTMLReport {
        var report = HTMLReport(title: title ?? "Why \(prediction.label)?")
        let p = prediction.probabilities[safe: prediction.index] ?? 0
        report.addParagraph("Text: \(input.text)\nPredicted: \(prediction.label) (p = \(String(format: "%.3f", p)))"
                            + "\nModel: \(model.architecture)\(model.path.map { " (\($0))" } ?? "")")
        for warning in warnings ?? [] { report.addParagraph("Warning: \(warning)") }
        for entry in attributions {
            report.addHeading(rowLabel(entry, withTarget: true))
            guard entry.scores != nil else {
                report.addParagraph("Failed: \(entry.error ?? "no scores")")
                continue
            }
            let heatmap = try sentenceHeatmap(entry: entry)
            try report.addImage(try heatmap.render(style: style), alt: "heatmap: \(rowLabel(entry, withTarget: true))",
                                scale: style.scale)
            try report.addTokenHeatmap(heatmap)
        }
        if scoredEntries.count > 1 {
            report.addHeading("Method comparison")
            try report.addImage(try methodComparison().render(style: style), alt: "method comparison", scale: style.scale)
        }
        if !scoredEntries.isEmpty {
            report.addHeading("Scores")
            let header = ["token"] + scoredEntries.map { rowLabel($0, withTarget: true) }
            let rows = tokenTexts.enumerated().map { i, token in
                [token] + scoredEntries.map { String(format: "%+.4f", $0.scores?[safe: i] ?? 0) }
            }
            report.addTable(header: header, rows: rows)
        }
        return report
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
