import Foundation

/// A token of an input text: its normalized form and where it came from.
///
/// `start` and `end` are offsets into the *original* text counted in Unicode scalars (code points,
/// as Python's `str` indexes), `end` exclusive, so a renderer or JSON consumer can show the text
/// the user typed rather than the normalized token.
public struct Token: Equatable, Hashable, Codable, Sendable {
    public var text: String
    public var start: Int
    public var end: Int
    public init(text: String, start: Int, end: Int) {
        self.text = text
        self.start = start
        self.end = end
    }
}

/// Unicode-aware word tokenizer for English, Chinese and mixed text.
///
/// Rules, applied per grapheme cluster of the original text:
/// 1. Each character is normalized with NFKC (compatibility forms such as full-width letters and
///    ligatures fold to their plain forms) and, when `lowercases` is set, lowercased.
/// 2. White space separates tokens and is dropped.
/// 3. Letters, digits and combining marks of non-CJK scripts join into words; an apostrophe between
///    word characters stays inside the word (`don't`), and one that starts a contraction after a
///    word boundary stays with what follows (`n't`).
/// 4. Every CJK ideograph (Han, plus kana and Hangul syllables) is a token by itself.
/// 5. Punctuation, emoji and every other symbol are tokens by themselves (one per grapheme).
public struct Tokenizer: Sendable, Equatable {
    /// Lowercase after normalization (default true).
    public var lowercases: Bool

    public init(lowercases: Bool = true) { self.lowercases = lowercases }

    enum Kind { case space, word, apostrophe, ideograph, symbol }

    /// Splits `text` into tokens with their spans in the original text.
    public func tokenize(_ text: String) -> [Token] {
        var tokens: [Token] = []
        var current = ""
        var currentStart = 0
        var currentEnd = 0
        var offset = 0

        func flush() {
            if !current.isEmpty { tokens.append(Token(text: current, start: currentStart, end: currentEnd)) }
            current = ""
        }

        let characters = Array(text)
        for (index, character) in characters.enumerated() {
            let width = character.unicodeScalars.count
            defer { offset += width }
            var normalized = String(character).precomposedStringWithCompatibilityMapping
            if lowercases { normalized = normalized.lowercased() }
            switch Self.kind(of: normalized) {
            case .space:
                flush()
            case .word:
                if current.isEmpty { currentStart = offset }
                current += normalized
                currentEnd = offset + width
            case .apostrophe:
                let nextIsWord = index + 1 < characters.count && Self.kind(of: String(characters[index + 1])) == .word
                if nextIsWord {
                    if current.isEmpty { currentStart = offset }
                    current += "'"
                    currentEnd = offset + width
                } else {
                    flush()
                    tokens.append(Token(text: normalized, start: offset, end: offset + width))
                }
            case .ideograph, .symbol:
                flush()
                tokens.append(Token(text: normalized, start: offset, end: offset + width))
            }
        }
        flush()
        return tokens
    }

    static func kind(of normalized: String) -> Kind {
        guard let first = normalized.unicodeScalars.first else { return .space }
        if normalized.unicodeScalars.allSatisfy({ $0.properties.isWhitespace }) { return .space }
        if normalized == "'" || normalized == "\u{2019}" { return .apostrophe }
        if isIdeograph(first) { return .ideograph }
        let p = first.properties
        if p.isAlphabetic || p.numericType != nil || p.generalCategory == .nonspacingMark
            || p.generalCategory == .spacingMark || p.generalCategory == .decimalNumber { return .word }
        return .symbol
    }

    /// CJK ideographs and syllabic scripts written without spaces.
    public static func isIdeograph(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2EBEF, 0x30000...0x3134F,
             0xF900...0xFAFF, 0x2F800...0x2FA1F,   // Han
             0x3040...0x309F, 0x30A0...0x30FF,      // Hiragana, Katakana
             0xAC00...0xD7AF:                        // Hangul syllables
            return true
        default:
            return false
        }
    }
}
