import LoupeNN
import LoupeTensor

/// The bundled text classifiers are attributable as they are: their token-embedding module is
/// the attribution layer and their masks come from the ids.
extension BagOfEmbeddingsClassifier: AttributableModel {
    public var paddingID: Int { padID }
    public var tokenEmbedding: Embedding { embedding }
}

extension TransformerClassifier: AttentionProviding {
    public var paddingID: Int { padID }
    public var tokenEmbedding: Embedding { embedding }

    public func attentionWeights(tokenIDs: [[Int]]) -> [Tensor] {
        withoutGradients { logitsAndAttention(tokenIDs: tokenIDs).attentionWeights }
    }
}

extension LoadedModel {
    /// The model as an attributable classifier, when it is one.
    public var attributable: AttributableModel? {
        switch module {
        case let m as TransformerClassifier: return m
        case let m as BagOfEmbeddingsClassifier: return m
        default: return nil
        }
    }
}
