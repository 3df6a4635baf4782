/// One token of an encoded text: its id, its surface form in the vocabulary, where it came from
/// in the original text, and whether it is a special token.
public struct EncodedToken: Equatable, Hashable, Codable, Sendable {
    /// The token id.
    public var id: Int
    /// The token's string in the vocabulary (`"▁the"`, `"Ġthe"`, `"##ing"`, `"[CLS]"`).
    public var text: String
    /// Start offset in Unicode scalars of the original text (`nil` for tokens the text does not
    /// contain, such as an added `[CLS]`).
    public var start: Int?
    /// End offset (exclusive) in Unicode scalars of the original text.
    public var end: Int?
    /// True for special tokens (`[CLS]`, `<|im_start|>`, …).
    public var isSpecial: Bool

    public init(id: Int, text: String, start: Int?, end: Int?, isSpecial: Bool) {
        self.id = id
        self.text = text
        self.start = start
        self.end = end
        self.isSpecial = isSpecial
    }
}

/// A tokenizer of a pretrained model (from `tokenizer.json`, `vocab.txt`, `vocab.json` +
/// `merges.txt`, or a GGUF file's metadata), exact to Hugging Face `tokenizers`.
public protocol ModelTokenizer: Sendable {
    /// Encodes `text`; with `addSpecialTokens` the post-processor's template (`[CLS] $A [SEP]`,
    /// a BOS token, …) is applied, as `tokenizer.encode(text, add_special_tokens=...)`.
    func encode(_ text: String, addSpecialTokens: Bool) -> [EncodedToken]
    /// The text of `ids`, as `tokenizer.decode(ids, skip_special_tokens=...)`.
    func decode(_ ids: [Int], skipSpecialTokens: Bool) -> String
    /// Number of ids, added tokens included.
    var vocabularySize: Int { get }
    /// The id of a token string (vocabulary or added token), if any.
    func id(forToken token: String) -> Int?
    /// The string of a token id, if any.
    func token(forID id: Int) -> String?
    /// A short description of the tokenizer kind ("WordPiece", "BPE (byte-level)", "Unigram").
    var kind: String { get }
}
