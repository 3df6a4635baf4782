import LoupeTensor

/// A ``TokenModel`` that maps token ids to class logits: what sentiment and topic classifiers
/// are.
///
/// Conforming models implement ``logits(embeddings:tokenIDs:)``; the ``TokenModel`` forward pass
/// and output layout follow from it.
public protocol TextClassifier: TokenModel {
    /// Class names, index = class id.
    var labels: [String] { get }
    /// Logits `[B, C]` computed from given token embeddings `[B, T, E]` (`T` = the longest of
    /// `tokenIDs`); masks come from `tokenIDs`.
    func logits(embeddings: Tensor, tokenIDs: [[Int]]) -> Tensor
}

extension TextClassifier {
    public var outputLayout: OutputLayout { .classes(labels: labels) }

    public func outputs(embeddings: Tensor, tokenIDs: [[Int]]) -> ModelOutput {
        ModelOutput(logits: logits(embeddings: embeddings, tokenIDs: tokenIDs))
    }

    /// Logits `[B, C]` for a ragged batch of token ids (padded with ``TokenModel/paddingID``).
    public func logits(tokenIDs: [[Int]]) -> Tensor {
        logits(embeddings: embeddings(tokenIDs: tokenIDs), tokenIDs: tokenIDs)
    }

    /// Number of classes.
    public var classCount: Int { labels.count }

    /// Class probabilities `[B, C]` (softmax of the logits), without recording gradients.
    public func probabilities(tokenIDs: [[Int]]) -> Tensor {
        withoutGradients { logits(tokenIDs: tokenIDs).softmax(alongAxis: -1) }
    }
}
