import Foundation
import LoupeNN
import LoupeTokenizers

/// The `tokenizer.json` of a Loupe checkpoint that learned its own sub-word vocabulary
/// (``WordPieceTrainer``), as the ``SubwordTokenizer`` of the model's ``TextEncoder``.
/// Ids are the tokenizer's; no special tokens are added.
public struct SubwordTokenizerFile: SubwordTokenizer {
    /// The file's name in a checkpoint folder.
    public static let fileName = "tokenizer.json"

    public let tokenizer: PretrainedTokenizer

    public init(tokenizer: PretrainedTokenizer) { self.tokenizer = tokenizer }

    /// Reads `url` (a `tokenizer.json`).
    /// - Throws: ``CheckpointError`` naming the file when it cannot be read or parsed.
    public init(contentsOf url: URL) throws {
        do {
            tokenizer = try PretrainedTokenizer(tokenizerJSON: url)
        } catch let error as TokenizerError {
            throw CheckpointError(.invalidArgument, file: url.path, error.description)
        } catch {
            throw CheckpointError(.io, file: url.path, "cannot read: \(error.localizedDescription)")
        }
    }

    public func encode(_ text: String) -> (tokens: [Token], ids: [Int]) {
        let pieces = tokenizer.encode(text, addSpecialTokens: false)
        return (pieces.map { Token(text: $0.text, start: $0.start ?? 0, end: $0.end ?? $0.start ?? 0) }, pieces.map(\.id))
    }
}

extension ModelCheckpoint {
    /// The text front end of this checkpoint: its `tokenizer.json` when the folder has one (a
    /// learned sub-word vocabulary; `vocab.txt` must list the same tokens), else Loupe's word
    /// tokenizer with `vocab.txt`.
    /// - Throws: ``CheckpointError`` when there is no vocabulary or the two files disagree.
    public func textEncoder(maximumLength: Int?) throws -> TextEncoder {
        guard let tokens = vocabulary else {
            throw CheckpointError(.io, file: directory.appendingPathComponent(Checkpoint.vocabularyFileName).path,
                                  "missing; a text model needs its vocabulary")
        }
        let vocabulary: Vocabulary
        do { vocabulary = try Vocabulary(tokens: tokens) } catch {
            throw CheckpointError(.invalidArgument, file: directory.appendingPathComponent(Checkpoint.vocabularyFileName).path,
                                  "\(error)")
        }
        let file = directory.appendingPathComponent(SubwordTokenizerFile.fileName)
        guard FileManager.default.fileExists(atPath: file.path) else {
            return TextEncoder(vocabulary: vocabulary, maximumLength: maximumLength)
        }
        let subwords = try SubwordTokenizerFile(contentsOf: file)
        for id in [0, Vocabulary.unknownID, tokens.count - 1] where subwords.tokenizer.token(forID: id) != tokens[id] {
            throw CheckpointError(.invalidArgument, file: file.path,
                                  "token \(id) is '\(subwords.tokenizer.token(forID: id) ?? "none")' but vocab.txt says '\(tokens[id])'")
        }
        guard subwords.tokenizer.vocabularySize == tokens.count else {
            throw CheckpointError(.invalidArgument, file: file.path,
                                  "holds \(subwords.tokenizer.vocabularySize) tokens but vocab.txt \(tokens.count)")
        }
        return TextEncoder(vocabulary: vocabulary, maximumLength: maximumLength, subwords: subwords)
    }
}
