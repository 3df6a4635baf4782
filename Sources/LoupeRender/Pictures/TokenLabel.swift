import Foundation

/// How a token's decoded text is shown in a picture or a terminal table: the text itself
/// (never a vocabulary string with `Ġ`, `Ċ` or `▁`), with whitespace made visible where it
/// would otherwise vanish — a token of spaces as `␣`, a line break as `⏎`, a tab as `⇥` —
/// and control characters as `\u{…}`.
public enum TokenLabel {
    /// The visible form of `decoded` (what `tokenizer.decode([id])` gave).
    public static func visible(_ decoded: String) -> String {
        if decoded.isEmpty { return "∅" }
        let whitespaceOnly = decoded.unicodeScalars.allSatisfy { $0.properties.isWhitespace }
        var out = ""
        for s in decoded.replacingOccurrences(of: "\r\n", with: "\n").unicodeScalars {
            switch s {
            case "\n", "\r": out += "⏎"
            case "\t": out += "⇥"
            case " " where whitespaceOnly: out += "␣"
            default:
                let category = s.properties.generalCategory
                if whitespaceOnly && s.properties.isWhitespace {
                    out += "␣"
                } else if category == .control || category == .format {
                    out += "\\u{\(String(s.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(s)
                }
            }
        }
        return out
    }
}
