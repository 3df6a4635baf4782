import LoupeTensor

/// A model that maps token ids to class logits through a token-embedding layer: what the
/// attribution methods need.
///
/// Conforming models pad ragged batches with ``padID`` and derive every mask (mean pooling,
/// attention key padding) from the real ids, never from the embeddings, so that
/// ``logits(embeddings:tokenIDs:)`` with substituted embeddings (e.g. the zero baseline of
/// integrated gradients) keeps the input's masks.
public protocol TextClassifier: Module {
    /// Class names, index = class id.
    var labels: [String] { get }
    /// The [PAD] token id.
    var padID: Int { get }
    /// The token-embedding module (hook it to capture or replace token embeddings).
    var embedding: Embedding { get }
    /// Logits `[B, C]` computed from given token embeddings `[B, T, E]` (`T` = the longest of
    /// `tokenIDs`); masks come from `tokenIDs`.
    func logits(embeddings: Tensor, tokenIDs: [[Int]]) -> Tensor
}

extension TextClassifier {
    /// Logits `[B, C]` for a ragged batch of token ids (padded with ``padID``).
    public func logits(tokenIDs: [[Int]]) -> Tensor {
        let batch = TokenBatch(tokenIDs, padID: padID)
        return logits(embeddings: embedding(batch.ids, shape: batch.shape), tokenIDs: tokenIDs)
    }

    /// Number of classes.
    public var classCount: Int { labels.count }

    /// Class probabilities `[B, C]` (softmax of the logits), without recording gradients.
    public func probabilities(tokenIDs: [[Int]]) -> Tensor {
        withoutGradients { logits(tokenIDs: tokenIDs).softmax(alongAxis: -1) }
    }
}
