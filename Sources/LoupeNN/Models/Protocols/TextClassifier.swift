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

    /// The logits of many id sequences, one row of ``classCount`` values each, in input order: fed
    /// in batches of `batchSize` sequences of similar length (little padding), without recording
    /// gradients. `progress` hears the number of sequences done after each batch.
    public func logitRows(tokenIDs: [[Int]], batchSize: Int = 128, progress: (Int) -> Void = { _ in }) -> [[Float]] {
        precondition(batchSize > 0, "batch size must be positive")
        let order = tokenIDs.indices.sorted { (tokenIDs[$0].count, $0) < (tokenIDs[$1].count, $1) }
        var rows = [[Float]](repeating: [], count: tokenIDs.count)
        let classes = classCount
        withoutGradients {
            for start in stride(from: 0, to: order.count, by: batchSize) {
                let chunk = Array(order[start..<Swift.min(start + batchSize, order.count)])
                let values = logits(tokenIDs: chunk.map { tokenIDs[$0] }).scalars
                for (i, index) in chunk.enumerated() { rows[index] = Array(values[(i * classes)..<((i + 1) * classes)]) }
                progress(start + chunk.count)
            }
        }
        return rows
    }

    /// Class probabilities `[B, C]` (softmax of the logits), without recording gradients.
    public func probabilities(tokenIDs: [[Int]]) -> Tensor {
        withoutGradients { logits(tokenIDs: tokenIDs).softmax(alongAxis: -1) }
    }
}
