import Foundation

/// Whether terminal output uses colour.
public enum TerminalColorMode: Hashable, Sendable {
    /// Colour when standard output is a terminal, `NO_COLOR` is unset or empty, and
    /// `TERM` is not `dumb`; plain text otherwise.
    case automatic
    /// Always 24-bit ANSI colour.
    case always
    /// Always plain text.
    case never
}

/// A sentence heatmap for the terminal: tokens on 24-bit ANSI backgrounds
/// (`ESC[48;2;r;g;bm`), or, without colour, each token followed by its score, e.g.
/// `great(+0.86)`.
public struct TerminalHeatmap: Sendable {
    /// The sentence, tokens and scores shown.
    public let heatmap: SentenceHeatmap
    public var colorMap: ColorMap = .redBlue
    public var normalization: ScoreNormalization = .standard

    /// Shows an existing heatmap's text and scores (with its ``SentenceHeatmap/scaleFloor``).
    public init(heatmap: SentenceHeatmap) {
        self.heatmap = heatmap
    }

    /// The colour scale: `normalization` of the scores, at least the heatmap's floor.
    public func scale() throws -> ScoreScale {
        try ScoreScale(scores: heatmap.scores, normalization: normalization)
            .atLeast(normalization.isFixed ? 0 : heatmap.scaleFloor)
    }

    /// One legend line: what full colour means and what the numbers are, e.g.
    /// `colour: full red at +0.8, full blue at −0.8 (…); red supports the target, blue opposes it`.
    /// - Parameter units: the scores' unit (`logit`, `probability`), named in the line.
    public func legend(mode: TerminalColorMode = .automatic, units: String? = nil,
                       environment: [String: String] = ProcessInfo.processInfo.environment,
                       isTerminal: Bool = isatty(STDOUT_FILENO) == 1) throws -> String {
        let unit = units.map { " (\($0) units)" } ?? ""
        guard Self.usesColor(mode, environment: environment, isTerminal: isTerminal) else {
            return "scores\(unit): + supports the target, − opposes it"
        }
        let s = try scale()
        let limit = NumberFormatting.compact(s.limit, ascii: true)
        let red = colorMap.color(forScore: s.limit, scale: s), blue = colorMap.color(forScore: -s.limit, scale: s)
        func swatch(_ c: RGBA, _ text: String) -> String {
            let fg = c.readableTextColor
            return "\u{1B}[48;2;\(c.r);\(c.g);\(c.b)m\u{1B}[38;2;\(fg.r);\(fg.g);\(fg.b)m\(text)\u{1B}[0m"
        }
        let floored = heatmap.scaleFloor > 0 && s.limit == heatmap.scaleFloor ? ", the floor" : ""
        return "colour scale\(unit): \(swatch(red, " +\(limit) ")) supports the target, \(swatch(blue, " -\(limit) ")) opposes it"
            + " (full colour at |score| ≥ \(limit)\(floored)); run with NO_COLOR for the numbers"
    }

    /// Shows tokens joined as ``SentenceHeatmap/init(tokens:separator:summary:)`` joins them.
    public init(tokens: [TokenScore]) throws {
        self.heatmap = try SentenceHeatmap(tokens: tokens)
    }

    /// Whether `mode` means colour in this process.
    public static func usesColor(_ mode: TerminalColorMode,
                                 environment: [String: String] = ProcessInfo.processInfo.environment,
                                 isTerminal: Bool = isatty(STDOUT_FILENO) == 1) -> Bool {
        switch mode {
        case .always: return true
        case .never: return false
        case .automatic:
            if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
            if environment["TERM"] == "dumb" { return false }
            return isTerminal
        }
    }

    /// The heatmap as one string (no trailing newline).
    public func render(mode: TerminalColorMode = .automatic,
                       environment: [String: String] = ProcessInfo.processInfo.environment,
                       isTerminal: Bool = isatty(STDOUT_FILENO) == 1) throws -> String {
        let scale = try scale()
        if !Self.usesColor(mode, environment: environment, isTerminal: isTerminal) {
            return plainText()
        }
        var out = ""
        for piece in heatmap.visiblePieces() {
            // The text is untrusted: its escape sequences, bidi and zero-width marks are shown, not
            // obeyed, and a token that is only white space is seen (␣), as in the PNG and HTML.
            let text = piece.text
            guard let t = piece.token else {
                out += text
                continue
            }
            let bg = colorMap.color(forScore: heatmap.scores[t], scale: scale)
            let fg = bg.readableTextColor
            out += "\u{1B}[48;2;\(bg.r);\(bg.g);\(bg.b)m\u{1B}[38;2;\(fg.r);\(fg.g);\(fg.b)m"
                + text + "\u{1B}[0m"
        }
        return out
    }

    /// Tokens with their raw scores, separated by spaces: `I(+0.04) had(+0.1) …`.
    public func plainText() -> String {
        var parts = [String]()
        // Shown first, so that an invisible token (U+200B, a lone space …) reads \u{200B} or ␣ rather than vanishing.
        let shown = heatmap.withVisibleText()
        let scalars = Array(shown.text.unicodeScalars)
        for (t, span) in shown.spans.enumerated() where !span.isEmpty {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[span])
            let text = String(view).trimmingCharacters(in: .whitespacesAndNewlines)
            parts.append("\(text)(\(NumberFormatting.compact(heatmap.scores[t], ascii: true, signed: true)))")
        }
        return parts.joined(separator: " ")
    }
}
