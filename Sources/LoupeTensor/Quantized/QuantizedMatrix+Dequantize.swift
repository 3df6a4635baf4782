/// Dense float copies of a quantized matrix: the whole of it, a range of rows, or picked rows.
extension QuantizedMatrix {
    /// The matrix as dense floats `[rows, columns]`.
    public func dequantized() -> Tensor {
        let total = rows * columns
        let scalars = [Float](unsafeUninitializedCapacity: total) { buffer, initialized in
            if total > 0 {
                let base = buffer.baseAddress!
                // Large matrices decode in parallel shards of rows (each row decodes the same way).
                let minimum = Swift.max(1, 65_536 / Swift.max(1, columns))
                _ = try? Parallel.map(rows, minimumShardSize: minimum) { range in
                    dequantizeRows(range, into: base + range.lowerBound * columns)
                }
            }
            initialized = total
        }
        return Tensor(shape: [rows, columns], scalars: scalars)
    }

    /// Decodes rows `range` into `destination`, `range.count · columns` floats, row after row.
    ///
    /// - Precondition: `range` lies within `0..<rows`.
    public func dequantizeRows(_ range: Range<Int>, into destination: UnsafeMutablePointer<Float>) {
        precondition(range.lowerBound >= 0 && range.upperBound <= rows,
                     "dequantizeRows: rows \(range) outside 0..<\(rows)")
        guard !range.isEmpty, columns > 0, let base = bytes.baseAddress else { return }
        let blocksPerRow = columns / type.blockSize
        type.decode(blocks: blocksPerRow * range.count, from: base + range.lowerBound * bytesPerRow,
                    into: destination)
    }

    /// The rows `ids` as dense floats `[ids.count, columns]` (an embedding lookup that decodes
    /// only the rows it needs). A constant: no gradient flows to a stored matrix.
    ///
    /// - Precondition: every id lies within `0..<rows` (token ids are checked by the model).
    public func rows(_ ids: [Int]) -> Tensor {
        for id in ids { precondition(id >= 0 && id < rows, "row \(id) out of range 0..<\(rows)") }
        let total = ids.count * columns
        let scalars = [Float](unsafeUninitializedCapacity: total) { buffer, initialized in
            if total > 0 {
                for (i, id) in ids.enumerated() {
                    dequantizeRows(id..<(id + 1), into: buffer.baseAddress! + i * columns)
                }
            }
            initialized = total
        }
        return Tensor(shape: [ids.count, columns], scalars: scalars)
    }
}
