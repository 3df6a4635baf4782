import Foundation

/// A vocabulary learned by ``WordPieceTrainer``: the tokens in id order and the `tokenizer.json`
/// that encodes with them.
public struct TrainedWordPiece: Equatable, Sendable {
    /// Token strings; the index is the id. The special tokens come first.
    public var tokens: [String]
    public var unknownToken: String
    public var specialTokenCount: Int
    public var continuingSubwordPrefix: String

    /// The `tokenizer.json` document (Hugging Face `tokenizers` format, version 1.0): BERT
    /// normalizer and pre-tokenizer, WordPiece model, WordPiece decoder, no post-processor (no
    /// [CLS]/[SEP] is added), keys sorted so that the same vocabulary always gives the same bytes.
    public func tokenizerJSON() throws -> Data {
        let vocabulary = Dictionary(uniqueKeysWithValues: tokens.enumerated().map { ($0.element, $0.offset) })
        let added: [[String: Any]] = tokens.prefix(specialTokenCount).enumerated().map { id, content in
            ["id": id, "content": content, "single_word": false, "lstrip": false, "rstrip": false,
             "normalized": false, "special": true]
        }
        let document: [String: Any] = [
            "version": "1.0",
            "truncation": NSNull(),
            "padding": NSNull(),
            "added_tokens": added,
            "normalizer": ["type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true,
                           "strip_accents": NSNull(), "lowercase": true],
            "pre_tokenizer": ["type": "BertPreTokenizer"],
            "post_processor": NSNull(),
            "decoder": ["type": "WordPiece", "prefix": continuingSubwordPrefix, "cleanup": true],
            "model": ["type": "WordPiece", "unk_token": unknownToken,
                      "continuing_subword_prefix": continuingSubwordPrefix,
                      "max_input_chars_per_word": 100, "vocab": vocabulary],
        ]
        return try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])
    }

    /// The tokenizer, read back from ``tokenizerJSON()`` (so it is exactly what a saved file loads).
    public func tokenizer() throws -> PretrainedTokenizer {
        try PretrainedTokenizer(tokenizerJSON: tokenizerJSON())
    }
}
