import Foundation
import Loupe

/// The terminal view of a patching run: the residual stream's recoveries, one row per token of
/// the clean prompt and one column per layer, each cell on the colour of its recovery (red = 1,
/// grey = 0, blue = −1, clamped) or, without colour, as plain numbers.
struct PatchTable {
    let document: PatchingDocument
    let labels: [String]

    func render(color: Bool) -> String {
        guard let grid = document.grid("resid") ?? document.grids.first else { return headline }
        let width = 7
        let labelWidth = min(16, max(5, labels.map(\.count).max() ?? 5))
        func pad(_ s: String, _ n: Int, left: Bool = false) -> String {
            let clipped = s.count > n ? String(s.prefix(n - 1)) + "…" : s
            let fill = String(repeating: " ", count: n - clipped.count)
            return left ? fill + clipped : clipped + fill
        }
        var lines = [headline, "\(grid.site) (\(grid.hook)) recovery; layers across, tokens down"]
        lines.append(pad("", labelWidth + 5) + (0..<grid.layers).map { pad("L\($0)", width, left: true) }.joined())
        for p in 0..<grid.positions {
            var line = pad(String(p), 4, left: true) + " " + pad(p < labels.count ? labels[p] : "", labelWidth)
            for l in 0..<grid.layers {
                let r = grid.recoveries[l][p]
                let text = pad(String(format: "%.2f", r), width, left: true)
                if color {
                    let bg = ColorMap.redBlue.color(at: r.isFinite ? max(-1, min(1, r)) : 0)
                    let fg = bg.readableTextColor
                    line += "\u{1B}[48;2;\(bg.r);\(bg.g);\(bg.b)m\u{1B}[38;2;\(fg.r);\(fg.g);\(fg.b)m" + text + "\u{1B}[0m"
                } else {
                    line += text
                }
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    var headline: String {
        let foil = document.foil.map { " vs \"\($0.text)\"" } ?? ""
        return String(format: "%@: target \"%@\"%@, M_clean = %.4g, M_corrupt = %.4g", document.metric, document.target.text,
                      foil, document.cleanMetric, document.corruptMetric)
    }
}
