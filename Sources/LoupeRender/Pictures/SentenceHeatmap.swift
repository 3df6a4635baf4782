import Foundation

/// A sentence drawn as wrapped text with each token on a background coloured by its score,
/// under a title (prediction, method, target) and above a colour bar.
///
/// Tokens are given either as `(text, score)` pairs or as spans of the original text, so the
/// text between tokens (spaces, punctuation the tokenizer dropped) is shown as it was.
/// Chinese, Japanese and Korean text wraps between characters and needs no spaces.
///
/// ```swift
/// let map = try SentenceHeatmap(tokens: [TokenScore("I", 0.02), TokenScore("had", 0.05),
///                                        TokenScore("a", 0.01), TokenScore("great", 0.81)],
///                               summary: AttributionSummary(predictedLabel: "positive",
///                                                           probability: 0.97,
///                                                           method: "Integrated Gradients"))
/// try map.writePNG(to: URL(fileURLWithPath: "heatmap.png"))
/// ```
public struct SentenceHeatmap: Sendable {
    /// The text shown.
    public let text: String
    /// Each token's span `[start, end)` in Unicode scalars of ``text`` (Python `str` indices,
    /// as in Hugging Face `offset_mapping`). Empty spans (special tokens) are not drawn.
    public let spans: [Range<Int>]
    /// One score per span.
    public let scores: [Double]
    /// Title information.
    public var summary: AttributionSummary
    /// The smallest |score| drawn at full colour (see ``RenderStyle/scaleFloor``; the larger of
    /// the two applies).
    public var scaleFloor: Double = 0
    /// Indices of tokens read as the unknown token: outlined, and named in the note.
    public var unknownTokens: Set<Int> = []
    /// A line under the text in the secondary colour, e.g. that the text was cut and how much
    /// was left out.
    public var note: String?

    /// The PNG text chunks: the summary's, plus `note` and `unknown_tokens` when set.
    public var pngText: [PNGTextChunk] {
        var out = summary.pngText
        if let note = fullNote { out.append(PNGTextChunk(key: "note", value: note)) }
        if !unknownTokens.isEmpty { out.append(PNGTextChunk(key: "unknown_tokens", value: String(unknownTokens.count))) }
        return out
    }

    /// ``note`` plus what the outline means, when there are unknown tokens.
    var fullNote: String? {
        let unknown = unknownTokens.isEmpty ? nil
            : "outlined: \(unknownTokens.count == 1 ? "1 token" : "\(unknownTokens.count) tokens") read as [UNK]"
        let parts = [note, unknown].compactMap { $0 }.filter { !$0.isEmpty }
        return parts.isEmpty ? nil : parts.joined(separator: "  ·  ")
    }

    /// Creates a heatmap from the original text, token spans and scores.
    ///
    /// Where spans overlap, each character belongs to the first token that covers it.
    /// - Throws: ``RenderError`` when `scores` is empty, counts differ, a score is NaN or
    ///   infinite, the text is empty, or a span lies outside the text.
    public init(text: String, spans: [Range<Int>], scores: [Double],
                summary: AttributionSummary = AttributionSummary()) throws {
        guard !scores.isEmpty else { throw RenderError.emptyInput("token scores") }
        guard spans.count == scores.count else {
            throw RenderError.countMismatch(what: "spans and scores", expected: spans.count, actual: scores.count)
        }
        guard !text.isEmpty else { throw RenderError.emptyInput("text") }
        try RenderError.checkFinite(scores, what: "scores")
        let length = text.unicodeScalars.count
        for (i, span) in spans.enumerated() where span.lowerBound < 0 || span.upperBound > length {
            throw RenderError.invalidSpan(index: i, start: span.lowerBound, end: span.upperBound, textLength: length)
        }
        self.text = text
        self.spans = spans
        self.scores = scores
        self.summary = summary
    }

    /// Creates a heatmap from `(start, end)` offset pairs, validating that `start <= end`.
    public init(text: String, offsets: [(start: Int, end: Int)], scores: [Double],
                summary: AttributionSummary = AttributionSummary()) throws {
        var spans = [Range<Int>]()
        for (i, o) in offsets.enumerated() {
            guard o.start <= o.end else {
                throw RenderError.invalidSpan(index: i, start: o.start, end: o.end, textLength: text.unicodeScalars.count)
            }
            spans.append(o.start..<o.end)
        }
        try self.init(text: text, spans: spans, scores: scores, summary: summary)
    }

    /// Creates a heatmap from tokens, joined into a text.
    ///
    /// - Parameter separator: what goes between tokens. `nil` (the default) puts a space
    ///   between tokens, except next to CJK characters, before closing punctuation, and
    ///   where a token already starts or ends with white space.
    public init(tokens: [TokenScore], separator: String? = nil,
                summary: AttributionSummary = AttributionSummary()) throws {
        guard !tokens.isEmpty else { throw RenderError.emptyInput("tokens") }
        var text = ""
        var length = 0
        var spans = [Range<Int>]()
        for (i, token) in tokens.enumerated() {
            if i > 0 {
                let gap = separator ?? SentenceHeatmap.automaticSeparator(tokens[i - 1].text, token.text)
                text += gap
                length += gap.unicodeScalars.count
            }
            let n = token.text.unicodeScalars.count
            spans.append(length..<(length + n))
            text += token.text
            length += n
        }
        guard length > 0 else { throw RenderError.emptyInput("token texts (all empty)") }
        try self.init(text: text, spans: spans, scores: tokens.map(\.score), summary: summary)
    }

    /// The default separator between two tokens.
    static func automaticSeparator(_ left: String, _ right: String) -> String {
        guard let a = left.unicodeScalars.last, let b = right.unicodeScalars.first else { return "" }
        if LineBreaking.isSpace(a) || LineBreaking.isSpace(b) || LineBreaking.isNewline(a) || LineBreaking.isNewline(b) {
            return ""
        }
        if LineBreaking.isWide(a) || LineBreaking.isWide(b) { return "" }
        if ".,;:!?)]}%'’”".unicodeScalars.contains(b) { return "" }
        if "([{‘“".unicodeScalars.contains(a) { return "" }
        return " "
    }

    /// Draws the picture.
    public func render(style: RenderStyle = RenderStyle(), renderer: TextRenderer = .shared) throws -> Canvas {
        try style.validate()
        // Invisible tokens (white space, zero-width, bidi marks, controls) are drawn as stand-ins.
        let layout = try SentenceHeatmapLayout(heatmap: withVisibleText(), style: style, renderer: renderer)
        return try layout.draw(style: style, renderer: renderer)
    }

    /// Draws the picture and writes it as a PNG (atomically) with the summary in text chunks.
    public func writePNG(to url: URL, style: RenderStyle = RenderStyle(),
                         renderer: TextRenderer = .shared) throws {
        try render(style: style, renderer: renderer)
            .writePNG(to: url, colorType: .rgb, text: pngText)
    }
}
