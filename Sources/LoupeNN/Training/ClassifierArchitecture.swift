/// The model a ``ClassifierTrainer`` builds when it trains from scratch.
public enum ClassifierArchitecture: Equatable, Sendable {
    /// ``BagOfEmbeddingsClassifier``.
    case bagOfEmbeddings(embedDimension: Int = 64, hiddenDimension: Int = 64)
    /// ``TransformerClassifier`` (post-norm, ReLU; `max_len` = the options' `maxLength`).
    case transformer(embedDimension: Int = 128, heads: Int = 4, layers: Int = 2, feedForwardDimension: Int = 256,
                     dropout: Float = 0.1)

    /// The width of the token embeddings.
    public var embedDimension: Int {
        switch self {
        case let .bagOfEmbeddings(embed, _): return embed
        case let .transformer(embed, _, _, _, _): return embed
        }
    }

    /// A model with fresh weights for a vocabulary of `vocabularySize` and these labels.
    public func makeModel(vocabularySize: Int, labels: [String], maxLength: Int, seed: UInt64) -> LoadedModel {
        switch self {
        case let .bagOfEmbeddings(embed, hidden):
            let config = BagOfEmbeddingsConfig(vocabularySize: vocabularySize, embedDimension: embed,
                                               hiddenDimension: hidden, labels: labels, padID: Vocabulary.padID)
            return .bagOfEmbeddings(BagOfEmbeddingsClassifier(config: config, seed: seed))
        case let .transformer(embed, heads, layers, ffn, dropout):
            let config = TransformerClassifierConfig(vocabularySize: vocabularySize, embedDimension: embed, heads: heads,
                                                     layerCount: layers, feedForwardDimension: ffn, maxLength: maxLength,
                                                     labels: labels, padID: Vocabulary.padID, dropout: dropout)
            return .transformerClassifier(TransformerClassifier(config: config, seed: seed))
        }
    }
}
