/// Untrusted text (input lines, token strings, label names from a config) made safe for a
/// terminal: nothing in it can move the cursor, recolour, retitle the window, reorder the line
/// (bidirectional overrides, "Trojan Source") or hide characters.
///
/// Escaped as `\u{1B}` (upper-case hex): every control character (C0 such as ESC and BEL, DEL,
/// and C1 such as CSI U+009B) but the line break and tab that ``escaped(_:keepingLineBreaks:)``
/// may keep; every format character (Unicode category Cf: bidirectional embeddings, overrides
/// and isolates U+202A–U+202E and U+2066–U+2069, the marks U+200E/U+200F/U+061C, zero-width space,
/// (non-)joiners and word joiner U+200B–U+200D/U+2060, the byte-order mark U+FEFF, soft hyphen,
/// tag characters); and the line and paragraph separators U+2028/U+2029.
public enum TerminalText {
    /// Whether `scalar` is escaped in terminal text.
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: return true
        default: return false
        }
    }

    /// `\u{1B}` for U+001B.
    public static func escape(_ scalar: Unicode.Scalar) -> String {
        "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
    }

    /// `text` with every unsafe character escaped; line breaks (`\n`) and tabs are kept when
    /// `keepingLineBreaks` (multi-line reports), else escaped too (one-line messages).
    public static func escaped(_ text: String, keepingLineBreaks: Bool = true) -> String {
        guard text.unicodeScalars.contains(where: { isUnsafe($0) && !(keepingLineBreaks && ($0 == "\n" || $0 == "\t")) })
        else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isUnsafe(scalar) && !(keepingLineBreaks && (scalar == "\n" || scalar == "\t")) {
                out.append(contentsOf: escape(scalar).unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// JSON with every unsafe character but `\n`, `\t` and `\r` written as a `\uXXXX`
    /// escape: the same JSON value (raw control characters cannot occur in valid JSON, and format
    /// characters, C1 controls and U+2028/U+2029 occur only inside strings, where the escape means
    /// the same), safe to print.
    public static func jsonEscaped(_ json: String) -> String {
        func keeps(_ scalar: Unicode.Scalar) -> Bool { !isUnsafe(scalar) || scalar == "\n" || scalar == "\t" || scalar == "\r" }
        guard !json.unicodeScalars.allSatisfy(keeps) else { return json }
        var out = String.UnicodeScalarView()
        for scalar in json.unicodeScalars {
            if keeps(scalar) {
                out.append(scalar)
                continue
            }
            for unit in String(scalar).utf16 {
                let hex = String(unit, radix: 16)
                out.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).unicodeScalars)
            }
        }
        return String(out)
    }

    /// Text from Loupe's own colouring (``TerminalHeatmap``, tables) with its colour sequences
    /// (SGR: `ESC [ digits and semicolons m`) kept and everything else unsafe escaped: a defence
    /// in depth for the untrusted parts, which the renderers escape already.
    public static func escapedKeepingColour(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        guard scalars.contains(where: { isUnsafe($0) && $0 != "\n" && $0 != "\t" }) else { return text }
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            let scalar = scalars[i]
            if scalar == "\u{1B}", i + 1 < scalars.count, scalars[i + 1] == "[" {
                var j = i + 2
                while j < scalars.count, scalars[j] == ";" || ("0"..."9").contains(scalars[j]) { j += 1 }
                if j < scalars.count, scalars[j] == "m" {
                    out.append(contentsOf: scalars[i...j])
                    i = j + 1
                    continue
                }
            }
            if isUnsafe(scalar) && scalar != "\n" && scalar != "\t" {
                out.append(contentsOf: escape(scalar).unicodeScalars)
            } else {
                out.append(scalar)
            }
            i += 1
        }
        return String(out)
    }
}
