/// A text turned into model input: tokens with spans, their ids, and which were unknown.
public struct EncodedText: Equatable, Sendable {
    public var text: String
    public var tokens: [Token]
    public var ids: [Int]
    /// Indices (into `tokens`) of tokens that mapped to `[UNK]`.
    public var unknownTokenIndices: [Int]
    /// Indices (into `tokens`) of special tokens a pretrained tokenizer added ([CLS], [SEP]);
    /// their spans are empty. Empty for Loupe's own tokenizer.
    public var specialTokenIndices: [Int] = []

    public init(text: String, tokens: [Token], ids: [Int], unknownTokenIndices: [Int], specialTokenIndices: [Int] = []) {
        self.text = text
        self.tokens = tokens
        self.ids = ids
        self.unknownTokenIndices = unknownTokenIndices
        self.specialTokenIndices = specialTokenIndices
    }
}

/// Tokenizer + vocabulary: the text front end of a model.
public struct TextEncoder: Sendable {
    public var tokenizer: Tokenizer
    public var vocabulary: Vocabulary
    /// Longest id sequence the model accepts (longer inputs are truncated), or nil.
    public var maximumLength: Int?

    public init(tokenizer: Tokenizer = Tokenizer(), vocabulary: Vocabulary, maximumLength: Int? = nil) {
        self.tokenizer = tokenizer
        self.vocabulary = vocabulary
        self.maximumLength = maximumLength
    }

    /// Tokenizes and maps to ids; keeps the spans and reports unknown tokens.
    public func encode(_ text: String) -> EncodedText {
        var tokens = tokenizer.tokenize(text)
        if let limit = maximumLength, tokens.count > limit { tokens = Array(tokens.prefix(limit)) }
        let ids = tokens.map { vocabulary.id(of: $0.text) }
        let unknown = tokens.indices.filter { ids[$0] == Vocabulary.unknownID && tokens[$0].text != Vocabulary.unknown }
        return EncodedText(text: text, tokens: tokens, ids: ids, unknownTokenIndices: unknown)
    }
}
