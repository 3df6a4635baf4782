import Foundation
import LoupeAttribution
import LoupeRender

extension GenerationExplanation {
    /// A method's settings in words, for picture headers: "50 steps, zero baseline, |δ| = 0.012".
    public func settingsDescription(_ a: Attribution) -> String {
        var parts: [String] = []
        if let steps = a.parameters["steps"] { parts.append("\(steps) steps") }
        if let baseline = a.parameters["baseline"] { parts.append("\(baseline) baseline") }
        if let samples = a.parameters["samples"] { parts.append("\(samples) samples") }
        if !attribution.features.fixed.isEmpty { parts.append("template held fixed") }
        if let delta = a.convergenceDelta { parts.append("|δ| = " + String(format: "%.3g", Swift.abs(delta))) }
        return parts.joined(separator: ", ")
    }

    /// The user's text coloured by `a` per word — per character in Chinese and Japanese, whose
    /// ideographs are words of their own (``WordSegmentation``): the prompt heatmap of one answer
    /// token, naming the model, the method and the target.
    /// - Throws: ``RenderError`` when the user's text has no attributed word.
    public func textHeatmap(_ a: Attribution, model: String) throws -> SentenceHeatmap {
        let units = wordScores(a)
        guard !units.isEmpty else { throw RenderError.emptyInput("attributed words of the user's text") }
        let settings = settingsDescription(a)
        let summary = AttributionSummary(
            title: "Answer: \(answerText.trimmingCharacters(in: .whitespacesAndNewlines))",
            method: AttributionMethodCatalog.title(of: a.method) + (settings.isEmpty ? "" : " (\(settings))"),
            target: headlineTarget(a.method), model: model)
        return try SentenceHeatmap(text: layout.userText, offsets: units.map { (start: $0.unit.start, end: $0.unit.end) },
                                   scores: units.map(\.score), summary: summary)
    }
}

extension GenerationExplanation {
    /// The step scores as the renderer shows them.
    public var renderedSteps: [GenerationStep] {
        attribution.steps.map { step in
            GenerationStep(token: answerTexts[step.index], probability: step.scores.probability,
                           logProbability: step.scores.logProbability, entropy: step.scores.entropy, rank: step.scores.rank,
                           alternatives: step.scores.top.map { GenerationStep.Alternative(tokenText($0.id), probability: $0.probability) },
                           foilProbability: step.foilScores?.probability)
        }
    }

    /// inseq's matrix for `method`: columns the prompt (template tokens marked fixed) and the
    /// answer, rows the answer tokens, each cell a token's attribution to a later answer token (the
    /// contrast's at the contrasted step when `contrast`).
    /// - Throws: ``RenderError`` when no step has an attribution of `method`.
    public func matrix(_ method: AttributionMethodID, contrast: Bool = false, model: String) throws -> GenerationMatrix {
        let a = attribution
        let fixed = a.features.fixed
        let prompt = layout.ids.indices.map { i in
            GenerationMatrix.Source(layout.texts[i], role: fixed.contains(i) ? .fixed : .prompt)
        }
        let width = layout.ids.count + a.answer.count
        var rows: [[Double?]] = []
        var targets: [GenerationMatrix.Target] = []
        for step in a.steps {
            let chosen = (contrast ? step.attribution(method, contrast: true) : nil) ?? step.attribution(method)
            guard let chosen else { continue }
            var row: [Double?] = chosen.scores.map { $0 }
            for p in fixed where p < row.count { row[p] = nil }
            row += Array(repeating: nil, count: Swift.max(0, width - row.count))
            rows.append(row)
            targets.append(GenerationMatrix.Target(answerTexts[step.index], stepScore: step.scores.probability,
                                                   foilStepScore: step.foilScores?.probability))
        }
        guard !rows.isEmpty else { throw RenderError.emptyInput("answer steps attributed with \(method)") }
        let first = a.steps.compactMap { $0.attribution(method) }.first
        var summary = AttributionSummary(title: "Answer: \(answerText.trimmingCharacters(in: .whitespacesAndNewlines))",
                                         method: AttributionMethodCatalog.title(of: method)
                                             + (first.map { " (\(settingsDescription($0)))" } ?? ""),
                                         target: "\(a.output.rawValue) of each answer token", model: model)
        if contrast, let k = contrastStep, let foil = a.steps[k].foil {
            summary.target = "\(a.output.rawValue) of '\(answerTexts[k])'"
            summary.foil = "'\(tokenText(foil))' at answer token \(k + 1)"
            if a.steps.count > 1 {
                // Only that row is a contrast; the others explain their own token.
                summary.scoreCaption = "attribution (row \(k + 1): to target − foil; other rows: to their token)"
            }
        }
        if a.steps.count != rows.count {
            // Steps not attributed: their columns still exist; only attributed rows are drawn.
            summary.title = (summary.title ?? "") + " (\(rows.count) of \(a.steps.count) answer tokens attributed)"
        }
        let generated = a.steps.map { GenerationMatrix.Target(answerTexts[$0.index], stepScore: $0.scores.probability) }
        return try GenerationMatrix(sources: prompt + generated.map { GenerationMatrix.Source($0.label, role: .generated) },
                                    targets: targets, scores: rows, summary: summary)
    }

    /// The HTML page: the answer, the headline attribution of each method over the user's text,
    /// one paragraph per answer token for the first method, the matrix and the step scores.
    public func html(methods: [AttributionMethodID], model: String, pictures: [(bytes: [UInt8], alt: String)] = []) throws -> GenerationHTML {
        var page = GenerationHTML(title: "Why \(model) answered “\(answerText.trimmingCharacters(in: .whitespacesAndNewlines))”",
                                  summary: AttributionSummary(model: model))
        page.generatedText = answerText
        for method in methods {
            if let a = headline(method) {
                page.answers.append(GenerationHTML.Answer(token: "\(AttributionMethodCatalog.title(of: method)): \(headlineTarget(method))",
                                                          heatmap: try textHeatmap(a, model: model)))
            }
        }
        if let method = methods.first {
            for step in attribution.steps {
                guard let a = step.attribution(method), !wordScores(a).isEmpty else { continue }
                page.answers.append(GenerationHTML.Answer(token: "answer token \(step.index + 1) '\(answerTexts[step.index])'",
                                                          heatmap: try textHeatmap(a, model: model)))
            }
            page.matrix = try? matrix(method, contrast: contrastStep != nil, model: model)
        }
        page.steps = renderedSteps
        for picture in pictures { page.addPNG(picture.bytes, alt: picture.alt) }
        return page
    }
}
