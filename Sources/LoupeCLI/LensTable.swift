import Foundation
import Loupe

/// The terminal view of a lens document: lens layers as rows (the model's output on top, the
/// embeddings at the bottom), the last positions as columns headed by their input token, each
/// cell the top next token and its probability — on a viridis background by probability when
/// colour is on. With a target, a last column gives its probability and rank at the last position.
struct LensTable {
    var document: LensDocument
    var lastPositions: Int

    static let cellWidth = 14

    func render(mode: TerminalColorMode) -> String {
        let color = TerminalHeatmap.usesColor(mode)
        let positions = Array(document.positions.suffix(lastPositions))
        let tokens = document.prompt.tokens
        var lines: [String] = []
        let layerWidth = 6
        var header = Self.pad("layer", layerWidth)
        for p in positions {
            header += " " + Self.pad(Self.clip(TokenLabel.visible(tokens[p].text), Self.cellWidth), Self.cellWidth)
        }
        if let target = document.target {
            header += " " + "target " + Self.clip(TokenLabel.visible(target.text), Self.cellWidth)
        }
        lines.append(header)
        for row in document.layers.sorted(by: { $0.layer > $1.layer }) {
            var line = Self.pad(row.layer == 0 ? "emb" : String(row.layer), layerWidth)
            for p in positions {
                guard let cell = row.cells.first(where: { $0.position == p }), let top = cell.top.first else {
                    line += " " + String(repeating: " ", count: Self.cellWidth)
                    continue
                }
                let probability = String(format: "%.2f", top.probability).replacingOccurrences(of: "0.", with: ".")
                let label = Self.clip(TokenLabel.visible(top.text), Self.cellWidth - probability.count - 1)
                let text = Self.pad(label + " " + probability, Self.cellWidth)
                if color {
                    let bg = ColorMap.viridis.color(at: top.probability)
                    let fg = bg.readableTextColor
                    line += " \u{1B}[48;2;\(bg.r);\(bg.g);\(bg.b)m\u{1B}[38;2;\(fg.r);\(fg.g);\(fg.b)m" + text + "\u{1B}[0m"
                } else {
                    line += " " + text
                }
            }
            if document.target != nil, let last = positions.last,
               let reading = row.cells.first(where: { $0.position == last })?.target {
                line += " " + String(format: "p=%.3g rank %d", reading.probability, reading.rank)
            }
            lines.append(line)
        }
        if let dla = document.directLogitAttribution {
            let what = document.foil.map { "logit(\(TokenLabel.visible(document.target?.text ?? ""))) − logit(\(TokenLabel.visible($0.text)))" }
                ?? "logit(\(TokenLabel.visible(document.target?.text ?? "")))"
            lines.append("")
            lines.append("direct logit attribution to \(what) = \(String(format: "%.4g", dla.logit)) at position \(dla.position):")
            let ranked = dla.components.sorted { abs($0.contribution) > abs($1.contribution) }.prefix(8)
            for c in ranked { lines.append("  " + Self.pad(c.name, 28) + String(format: "%+.4g", c.contribution)) }
            if abs(dla.remainder) > 1e-4 * max(1, abs(dla.logit)) {
                lines.append("  " + Self.pad("(final norm bias)", 28) + String(format: "%+.4g", dla.remainder))
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Columns a terminal gives `text` (East Asian wide characters take two).
    static func displayWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + (isWide($1) ? 2 : ($1.properties.generalCategory == .nonspacingMark ? 0 : 1)) }
    }

    static func isWide(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
             0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F,
             0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    /// `text` cut to `width` columns (an ellipsis marks the cut).
    static func clip(_ text: String, _ width: Int) -> String {
        guard displayWidth(text) > width else { return text }
        var out = ""
        for ch in text {
            if displayWidth(out + String(ch)) > width - 1 { break }
            out.append(ch)
        }
        return out + "…"
    }

    /// `text` padded with spaces to `width` columns.
    static func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - displayWidth(text)))
    }
}
