import Foundation

/// An explained generation for the terminal: a line naming the target (and contrast foil),
/// method and model; the prompt's attributed text coloured by its score for that target; and
/// a compact table of step scores.
///
/// Colour is 24-bit where the terminal announces it (`COLORTERM=truecolor`), the xterm
/// 256-colour palette otherwise (``TerminalColorDepth``). Without colour (``TerminalColorMode``,
/// `NO_COLOR`, not a terminal) each token is followed by its score, e.g. `好[+0.72]`.
/// Labels in the table have white space and control characters made visible, so a token
/// never sends escape sequences of its own.
public struct TerminalGeneration: Sendable {
    /// The prompt's attributed text, its token (or character, or word) spans and their scores
    /// for one generated token; its summary names the target, foil, method and model.
    public let heatmap: SentenceHeatmap
    /// Step scores of the generated tokens, in order (no table when empty).
    public var steps: [GenerationStep]
    public var colorMap: ColorMap = .redBlue
    public var normalization: ScoreNormalization = .standard
    /// The colour depth; `nil` detects it from the environment.
    public var colorDepth: TerminalColorDepth?

    public init(heatmap: SentenceHeatmap, steps: [GenerationStep] = []) {
        self.heatmap = heatmap
        self.steps = steps
    }

    /// The view as one string (no trailing newline).
    public func render(mode: TerminalColorMode = .automatic,
                       environment: [String: String] = ProcessInfo.processInfo.environment,
                       isTerminal: Bool = isatty(STDOUT_FILENO) == 1) throws -> String {
        let depth = TerminalHeatmap.usesColor(mode, environment: environment, isTerminal: isTerminal)
            ? (colorDepth ?? TerminalColorDepth.detect(environment: environment)) : nil
        var lines = [String]()
        if let title = heatmap.summary.detailLine { lines.append(title) }
        lines.append(try attributedText(depth: depth))
        if !steps.isEmpty {
            lines.append("")
            lines.append(stepTable())
        }
        return lines.joined(separator: "\n")
    }

    /// The attributed text: coloured backgrounds at `depth`, or `text[+0.42]` annotations
    /// when `depth` is `nil`. Text between tokens is kept as it is.
    public func attributedText(depth: TerminalColorDepth?) throws -> String {
        let scale = try ScoreScale(scores: heatmap.scores, normalization: normalization)
        var out = ""
        for piece in heatmap.visiblePieces() {   // invisible tokens as ␣, \u{200B} … (as in the pictures)
            let text = piece.text
            guard let t = piece.token else {
                out += text
                continue
            }
            let score = heatmap.scores[t]
            guard let depth else {
                let body = text.trimmingTrailingWhitespace()
                out += body + "[\(NumberFormatting.compact(score, ascii: true, signed: true))]" + text.dropFirst(body.count)
                continue
            }
            let bg = colorMap.color(forScore: score, scale: scale)
            out += depth.escape(bg, foreground: false) + depth.escape(bg.readableTextColor, foreground: true) + text + "\u{1B}[0m"
        }
        return out
    }

    /// The step scores as aligned plain-text columns (CJK characters count two columns).
    public func stepTable() -> String {
        let withFoil = steps.contains { $0.foilProbability != nil }
        let rows = [GenerationStep.tableHeader(withFoil: withFoil)]
            + steps.enumerated().map { $0.element.tableRow(index: $0.offset + 1, withFoil: withFoil) }
        let count = rows[0].count
        let widths = (0..<count).map { c in rows.map { TokenLabel.terminalWidth($0[c]) }.max() ?? 0 }
        let numeric = Set([0] + Array(2..<(count - 1)))
        return rows.map { row in
            row.enumerated().map { c, cell in
                let padding = String(repeating: " ", count: widths[c] - TokenLabel.terminalWidth(cell))
                if c == count - 1 { return cell }
                return numeric.contains(c) ? padding + cell : cell + padding
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}

extension String {
    /// The string without trailing spaces, tabs and line breaks.
    func trimmingTrailingWhitespace() -> String {
        var s = Substring(self)
        while let last = s.last, last.isWhitespace { s.removeLast() }
        return String(s)
    }
}
