/// A sub-word tokenizer a model's text front end uses instead of Loupe's word ``Tokenizer``: it
/// turns text into tokens (with their spans in the original text, in Unicode scalars) and their
/// ids in the model's vocabulary. A WordPiece `tokenizer.json` learned by Loupe is one
/// (`LoupePretrained`'s `SubwordTokenizerFile`); its vocabulary's `[UNK]` has ``Vocabulary/unknownID``.
public protocol SubwordTokenizer: Sendable {
    /// The tokens of `text` and their ids (no special tokens added).
    func encode(_ text: String) -> (tokens: [Token], ids: [Int])
}
