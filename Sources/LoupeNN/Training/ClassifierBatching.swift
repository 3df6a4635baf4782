import LoupeTensor

/// Encoding and batching of classifier training data: texts are encoded once, then each epoch
/// draws a seeded order and cuts it into batches.
enum ClassifierBatching {
    /// The ids of `text`, truncated to the encoder's maximum; a text without tokens becomes `[UNK]`
    /// (an all-[PAD] row would have nothing to pool).
    static func encode(_ text: String, encoder: TextEncoder) -> [Int] {
        let ids = encoder.encode(text).ids
        return ids.isEmpty ? [Vocabulary.unknownID] : ids
    }

    /// The batches (example indices) of one epoch, drawn from `seed`.
    ///
    /// Without bucketing: a seeded permutation cut into consecutive batches. With bucketing: the
    /// permutation is cut into pools of 50 batches, each pool is sorted by length (stable) and cut
    /// into batches, and the batch order is shuffled again — examples in a batch have similar
    /// lengths, but which examples meet and in what order still changes every epoch.
    /// Without `shuffles`: consecutive batches in data-set order.
    static func epochBatches(lengths: [Int], batchSize: Int, bucketsByLength: Bool, seed: UInt64,
                             shuffles: Bool = true) -> [[Int]] {
        let order = shuffles ? seededPermutation(count: lengths.count, seed: seed) : Array(lengths.indices)
        guard bucketsByLength && shuffles else {
            return stride(from: 0, to: order.count, by: batchSize).map {
                Array(order[$0..<Swift.min($0 + batchSize, order.count)])
            }
        }
        let pool = batchSize * 50
        var batches: [[Int]] = []
        for start in stride(from: 0, to: order.count, by: pool) {
            let sorted = order[start..<Swift.min(start + pool, order.count)].enumerated()
                .sorted { (lengths[$0.element], $0.offset) < (lengths[$1.element], $1.offset) }
                .map(\.element)
            for b in stride(from: 0, to: sorted.count, by: batchSize) {
                batches.append(Array(sorted[b..<Swift.min(b + batchSize, sorted.count)]))
            }
        }
        let shuffle = seededPermutation(count: batches.count, seed: seed ^ 0x5DEE_CE66_D1CE_5EED)
        return shuffle.map { batches[$0] }
    }
}
