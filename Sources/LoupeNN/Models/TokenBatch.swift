import LoupeTensor

/// A ragged batch of token-id sequences padded to a rectangle, with the masks the models derive
/// from the ids.
///
/// Masks come from the ids themselves: a position is padding when its id is the [PAD] id, wherever
/// it sits (so replacing a token by [PAD] masks it out, as leave-one-out expects). `lengths` are
/// the original sequence lengths (for recurrent models).
public struct TokenBatch: Equatable, Sendable {
    /// Row-major `[batchSize, length]` ids, right-padded with `padID`.
    public let ids: [Int]
    public let batchSize: Int
    public let length: Int
    /// The length of each sequence before padding.
    public let lengths: [Int]
    public let padID: Int

    /// Pads `sequences` with `padID` to the longest one (or to `minimumLength`, if longer).
    public init(_ sequences: [[Int]], padID: Int, minimumLength: Int = 0) {
        let length = Swift.max(sequences.map(\.count).max() ?? 0, minimumLength)
        var ids = [Int]()
        ids.reserveCapacity(sequences.count * length)
        for row in sequences {
            ids.append(contentsOf: row)
            ids.append(contentsOf: repeatElement(padID, count: length - row.count))
        }
        self.ids = ids
        self.batchSize = sequences.count
        self.length = length
        self.lengths = sequences.map(\.count)
        self.padID = padID
    }

    /// `[batchSize, length]`.
    public var shape: [Int] { [batchSize, length] }

    /// True at [PAD] positions.
    public var isPadding: [Bool] { ids.map { $0 == padID } }

    /// The attention key padding mask (true at [PAD] ids).
    public var keyPaddingMask: KeyPaddingMask {
        KeyPaddingMask(tokenIDs: ids, batchSize: batchSize, length: length, padID: padID)
    }

    /// Weights `[B, 1, T]` that average over the non-[PAD] positions of each row (all zeros for a
    /// row without any): `weights.matmul(h)` is the masked mean of `h` `[B, T, E]`.
    public var meanPoolingWeights: Tensor {
        var w = [Float](repeating: 0, count: ids.count)
        for b in 0..<batchSize {
            let row = (b * length)..<((b + 1) * length)
            let real = ids[row].reduce(0) { $0 + ($1 == padID ? 0 : 1) }
            guard real > 0 else { continue }
            let share = 1 / Float(real)
            for i in row where ids[i] != padID { w[i] = share }
        }
        return Tensor(shape: [batchSize, 1, length], scalars: w)
    }

    /// The masked mean over positions of `h` `[B, T, E]` → `[B, E]` (one batched product).
    public func maskedMean(_ h: Tensor) -> Tensor {
        precondition(h.rank == 3 && h.shape[0] == batchSize && h.shape[1] == length,
                     "masked mean of \(h.shape) over a \(batchSize)×\(length) batch")
        return meanPoolingWeights.matmul(h).reshaped([batchSize, h.shape[2]])
    }
}
