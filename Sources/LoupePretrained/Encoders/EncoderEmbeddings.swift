import LoupeNN
import LoupeTensor

/// The embedding block of a BERT-family encoder (`<prefix>.embeddings`): word, position and
/// (BERT, RoBERTa) token-type tables summed, then LayerNorm; dropout is off at inference.
///
/// Positions are `0, 1, …` for BERT and DistilBERT. RoBERTa and XLM-R number the real tokens
/// from `padding_idx + 1` and give [PAD] positions `padding_idx`, as transformers'
/// `create_position_ids_from_input_ids` does: position = cumulative count of non-pad ids + pad id
/// at a real token.
public final class EncoderEmbeddings: Module {
    public let path: String
    public let family: EncoderConfig.Family
    /// `word_embeddings` (the ``LoupeNN/ActivationSiteName/embed`` site).
    public let word: Embedding
    /// `position_embeddings` (the ``LoupeNN/ActivationSiteName/positionEmbed`` site).
    public let position: Embedding
    /// `token_type_embeddings` (absent for DistilBERT).
    public let tokenType: Embedding?
    /// `LayerNorm`.
    public let norm: LayerNorm
    let padID: Int

    init(config: EncoderConfig, path: String, loader: WeightLoader) throws {
        self.path = path
        family = config.family
        padID = config.padTokenID
        let h = config.hiddenSize
        word = try loader.embedding(config.vocabularySize, h, paddingIndex: config.padTokenID,
                                    path: joinPath(path, "word_embeddings"))
        position = try loader.embedding(config.maxPositionEmbeddings, h,
                                        paddingIndex: config.positionOffset > 0 ? config.padTokenID : nil,
                                        path: joinPath(path, "position_embeddings"))
        tokenType = config.typeVocabularySize > 0
            ? try loader.embedding(config.typeVocabularySize, h, path: joinPath(path, "token_type_embeddings")) : nil
        norm = try loader.layerNorm(h, epsilon: config.layerNormEpsilon, path: joinPath(path, "LayerNorm"))
    }

    public var submodules: [Module] { [word, position] + (tokenType.map { [$0] } ?? []) + [norm] }

    /// The position id of every element of `batch` (row-major `[B, T]`).
    func positionIDs(_ batch: TokenBatch) -> [Int] {
        switch family {
        case .bert, .distilbert:
            return (0..<batch.batchSize).flatMap { _ in 0..<batch.length }
        case .roberta, .xlmRoberta:
            var ids = [Int](repeating: padID, count: batch.ids.count)
            for b in 0..<batch.batchSize {
                var count = 0
                for t in 0..<batch.length where batch.ids[b * batch.length + t] != padID {
                    count += 1
                    ids[b * batch.length + t] = padID + count
                }
            }
            return ids
        }
    }

    /// `LayerNorm(words + positions + token types)` `[B, T, H]` for word embeddings `[B, T, H]`;
    /// token types are 0 unless `tokenTypeIDs` (row-major `[B, T]`) are given.
    func callAsFunction(_ words: Tensor, batch: TokenBatch, tokenTypeIDs: [Int]? = nil) -> Tensor {
        // transformers' order: (words + token types) + positions.
        var x = words
        if let tokenType {
            x = x + (tokenTypeIDs.map { tokenType($0, shape: batch.shape) } ?? tokenType([0]))
        }
        switch family {
        case .bert, .distilbert:
            x = x + position(Array(0..<batch.length))
        case .roberta, .xlmRoberta:
            x = x + position(positionIDs(batch), shape: batch.shape)
        }
        return hooked(norm(x))
    }
}
