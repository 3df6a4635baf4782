/// Token texts made safe and visible for labels: pictures, HTML cells and terminal tables.
public enum TokenLabel {
    /// `text` with white space made visible when the label is nothing else (`␣` per space,
    /// `⏎` per line break, `⇥` per tab), line breaks inside a label shown as `⏎`, and every
    /// other control or format character (bidi marks, zero-width characters) escaped as `\u{1B}`
    /// (see ``TerminalText``). An empty label becomes `∅`.
    public static func visible(_ text: String) -> String {
        if text.isEmpty { return "\u{2205}" }
        let whitespaceOnly = text.unicodeScalars.allSatisfy { $0.properties.isWhitespace }
        var out = ""
        var previousWasCR = false
        for s in text.unicodeScalars {
            defer { previousWasCR = s == "\r" }
            switch s {
            case "\n":
                if !previousWasCR { out += "\u{23CE}" }
            case "\r":
                out += "\u{23CE}"
            case "\t":
                out += whitespaceOnly ? "\u{21E5}" : " "
            case " ":
                out += whitespaceOnly ? "\u{2423}" : " "
            default:
                if TerminalText.isUnsafe(s) {
                    out += TerminalText.escape(s)   // controls, bidi and zero-width marks: shown, never obeyed
                } else if whitespaceOnly {
                    out += "\u{2423}"   // other spaces (no-break, ideographic …) in a blank label
                } else {
                    out.unicodeScalars.append(s)
                }
            }
        }
        return out
    }

    /// Terminal columns `text` takes: two for wide (CJK) characters, none for combining marks
    /// and zero-width characters, one otherwise.
    public static func terminalWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { sum, s in
            if TextRenderer.isInvisible(s) || s.properties.generalCategory == .nonspacingMark { return sum }
            return sum + (LineBreaking.isWide(s) ? 2 : 1)
        }
    }
}
