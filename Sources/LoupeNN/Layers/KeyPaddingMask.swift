import LoupeTensor

/// Which keys of a `[B, T]` batch are padding (true = padded: the key is excluded from
/// attention, like PyTorch's boolean `key_padding_mask`).
public struct KeyPaddingMask: Equatable, Sendable {
    public let batchSize: Int
    public let length: Int
    /// Row-major `[B, T]` flags.
    public let isPadded: [Bool]

    /// Flags in row-major `[batchSize, length]` order.
    public init(batchSize: Int, length: Int, isPadded: [Bool]) {
        precondition(isPadded.count == batchSize * length,
                     "key padding mask holds \(isPadded.count) flags for \(batchSize)×\(length)")
        self.batchSize = batchSize
        self.length = length
        self.isPadded = isPadded
    }

    /// One row of flags per sequence (rows must have equal length).
    public init(_ rows: [[Bool]]) {
        let length = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == length }, "ragged key padding mask")
        self.init(batchSize: rows.count, length: length, isPadded: rows.flatMap { $0 })
    }

    /// From a `[B, T]` tensor: a non-zero element marks a padded key.
    public init(_ mask: Tensor) {
        precondition(mask.rank == 2, "key padding mask must be [B, T], got \(mask.shape)")
        self.init(batchSize: mask.shape[0], length: mask.shape[1], isPadded: mask.scalars.map { $0 != 0 })
    }

    /// Marks the positions of `tokenIDs` (row-major `[batchSize, length]`) equal to `padID`.
    public init(tokenIDs: [Int], batchSize: Int, length: Int, padID: Int) {
        self.init(batchSize: batchSize, length: length, isPadded: tokenIDs.map { $0 == padID })
    }

    /// True when at least one key is padded.
    public var hasPadding: Bool { isPadded.contains(true) }

    /// The mask as a `[B, T]` tensor of 1 (padded) and 0.
    public var tensor: Tensor {
        Tensor(shape: [batchSize, length], scalars: isPadded.map { $0 ? 1 : 0 })
    }
}
