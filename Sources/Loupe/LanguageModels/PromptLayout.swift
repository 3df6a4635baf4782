import Foundation
import LoupeAttribution
import LoupePretrained

/// A prompt as the language model reads it: the text the tokenizer saw (the rendered chat
/// template with `chat`), its tokens with their spans, and where the user's own text lies in it —
/// the part an explanation attributes by default, the template and system tokens held fixed.
public struct PromptLayout: Sendable {
    /// The user's text as given.
    public var userText: String
    /// True when the prompt went through the chat template.
    public var chat: Bool
    /// The text the tokenizer read.
    public var rendered: String
    /// The user's text within ``rendered``, in Unicode scalars.
    public var userRange: Range<Int>
    public var ids: [Int]
    /// Per token: its span in ``rendered`` (Unicode scalars), nil for tokens without one.
    public var spans: [Range<Int>?]
    /// Per token: its decoded text (never a byte-level or `▁` piece; a piece of a character
    /// reads as that character).
    public var texts: [String]
    /// Per token: true for special tokens.
    public var special: [Bool]
    /// Splits runs of Chinese characters of the user's text into ``userWords`` (nil: one word
    /// per character; `generate --explain` sets the bundled lexicon's unless `--chinese-words characters`).
    public var wordBreaker: (any IdeographWordBreaker)?

    /// Lays out `text` for `loaded`: through the chat template (after an optional system
    /// message) with `chat`, else tokenised with the tokenizer's special tokens.
    /// - Throws: ``PretrainedError`` when the model has no chat template; ``AttributionError``
    ///   when the prompt has no tokens or the user's text cannot be found in the rendered prompt.
    public init(_ loaded: PretrainedModel, text: String, chat: Bool, system: String? = nil) throws {
        if chat {
            var messages: [ChatMessage] = []
            if let system { messages.append(ChatMessage(role: "system", content: system)) }
            messages.append(ChatMessage(role: "user", content: text))
            try self.init(loaded, messages: messages)
        } else {
            try self.init(loaded, userText: text, chat: false, rendered: text)
        }
    }

    /// Lays out a dialogue through the chat template (generation prompt added): the user's text
    /// is the last message, which must be the user's — the earlier turns are held fixed with the
    /// template.
    public init(_ loaded: PretrainedModel, messages: [ChatMessage]) throws {
        guard let last = messages.last, last.role == "user" else {
            throw AttributionError.invalidInput("a dialogue to explain ends with the user's message")
        }
        try self.init(loaded, userText: last.content, chat: true, rendered: try loaded.renderChat(messages))
    }

    init(_ loaded: PretrainedModel, userText text: String, chat: Bool, rendered: String) throws {
        userText = text
        self.chat = chat
        self.rendered = rendered
        let tokens = loaded.tokenizer.encode(rendered, addSpecialTokens: !chat)
        guard !tokens.isEmpty else { throw AttributionError.invalidInput("the prompt has no tokens") }
        ids = tokens.map(\.id)
        spans = tokens.map { t in
            guard let s = t.start, let e = t.end, s <= e else { return nil }
            return s..<e
        }
        special = tokens.map(\.isSpecial)
        // A byte-level piece of a character decodes to U+FFFD alone; it is labelled with the
        // character its span covers (both pieces of 我 read 我).
        let renderedScalars = Array(rendered.unicodeScalars)
        texts = tokens.map { token in
            let decoded = loaded.tokenizer.decode([token.id], skipSpecialTokens: false)
            guard decoded.unicodeScalars.contains("\u{FFFD}"), let s = token.start, let e = token.end,
                  s < e, e <= renderedScalars.count else { return decoded }
            var view = String.UnicodeScalarView()
            view.append(contentsOf: renderedScalars[s..<e])
            return String(view)
        }
        // The user's message is the last occurrence of the text in the rendered prompt (a system
        // message or the template itself may contain the same words earlier).
        let scalars = Array(rendered.unicodeScalars), needle = Array(text.unicodeScalars)
        guard let at = PromptLayout.lastOccurrence(of: needle, in: scalars) else {
            throw AttributionError.invalidInput("the user's text was not found in the rendered chat prompt")
        }
        userRange = at..<(at + needle.count)
    }

    /// Positions of the tokens that overlap the user's text.
    public var userPositions: [Int] {
        spans.indices.filter { i in
            guard let s = spans[i], !special[i] else { return false }
            return s.overlaps(userRange) || (s.isEmpty && userRange.contains(s.lowerBound))
        }
    }

    /// Features attributing only the user's text (every other position fixed), or every token.
    public func features(attributingEverything: Bool = false) -> InputFeatures {
        if attributingEverything { return .allTokens }
        let user = Set(userPositions)
        return InputFeatures(fixed: Set(ids.indices.filter { !user.contains($0) }))
    }

    /// Per token: its span clipped to the user's text, in the user's text's Unicode scalars (nil
    /// outside it) — the coordinates of ``userWords`` and ``userCharacters``.
    public var userSpans: [Range<Int>?] {
        let user = Set(userPositions)
        return spans.indices.map { i in
            guard user.contains(i), let s = spans[i] else { return nil }
            let lo = Swift.max(s.lowerBound, userRange.lowerBound) - userRange.lowerBound
            let hi = Swift.min(s.upperBound, userRange.upperBound) - userRange.lowerBound
            return lo..<Swift.max(lo, hi)
        }
    }

    /// The words of the user's text with the prompt positions of their tokens (for segment
    /// perturbations and divergences), in order.
    ///
    /// A word no token starts in (个 of 一个, one token over two ideographs) is kept too, with the
    /// tokens that overlap it, so no character of the text goes missing from the words.
    public var userWords: [TextUnit] {
        var words = WordSegmentation.words(text: userText, spans: userSpans, breaker: wordBreaker).map {
            TextUnit(text: $0.text, start: $0.start, end: $0.end, tokens: $0.tokens)
        }
        for character in userCharacters where !words.contains(where: { $0.start < character.end && character.start < $0.end }) {
            words.append(character)
        }
        return words.sorted { $0.start < $1.start }
    }

    /// The characters of the user's text, each with the prompt positions of the tokens that
    /// overlap it (the byte-level pieces of one Chinese character all map to it).
    public var userCharacters: [TextUnit] {
        let user = userPositions
        var units: [TextUnit] = []
        var offset = 0
        for character in userText {
            let length = character.unicodeScalars.count
            let range = (userRange.lowerBound + offset)..<(userRange.lowerBound + offset + length)
            let tokens = user.filter { i in spans[i].map { $0.overlaps(range) } ?? false }
            if !character.isWhitespace && !tokens.isEmpty {
                units.append(TextUnit(text: String(character), start: offset, end: offset + length, tokens: tokens))
            }
            offset += length
        }
        return units
    }

    static func lastOccurrence(of needle: [Unicode.Scalar], in haystack: [Unicode.Scalar]) -> Int? {
        guard !needle.isEmpty, needle.count <= haystack.count else { return nil }
        var i = haystack.count - needle.count
        while i >= 0 {
            if haystack[i] == needle[0] && Array(haystack[i..<(i + needle.count)]) == needle { return i }
            i -= 1
        }
        return nil
    }
}

/// A word or character of the user's text: its text, span in the user's text (Unicode scalars)
/// and the prompt positions of its tokens.
public struct TextUnit: Equatable, Sendable, Codable {
    public var text: String
    public var start: Int
    public var end: Int
    public var tokens: [Int]

    /// The unit's score from per-token scores: each token's score shared among the units it
    /// overlaps in proportion to the overlap (in Unicode scalars), so that units add up to the
    /// tokens' total. `spans` are the tokens' spans in the same coordinates as the units', and
    /// `units` are all the units of the text.
    public static func scores(_ tokenScores: [Double], units: [TextUnit], spans: [Range<Int>?]) -> [Double] {
        var result = [Double](repeating: 0, count: units.count)
        // Each token's share per unit.
        var overlaps: [Int: [(unit: Int, width: Int)]] = [:]
        for (u, unit) in units.enumerated() {
            for t in unit.tokens {
                let w: Int
                if spans.indices.contains(t), let s = spans[t] {
                    w = Swift.max(1, Swift.min(s.upperBound, unit.end) - Swift.max(s.lowerBound, unit.start))
                } else {
                    w = 1
                }
                overlaps[t, default: []].append((u, w))
            }
        }
        for (t, shares) in overlaps where tokenScores.indices.contains(t) {   // units naming no scored token add nothing
            let total = Double(shares.reduce(0) { $0 + $1.width })
            for share in shares { result[share.unit] += tokenScores[t] * Double(share.width) / total }
        }
        return result
    }
}
