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

    /// The model as pictures name it (``ModelName/display(path:)``): the name its `config.json`
    /// or README gives, else its folder's.
    var displayModelName: String? { model.path.map(ModelName.display(path:)) }

    /// The picture title of an entry: prediction, method and target.
    public func summary(for entry: Entry, modelName: String? = nil) -> AttributionSummary {
        let probability = prediction.probabilities.indices.contains(prediction.index)
            ? prediction.probabilities[prediction.index] : nil
        let target = entry.target.label ?? "class \(entry.target.index)"
        let foil = entry.target.contrast.map { $0.label ?? "class \($0.index)" }
        return AttributionSummary(predictedLabel: prediction.label, probability: probability,
                                  method: AttributionMethodCatalog.title(of: entry.method)
                                      + (entry.output == AttributionOutput.probability.rawValue ? " (probability)" : ""),
                                  target: target, model: modelName ?? displayModelName, foil: foil,
                                  baseline: entry.baselineSummary)
    }

    /// The share of |F(x)| below which no score reaches full colour (``scaleFloor(for:)``).
    public static let scaleFloorFraction = 0.05

    /// Most tokens (or words) a sentence heatmap draws; a longer text is cut with a marker.
    public static let maximumShownTokens = 400
    /// Most token columns a method comparison draws.
    public static let maximumComparisonColumns = 64

    /// The explained output F(x) of an entry: its recorded `output_of_input`, else the
    /// prediction's logit, probability or log-probability of the target (minus the foil's).
    public func explainedOutput(of entry: Entry) -> Double? {
        if let fx = entry.outputOfInput { return fx }
        func value(_ i: Int) -> Double? {
            guard prediction.logits.indices.contains(i), prediction.probabilities.indices.contains(i) else { return nil }
            switch entry.output {
            case AttributionOutput.probability.rawValue: return prediction.probabilities[i]
            case AttributionOutput.logProbability.rawValue: return Foundation.log(prediction.probabilities[i])
            default: return prediction.logits[i]
            }
        }
        guard let a = value(entry.target.index) else { return nil }
        guard let foil = entry.target.contrast else { return a }
        return value(foil.index).map { a - $0 }
    }

    /// The colour-scale floor of an entry's pictures: ``scaleFloorFraction`` × |F(x)|, so scores
    /// that are noise next to the explained output stay pale (0 when F(x) is unknown).
    public func scaleFloor(for entry: Entry) -> Double {
        guard let fx = explainedOutput(of: entry), fx.isFinite else { return 0 }
        return Self.scaleFloorFraction * Swift.abs(fx)
    }

    /// The sentence heatmap of one entry (by default the first with scores): the words (sub-word
    /// tokenizers) or tokens with a span, coloured on a scale floored at ``scaleFloor(for:)``,
    /// unknown tokens outlined, and a text the model did not read to its end — or longer than
    /// ``maximumShownTokens`` — cut after the last drawn token with a `…` marker and a note saying
    /// how much was left out.
    /// - Throws: ``RenderError`` when the entry has no scores or the document has no tokens.
    public func sentenceHeatmap(entry: Entry? = nil, modelName: String? = nil) throws -> SentenceHeatmap {
        guard let chosen = entry ?? scoredEntries.first, let scores = chosen.scores else {
            throw RenderError.emptyInput("attribution scores (every method failed)")
        }
        var spans: [(start: Int, end: Int)]
        var shownScores: [Double]
        var unknown: [Bool]
        var unit = "tokens"
        if let words = input.words, let wordScores = chosen.wordScores, wordScores.count == words.count, !words.isEmpty {
            // Sub-word tokenizers: the words, each coloured by the sum of its tokens' scores.
            spans = words.map { (start: $0.start, end: $0.end) }
            shownScores = wordScores
            unknown = words.map { $0.tokens.contains { input.tokens[safe: $0]?.unknown == true } }
            unit = "words"
        } else {
            // Tokens with a span (special tokens the tokenizer added are not in the text).
            let shown = input.tokens.indices.filter { input.tokens[$0].span != nil && scores.indices.contains($0) }
            spans = shown.map { (start: input.tokens[$0].start ?? 0, end: input.tokens[$0].end ?? 0) }
            shownScores = shown.map { scores[$0] }
            unknown = shown.map { input.tokens[$0].unknown == true }
        }
        var notes: [String] = []
        if spans.count > Self.maximumShownTokens {
            let left = spans.count - Self.maximumShownTokens
            spans.removeLast(left)
            shownScores.removeLast(left)
            unknown.removeLast(left)
            notes.append("… cut after \(Self.maximumShownTokens) \(unit): \(left) more \(unit) not shown")
        }
        var text = input.text
        let scalars = Array(input.text.unicodeScalars)
        let end = min(scalars.count, spans.map(\.end).max() ?? 0)
        if end < scalars.count, Self.wordCount(scalars[end...]) > 0 {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[..<end])
            text = String(view) + " …"
            if notes.isEmpty {
                let words = Self.wordCount(scalars[end...])
                notes.append("… the model read only the first \(input.tokens.count) tokens: \(words) more "
                             + (words == 1 ? "word" : "words") + " not explained")
            }
        }
        var heatmap = try SentenceHeatmap(text: text, offsets: spans, scores: shownScores,
                                          summary: summary(for: chosen, modelName: modelName))
        heatmap.scaleFloor = scaleFloor(for: chosen)
        heatmap.unknownTokens = Set(unknown.indices.filter { unknown[$0] })
        heatmap.note = notes.isEmpty ? nil : notes.joined(separator: "  ·  ")
        return heatmap
    }

    /// Words in `scalars`: runs of letters and digits, each CJK ideograph counting as one.
    static func wordCount(_ scalars: ArraySlice<Unicode.Scalar>) -> Int {
        var count = 0
        var inWord = false
        for s in scalars {
            let p = s.properties
            if p.isIdeographic { count += 1; inWord = false }
            else if p.isAlphabetic || p.numericType != nil { if !inWord { count += 1 }; inWord = true }
            else { inWord = false }
        }
        return count
    }

    /// Row label of an entry in a comparison: the method, plus the target when several are shown.
    func rowLabel(_ entry: Entry, withTarget: Bool) -> String {
        let name = AttributionMethodCatalog.title(of: entry.method)
        return withTarget ? "\(name) → \(entry.targetName)" : name
    }

    /// Every scored entry as one row of a method × token table (all targets; the target is part of
    /// the row label when there are several).
    /// - Throws: ``RenderError`` when no entry has scores.
    /// With one target the title names it (and its contrast); values are drawn in every cell,
    /// columns past ``maximumComparisonColumns`` are left out with a note, unknown tokens' labels
    /// are marked, and every row's scale is floored at the largest ``scaleFloor(for:)``.
    public func methodComparison(title: String? = nil) throws -> MethodComparison {
        let entries = scoredEntries
        let targets = Set(entries.map(\.targetName))
        var tokens = tokenTexts
        // A row whose scores are all equal (a gradient through mean pooling) would reach full colour
        // everywhere on its own scale; its label says so.
        var rows = entries.map { entry -> (name: String, scores: [Double]) in
            let scores = entry.scores ?? []
            let top = scores.map { Swift.abs($0) }.max() ?? 0
            let equal = scores.count > 1 && top > 0 && (scores.max()! - scores.min()!) <= 1e-9 * top
            return (rowLabel(entry, withTarget: targets.count > 1) + (equal ? " (all equal)" : ""), scores)
        }
        var note: String?
        if tokens.count > Self.maximumComparisonColumns {
            let left = tokens.count - Self.maximumComparisonColumns
            tokens.removeLast(left)
            rows = rows.map { ($0.name, Array($0.scores.prefix(Self.maximumComparisonColumns))) }
            note = "… first \(Self.maximumComparisonColumns) tokens shown: \(left) more tokens left out"
        }
        var summary = AttributionSummary(title: title, predictedLabel: prediction.label,
                                         probability: prediction.probabilities[safe: prediction.index])
        summary.model = displayModelName
        if targets.count == 1, let first = entries.first {
            summary.target = first.target.label ?? "class \(first.target.index)"
            summary.foil = first.target.contrast.map { $0.label ?? "class \($0.index)" }
        }
        var comparison = try MethodComparison(tokens: tokens, methods: rows, summary: summary)
        comparison.scaleFloor = entries.map(scaleFloor(for:)).max() ?? 0
        comparison.unknownTokens = Set(tokens.indices.filter { input.tokens[safe: $0]?.unknown == true })
        comparison.note = note
        return comparison
    }

    /// The document for a terminal: a prediction line, then each entry's coloured sentence
    /// (24-bit colour on a terminal; plain `token(+score)` text otherwise or with `NO_COLOR`).
    public func terminalReport(mode: TerminalColorMode = .automatic) throws -> String {
        var lines: [String] = []
        let p = prediction.probabilities[safe: prediction.index].map { String(format: "%.3f", $0) } ?? "?"
        // Label names come from the checkpoint's config: shown, never obeyed (TerminalText).
        lines.append("predicted: \(TerminalText.escaped(prediction.label, keepingLineBreaks: false)) (p = \(p))")
        var legend: String?
        for entry in attributions {
            let label = TerminalText.escaped(rowLabel(entry, withTarget: true), keepingLineBreaks: false)
            guard entry.scores != nil else {
                lines.append("\(label): failed: \(TerminalText.escaped(entry.error ?? "no scores", keepingLineBreaks: false))")
                continue
            }
            let heatmap = try sentenceHeatmap(entry: entry)
            var line = "\(label): "
            let terminal = TerminalHeatmap(heatmap: heatmap)
            line += try terminal.render(mode: mode)
            legend = try terminal.legend(mode: mode, units: entry.output)
            if let baseline = entry.baselineSummary {
                line += "  (\(baseline))"
            } else if let delta = entry.convergenceDelta {
                line += String(format: "  (Δ = %.2g)", delta)
            }
            lines.append(line)
        }
        if let legend { lines.append(legend) }
        return lines.joined(separator: "\n")
    }

    /// A self-contained HTML report: the prediction, a heatmap picture and selectable coloured
    /// text per entry, the method comparison when there are several entries, and a score table.
    ///
    /// Colours follow `style.normalization` — a fixed ±limit (``ScoreNormalization/symmetric(_:)``)
    /// colours every picture and every text span on that scale — and with `sharedScale` every
    /// entry's picture, text and comparison row share one scale (the largest entry's own).
    public func htmlReport(title: String? = nil, style: RenderStyle = RenderStyle(scale: 2),
                           sharedScale: Bool = false) throws -> HTMLReport {
        var report = HTMLReport(title: title ?? "Why \(prediction.label)?")
        let p = prediction.probabilities[safe: prediction.index] ?? 0
        report.addParagraph("Text: \(input.text)\nPredicted: \(prediction.label) (p = \(String(format: "%.3f", p)))"
                            + "\nModel: \(model.architecture)\(model.path.map { " (\($0))" } ?? "")")
        for warning in warnings ?? [] { report.addParagraph("Warning: \(warning)") }
        var entryStyle = style
        var comparison = scoredEntries.count > 1 ? try methodComparison() : nil
        if style.normalization.isFixed {
            comparison?.normalizesEachMethod = false
            comparison?.scaleFloor = 0
        } else if sharedScale {
            // One limit for every entry: the largest of their own (floored) scales.
            var limit = 0.0
            for entry in scoredEntries {
                let heatmap = try sentenceHeatmap(entry: entry)
                limit = Swift.max(limit, try ScoreScale(scores: heatmap.scores, normalization: style.normalization)
                    .atLeast(heatmap.scaleFloor).limit)
            }
            if limit > 0 { entryStyle.normalization = .symmetric(limit) }
            comparison?.normalizesEachMethod = false
        }
        for entry in attributions {
            report.addHeading(rowLabel(entry, withTarget: true))
            if let baseline = entry.baselineSummary { report.addParagraph(baseline) }
            guard entry.scores != nil else {
                report.addParagraph("Failed: \(entry.error ?? "no scores")")
                continue
            }
            var heatmap = try sentenceHeatmap(entry: entry)
            if entryStyle.normalization.isFixed { heatmap.scaleFloor = 0 }
            try report.addImage(try heatmap.render(style: entryStyle), alt: "heatmap: \(rowLabel(entry, withTarget: true))",
                                scale: style.scale)
            try report.addTokenHeatmap(heatmap, normalization: entryStyle.normalization)
        }
        if let comparison {
            report.addHeading("Method comparison")
            try report.addImage(try comparison.render(style: style), alt: "method comparison", scale: style.scale)
        }
        if !scoredEntries.isEmpty {
            report.addHeading("Scores")
            let header = ["token"] + scoredEntries.map { rowLabel($0, withTarget: true) }
            let rows = tokenTexts.enumerated().map { i, token in
                [token] + scoredEntries.map { entry in
                    let v = entry.scores?[safe: i] ?? 0
                    return v != 0 && Swift.abs(v) < 1e-3 ? String(format: "%+.3e", v) : String(format: "%+.4f", v)
                }
            }
            report.addTable(header: header, rows: rows)
        }
        return report
    }
}

extension AttributionDocument.Entry {
    /// The target as titles spell it: `positive`, or `positive − negative` for a contrast.
    public var targetName: String {
        let name = target.label ?? "#\(target.index)"
        guard let foil = target.contrast else { return name }
        return "\(name) \u{2212} \(foil.label ?? "#\(foil.index)")"
    }

    /// "pad baseline: F(x) = 1.293, F(baseline) = 0.7973, F(x) − F(baseline) = 0.4957, Δ = -0.0035"
    /// for entries that recorded both ends of their path; nil for the others.
    public var baselineSummary: String? {
        guard let fx = outputOfInput, let fb = outputOfBaseline else { return nil }
        let name = parameters["baseline"]?.description ?? parameters["baselines"]?.description
        var text = (name.map { "\($0) baseline: " } ?? "")
            + BaselineDiagnostic(outputOfInput: fx, outputOfBaseline: fb).summary
        if let delta = convergenceDelta { text += ", Δ = " + String(format: "%.2g", delta) }
        return text
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
