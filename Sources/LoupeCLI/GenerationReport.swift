import Foundation
import Loupe

/// What `loupe generate --explain` prints: the answer, the headline attribution of each method
/// over the user's text (coloured per character on a terminal), and the step scores.
struct GenerationReport {
    let explanation: GenerationExplanation
    let model: String
    let methods: [AttributionMethodID]

    static func textHeatmap(_ e: GenerationExplanation, _ a: Attribution, model: String) throws -> SentenceHeatmap {
        try e.textHeatmap(a, model: model)
    }

    func print(to console: Console) {
        let e = explanation
        console.result("answer: \(e.answerText.trimmingCharacters(in: .whitespacesAndNewlines))")
        for method in methods {
            guard let a = e.headline(method) else { continue }
            let settings = e.settingsDescription(a)
            console.result("\(AttributionMethodCatalog.title(of: method)) — \(e.headlineTarget(method))"
                           + (settings.isEmpty ? "" : " [\(settings)]"))
            if let heatmap = try? e.textHeatmap(a, model: model),
               let line = try? TerminalHeatmap(heatmap: heatmap).render(mode: console.colorMode) {
                console.coloured("  " + line)
            }
            let words = e.wordScores(a).sorted { Swift.abs($0.score) > Swift.abs($1.score) }.prefix(6)
            console.result("  strongest: " + words.map { "\($0.unit.text) \(String(format: "%+.3f", $0.score))" }
                .joined(separator: "  "))
        }
        // The step scores (the table needs a heatmap to hang on: the first method's headline).
        if let a = methods.lazy.compactMap({ e.headline($0) }).first, let heatmap = try? e.textHeatmap(a, model: model) {
            console.result(TerminalGeneration(heatmap: heatmap, steps: e.renderedSteps).stepTable(), essential: false)
        }
        console.detail(String(format: "explained in %.2f s", e.attribution.seconds))
    }
}
