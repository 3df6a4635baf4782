import LoupeNN
import LoupeTokenizers

/// Turns raw text into a model's input for explanation: tokens with their spans in the text,
/// ids, and notes for the reader. Loupe's own checkpoints use their vocabulary
/// (``VocabularyFrontEnd``); pretrained models use their own tokenizer (``PretrainedFrontEnd``).
public protocol TextFrontEnd: Sendable {
    /// The encoding of `text` and what the reader should know about it (truncation, unknown tokens).
    func encode(_ text: String) -> (encoded: EncodedText, warnings: [String])
    /// True when tokens are sub-words (documents then carry a word-level aggregation).
    var groupsWords: Bool { get }
    /// The id of a vocabulary token spelled `token` (`[UNK]`, `<mask>`, …), or nil when the
    /// vocabulary has no such token.
    func tokenID(forToken token: String) -> Int?
}

extension TextFrontEnd {
    public func tokenID(forToken token: String) -> Int? { nil }
}

/// Loupe's word tokenizer and a checkpoint's `vocab.txt`, or the WordPiece `tokenizer.json` a
/// Loupe checkpoint learned (``TextEncoder/subwords``).
public struct VocabularyFrontEnd: TextFrontEnd {
    public var encoder: TextEncoder

    public init(_ encoder: TextEncoder) { self.encoder = encoder }

    public var groupsWords: Bool { encoder.usesSubwords }

    public func tokenID(forToken token: String) -> Int? {
        encoder.vocabulary.contains(token) ? encoder.vocabulary.id(of: token) : nil
    }

    public func encode(_ text: String) -> (encoded: EncodedText, warnings: [String]) {
        let encoded = encoder.encode(text)
        var warnings: [String] = []
        let fullCount = encoder.tokenize(text).tokens.count
        if fullCount > encoded.tokens.count {
            warnings.append("text truncated from \(fullCount) to \(encoded.tokens.count) tokens (the model's max_len)")
        }
        let unknown = encoded.unknownTokenIndices
        if !unknown.isEmpty {
            let names = unknown.prefix(8).map { "'\(encoded.tokens[$0].text)'" }.joined(separator: ", ")
            let more = unknown.count > 8 ? " and \(unknown.count - 8) more" : ""
            if unknown.count == encoded.tokens.count {
                warnings.append("every token is unknown to the model's vocabulary (\(names)\(more)); "
                                + "the model saw only [UNK], so the explanation says little")
            } else {
                warnings.append("\(unknown.count) of \(encoded.tokens.count) tokens are not in the model's vocabulary "
                                + "and were read as [UNK]: \(names)\(more)")
            }
        }
        return (encoded, warnings)
    }
}

/// A pretrained model's tokenizer (WordPiece, BPE, Unigram), with its special tokens.
public struct PretrainedFrontEnd: TextFrontEnd {
    public var tokenizer: any ModelTokenizer
    /// Longest id sequence the model accepts, or nil.
    public var maximumLength: Int?
    /// Id of the unknown token, if the tokenizer has one (reported in warnings).
    public var unknownID: Int?

    public init(tokenizer: any ModelTokenizer, maximumLength: Int?, unknownToken: String? = "[UNK]") {
        self.tokenizer = tokenizer
        self.maximumLength = maximumLength
        self.unknownID = unknownToken.flatMap { tokenizer.id(forToken: $0) }
    }

    public var groupsWords: Bool { true }

    public func tokenID(forToken token: String) -> Int? { tokenizer.id(forToken: token) }

    public func encode(_ text: String) -> (encoded: EncodedText, warnings: [String]) {
        var pieces = tokenizer.encode(text, addSpecialTokens: true)
        var warnings: [String] = []
        if let limit = maximumLength, pieces.count > limit, limit > 0 {
            // Keep the trailing special token ([SEP], </s>) as transformers' truncation does.
            let tail = pieces.last.map { $0.isSpecial ? [$0] : [] } ?? []
            let full = pieces.count
            pieces = Array(pieces.prefix(limit - tail.count)) + tail
            warnings.append("text truncated from \(full) to \(pieces.count) tokens (the model's maximum sequence length)")
        }
        let tokens = pieces.map { p -> Token in
            if let start = p.start, let end = p.end { return Token(text: p.text, start: start, end: end) }
            return Token(text: p.text, start: 0, end: 0)
        }
        let special = pieces.indices.filter { pieces[$0].isSpecial || pieces[$0].start == nil }
        let unknown = unknownID.map { u in pieces.indices.filter { pieces[$0].id == u } } ?? []
        if !unknown.isEmpty {
            let scalars = Array(text.unicodeScalars)
            let names = unknown.prefix(8).map { i -> String in
                guard let s = pieces[i].start, let e = pieces[i].end, s <= e, e <= scalars.count else { return "'\(pieces[i].text)'" }
                var view = String.UnicodeScalarView(); view.append(contentsOf: scalars[s..<e]); return "'\(String(view))'"
            }.joined(separator: ", ")
            warnings.append("\(unknown.count) of \(pieces.count) tokens are unknown to the tokenizer and were read as its unknown token: \(names)")
        }
        return (EncodedText(text: text, tokens: tokens, ids: pieces.map(\.id), unknownTokenIndices: unknown,
                            specialTokenIndices: special), warnings)
    }
}
