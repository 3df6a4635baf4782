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
        let labelWidth = min(16, max(5, labels.map(Self.displayWidth).max() ?? 5))
        func pad(_ s: String, _ n: Int, left: Bool = false) -> String {
            var clipped = s
            if Self.displayWidth(s) > n {
                clipped = ""
                for c in s where Self.displayWidth(clipped + String(c)) <= n - 1 { clipped.append(c) }
                clipped += "…"
            }
            let fill = String(repeating: " ", count: max(0, n - Self.displayWidth(clipped)))
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

    /// Terminal columns of `text`: East Asian wide characters (CJK, Hangul, full-width forms) take two.
    static func displayWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { width, scalar in
            switch scalar.value {
            case 0x0300...0x036F, 0x200B...0x200F: return width
            case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
                 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
                return width + 2
            default: return width + 1
            }
        }
    }

    var headline: String {
        let foil = document.foil.map { " vs \"\($0.text)\"" } ?? ""
        return String(format: "%@: target \"%@\"%@, M_clean = %.4g, M_corrupt = %.4g", document.metric, document.target.text,
                      foil, document.cleanMetric, document.corruptMetric)
    }
}
