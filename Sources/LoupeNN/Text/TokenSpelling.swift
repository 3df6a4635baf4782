/// Spells decoded tokens as text a person reads: tokens are joined by single spaces, except that
/// no space goes between two CJK characters (Chinese is written without spaces), before closing
/// punctuation (`. , ! ? ; : ) 。 ，` …) or a contraction (`'s`, `n't`), or after an opening
/// bracket or CJK punctuation. Special tokens are spelled as they are.
public enum TokenSpelling {
    /// `tokens` as one string.
    public static func join(_ tokens: [String]) -> String {
        var text = ""
        var previous: String?
        for token in tokens {
            if let previous, needsSpace(between: previous, and: token) { text += " " }
            text += token
            previous = token
        }
        return text
    }

    static func needsSpace(between left: String, and right: String) -> Bool {
        guard let last = left.unicodeScalars.last, let first = right.unicodeScalars.first else { return false }
        if isCJK(last) && (isCJK(first) || isClosing(first)) { return false }
        if isFullWidthPunctuation(last) { return false }
        if isCJK(first) && isOpening(last) { return false }
        if isClosing(first) || isOpening(last) { return false }
        if right.hasPrefix("'") || right == "n't" { return false }
        return true
    }

    /// Han ideographs, kana, Hangul and the CJK punctuation and full-width forms.
    static func isCJK(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x3000...0x303F, 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xAC00...0xD7AF,
             0xF900...0xFAFF, 0xFF00...0xFFEF, 0x20000...0x2FA1F:
            return true
        default:
            return false
        }
    }

    /// CJK punctuation and full-width forms (`，`, `。`, `！` …): no space after them.
    static func isFullWidthPunctuation(_ s: Unicode.Scalar) -> Bool {
        (0x3000...0x303F).contains(s.value) || (0xFF00...0xFFEF).contains(s.value)
    }

    static func isClosing(_ s: Unicode.Scalar) -> Bool { ".,!?;:)]}%…。，！？；：、）》」』～~".unicodeScalars.contains(s) }
    static func isOpening(_ s: Unicode.Scalar) -> Bool { "([{$（《「『".unicodeScalars.contains(s) }
}
