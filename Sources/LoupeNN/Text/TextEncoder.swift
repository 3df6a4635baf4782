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
///
/// Words come from Loupe's word ``Tokenizer`` and are looked up in ``vocabulary``, unless the model
/// has a ``subwords`` tokenizer (a learned WordPiece `tokenizer.json`), which then gives tokens and
/// ids; ``vocabulary`` still names the ids.
public struct TextEncoder: Sendable {
    public var tokenizer: Tokenizer
    public var vocabulary: Vocabulary
    /// Longest id sequence the model accepts (longer inputs are truncated), or nil.
    public var maximumLength: Int?
    /// The model's sub-word tokenizer, or nil for Loupe's word tokenizer.
    public var subwords: (any SubwordTokenizer)?

    public init(tokenizer: Tokenizer = Tokenizer(), vocabulary: Vocabulary, maximumLength: Int? = nil,
                subwords: (any SubwordTokenizer)? = nil) {
        self.tokenizer = tokenizer
        self.vocabulary = vocabulary
        self.maximumLength = maximumLength
        self.subwords = subwords
    }

    /// True when tokens are pieces of words.
    public var usesSubwords: Bool { subwords != nil }

    /// The tokens and ids of the whole text (before truncation).
    public func tokenize(_ text: String) -> (tokens: [Token], ids: [Int]) {
        if let subwords { return subwords.encode(text) }
        let tokens = tokenizer.tokenize(text)
        return (tokens, tokens.map { vocabulary.id(of: $0.text) })
    }

    /// Tokenizes and maps to ids; keeps the spans and reports unknown tokens.
    public func encode(_ text: String) -> EncodedText {
        var (tokens, ids) = tokenize(text)
        if let limit = maximumLength, tokens.count > limit {
            tokens = Array(tokens.prefix(limit))
            ids = Array(ids.prefix(limit))
        }
        // A word tokenizer's unknown word keeps its text; "[UNK]" typed by the user is not unknown.
        let unknown = tokens.indices.filter {
            ids[$0] == Vocabulary.unknownID && (usesSubwords || tokens[$0].text != Vocabulary.unknown)
        }
        return EncodedText(text: text, tokens: tokens, ids: ids, unknownTokenIndices: unknown)
    }
}
