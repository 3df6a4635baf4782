import Foundation
import LoupeRender

extension LensDocument {
    /// The headline pictures share: the model and the method.
    var pictureTitle: String {
        "logit lens · \(URL(fileURLWithPath: model.path).lastPathComponent) (\(model.architecture))"
    }

    /// The detail line: the target (and foil) and the prompt.
    var pictureDetail: String {
        var parts: [String] = []
        if let target {
            var t = "target “\(TokenLabel.visible(target.text))”"
            if let foil { t += " vs foil “\(TokenLabel.visible(foil.text))”" }
            parts.append(t)
        }
        parts.append("prompt: \(prompt.text)\(prompt.chat ? " (chat template)" : "")")
        return parts.joined(separator: " · ")
    }

    /// The logit-lens grid: lens layers bottom (embeddings) to top (the model's output) × the
    /// positions read, each cell the top token coloured by its probability.
    public func logitLensGrid() throws -> LogitLensGrid {
        let rows = layers.sorted { $0.layer < $1.layer }
        let labels = rows.map { $0.layer == 0 ? "emb" : String($0.layer) }
        let cells = rows.map { row in
            row.cells.map { cell in
                LogitLensGrid.Cell(text: cell.top.first?.text ?? "", probability: min(1, max(0, cell.top.first?.probability ?? 0)))
            }
        }
        return try LogitLensGrid(layerLabels: labels, positionLabels: positions.map { prompt.tokens[$0].text }, cells: cells,
                                 title: pictureTitle, detail: pictureDetail)
    }

    /// The attention-heads grid of the first summarised layer, if any.
    public func attentionHeadsGrid() throws -> AttentionHeadsGrid? {
        guard let layer = attention?.first else { return nil }
        let heads = layer.heads.map {
            AttentionHeadsGrid.Head(index: $0.head, pattern: $0.pattern, entropy: $0.entropy,
                                    previousTokenScore: $0.previousTokenScore)
        }
        return try AttentionHeadsGrid(heads: heads, tokens: prompt.tokens.map(\.text),
                                      title: "attention heads of block \(layer.layer) · "
                                          + URL(fileURLWithPath: model.path).lastPathComponent,
                                      detail: "rows: query positions, columns: key positions; H = mean entropy (nats), "
                                          + "prev = mean weight on the previous token · prompt: \(prompt.text)")
    }

    /// An HTML page: the pictures given, the direct logit attribution table, the prompt's tokens.
    public func htmlReport(lensPNG: [UInt8]?, headsPNG: [UInt8]?) -> String {
        var report = HTMLReport(title: pictureTitle)
        report.addParagraph(pictureDetail)
        if let lensPNG { report.addPNG(lensPNG, alt: "logit lens grid", caption: "Logit lens: top next token per layer and position") }
        if let dla = directLogitAttribution {
            report.addHeading("Direct logit attribution (position \(dla.position), total \(String(format: "%.4g", dla.logit)))")
            var rows = dla.components.map { [$0.name, $0.kind, String(format: "%+.5g", $0.contribution)] }
            rows.append(["final norm bias (left out)", "-", String(format: "%+.5g", dla.remainder)])
            report.addTable(header: ["component", "kind", "contribution"], rows: rows)
        }
        if let headsPNG { report.addPNG(headsPNG, alt: "attention heads", caption: "Attention heads") }
        report.addHeading("Prompt tokens")
        report.addTable(header: ["position", "id", "text"],
                        rows: prompt.tokens.enumerated().map { [String($0), String($1.id), TokenLabel.visible($1.text)] })
        return report.html()
    }
}
