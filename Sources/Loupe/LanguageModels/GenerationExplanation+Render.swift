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
