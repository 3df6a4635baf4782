/// A batch of encoded texts, padded with `[PAD]` to a common length.
public struct TextBatch: Equatable, Sendable {
    /// One row of token ids per example, each `length` long (padded with ``Vocabulary/padID``).
    public var ids: [[Int]]
    /// The number of real (unpadded) tokens in each row.
    public var lengths: [Int]
    /// The label of each row.
    public var labels: [Int]
    /// Where each row came from in the data set.
    public var exampleIndices: [Int]

    /// Rows in the batch.
    public var batchSize: Int { ids.count }
    /// Padded row length.
    public var length: Int { ids.first?.count ?? 0 }
    /// All ids, row-major (shape `[batchSize, length]`), as ``Embedding`` takes them.
    public var flatIDs: [Int] { ids.flatMap { $0 } }
    /// Which positions are padding, as attention layers take it.
    public var paddingMask: KeyPaddingMask {
        KeyPaddingMask(lengths.map { n in (0..<length).map { $0 >= n } })
    }
}

extension TextDataSet {
    /// Encodes the examples and groups them into padded batches.
    ///
    /// - Parameters:
    ///   - size: examples per batch (the last batch may be smaller unless `dropsLast`).
    ///   - encoder: turns each text into ids (its `maximumLength` truncates long texts).
    ///   - shuffleSeed: when given, examples are taken in this seed's order; otherwise in data-set order.
    ///   - dropsLast: leave out a final batch smaller than `size`.
    ///   - paddedLength: pad (and truncate) every row to this length instead of the batch's longest.
    ///     Texts that encode to no tokens keep a row of `[PAD]`s of length at least 1.
    public func batches(size: Int, encoder: TextEncoder, shuffleSeed: UInt64? = nil, dropsLast: Bool = false,
                        paddedLength: Int? = nil) -> [TextBatch] {
        precondition(size > 0, "batch size must be positive")
        let order = shuffleSeed.map { seededPermutation(count: count, seed: $0) } ?? Array(0..<count)
        var result: [TextBatch] = []
        var start = 0
        while start < order.count {
            let indices = Array(order[start..<Swift.min(start + size, order.count)])
            start += size
            if dropsLast && indices.count < size { break }
            var rows = indices.map { encoder.encode(examples[$0].text).ids }
            if let paddedLength { rows = rows.map { Array($0.prefix(paddedLength)) } }
            let width = paddedLength ?? Swift.max(1, rows.map(\.count).max() ?? 1)
            result.append(TextBatch(
                ids: rows.map { $0 + [Int](repeating: Vocabulary.padID, count: width - $0.count) },
                lengths: rows.map(\.count),
                labels: indices.map { examples[$0].label },
                exampleIndices: indices))
        }
        return result
    }
}
