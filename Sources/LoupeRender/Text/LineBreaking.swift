/// Line-break opportunities and greedy line filling for Latin and CJK text.
///
/// The rules are a small subset of UAX #14: break after spaces; break between CJK
/// characters (no spaces needed); never break before closing punctuation such as `。，）`
/// or after opening punctuation such as `（「`; a line that still does not fit is broken
/// between any two characters.
enum LineBreaking {
    /// What a layout item is for line filling.
    enum Kind {
        case visible
        case space
        case newline
    }

    /// Characters from wide (CJK) scripts, which may be broken between.
    static func isWide(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    /// Breakable white space (not the no-break space).
    static func isSpace(_ s: Unicode.Scalar) -> Bool {
        s == " " || s == "\t" || s == "\u{3000}" || (0x2000...0x200A).contains(s.value)
    }

    static func isNewline(_ s: Unicode.Scalar) -> Bool {
        s == "\n" || s == "\r" || s == "\u{2028}" || s == "\u{2029}"
    }

    static func kind(of s: Unicode.Scalar) -> Kind {
        isNewline(s) ? .newline : (isSpace(s) ? .space : .visible)
    }

    private static let noBreakBefore: Set<Unicode.Scalar> = Set(
        ("。，、；：！？）」』】》〉〕］｝”’…‥・ー々" + "ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮ" + ".,;:!?)]}%").unicodeScalars)
    private static let noBreakAfter: Set<Unicode.Scalar> = Set("（「『【《〈〔［｛“‘([{".unicodeScalars)

    /// Whether a line may break between `a` and `b`.
    static func canBreak(after a: Unicode.Scalar, before b: Unicode.Scalar) -> Bool {
        if isSpace(b) || noBreakBefore.contains(b) || noBreakAfter.contains(a) { return false }
        if isSpace(a) || isNewline(a) { return true }
        if isWide(a) || isWide(b) { return true }
        if a == "-" || a == "/" || a == "\u{2014}" { return b.properties.isAlphabetic }
        return false
    }

    /// Greedy line filling.
    ///
    /// - Parameters:
    ///   - widths: advance of each item.
    ///   - kinds: visible / space / newline per item. Spaces may hang past `maxWidth`; newline
    ///     items end a line and belong to no line.
    ///   - breakBefore: whether a line may start at each item (index 0 is ignored).
    /// - Returns: item ranges, one per line, trailing spaces excluded.
    static func lines(widths: [Double], kinds: [Kind], breakBefore: [Bool], maxWidth: Double) -> [Range<Int>] {
        let n = widths.count
        var lines = [Range<Int>]()
        var start = 0, i = 0
        var width = 0.0
        var lastBreak: Int?

        func trimmed(_ r: Range<Int>) -> Range<Int> {
            var end = r.upperBound
            while end > r.lowerBound && kinds[end - 1] != .visible { end -= 1 }
            return r.lowerBound..<end
        }
        func hasVisible(_ r: Range<Int>) -> Bool {
            r.contains { kinds[$0] == .visible }
        }

        while i < n {
            switch kinds[i] {
            case .newline:
                lines.append(trimmed(start..<i))
                start = i + 1; width = 0; lastBreak = nil
                i += 1
                continue
            case .space:
                width += widths[i]
                i += 1
                continue
            case .visible:
                break
            }
            if i > start && breakBefore[i] { lastBreak = i }
            if width + widths[i] > maxWidth && hasVisible(start..<i) {
                let cut = (lastBreak.map { $0 > start ? $0 : i }) ?? i
                lines.append(trimmed(start..<cut))
                start = cut
                while start < i && kinds[start] == .space { start += 1 }
                width = widths[start..<i].reduce(0, +)
                lastBreak = nil
                for j in start..<i where j > start && breakBefore[j] { lastBreak = j }
                continue   // re-examine item i on the new line
            }
            width += widths[i]
            i += 1
        }
        if start < n || lines.isEmpty || kinds.last == .newline {
            lines.append(trimmed(start..<n))
        }
        return lines
    }
}
