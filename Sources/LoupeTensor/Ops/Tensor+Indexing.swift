/// Row gathers (embedding lookup), scatter-add, column scatters and per-row element picks.
extension Tensor {
    /// Rows of a rank-2 table picked by `indices`: result shape `indexShape + [width]`.
    /// The derivative scatters (adds) the incoming gradient back into the picked rows.
    public func gatherRows(_ indices: [Int], indexShape: [Int]? = nil) -> Tensor {
        precondition(rank == 2, "gatherRows needs a rank-2 table, got \(shape)")
        let (rows, width) = (shape[0], shape[1])
        var out = [Float](repeating: 0, count: indices.count * width)
        scalars.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { po in
                for (i, r) in indices.enumerated() {
                    precondition(r >= 0 && r < rows, "row index \(r) out of range 0..<\(rows)")
                    for j in 0..<width { po[i * width + j] = p[r * width + j] }
                }
            }
        }
        let outShape = (indexShape ?? [indices.count]) + [width]
        precondition(outShape.reduce(1, *) == out.count, "index shape \(indexShape ?? []) holds \(indices.count) indices?")
        let inShape = shape
        return Tensor.record("gather-rows", shape: outShape, scalars: out, inputs: [self]) { g, needs in
            // No table-sized zeros when the table's gradient is not wanted (attribution).
            guard needs[0] else { return [nil] }
            return [Tensor.zeros(inShape).scatterAddingRows(indices, g.reshaped([indices.count, width]))]
        }
    }

    /// This rank-2 table with `values` rows added at `indices` (repeats accumulate).
    public func scatterAddingRows(_ indices: [Int], _ values: Tensor) -> Tensor {
        precondition(rank == 2 && values.rank == 2 && values.shape == [indices.count, shape[1]],
                     "scatterAddingRows: table \(shape), \(indices.count) indices, values \(values.shape)")
        let width = shape[1]
        var out = scalars
        values.scalars.withUnsafeBufferPointer { pv in
            out.withUnsafeMutableBufferPointer { po in
                for (i, r) in indices.enumerated() {
                    precondition(r >= 0 && r < shape[0], "row index \(r) out of range 0..<\(shape[0])")
                    for j in 0..<width { po[r * width + j] += pv[i * width + j] }
                }
            }
        }
        let tableShape = shape
        return Tensor.record("scatter-add-rows", shape: shape, scalars: out, inputs: [self, values]) { g, needs in
            [needs[0] ? g : nil,
             needs[1] ? Tensor(shape: tableShape, scalars: g.scalars).gatherRows(indices).detached : nil]
        }
    }

    /// `[..., width]` with this `[..., c]` tensor's column `i` at column `columns[i]` (distinct,
    /// in `0..<width`) and zeros elsewhere: a few computed logits laid out over the whole
    /// vocabulary. The derivative gathers those columns back.
    public func scatteredColumns(_ columns: [Int], width: Int) -> Tensor {
        let c = shape.last ?? 0
        precondition(rank >= 1 && columns.count == c, "scatteredColumns: \(columns.count) columns for \(shape)")
        precondition(columns.allSatisfy { $0 >= 0 && $0 < width } && Set(columns).count == c,
                     "scatteredColumns: columns \(columns) must be distinct and in 0..<\(width)")
        let rows = c == 0 ? 0 : count / c
        var out = [Float](repeating: 0, count: rows * width)
        scalars.withUnsafeBufferPointer { p in
            for r in 0..<rows {
                for (i, j) in columns.enumerated() { out[r * width + j] = p[r * c + i] }
            }
        }
        let inShape = shape
        return Tensor.record("scatter-columns", shape: Array(shape.dropLast()) + [width], scalars: out, inputs: [self]) { g, _ in
            var d = [Float](repeating: 0, count: rows * c)
            g.scalars.withUnsafeBufferPointer { pg in
                for r in 0..<rows {
                    for (i, j) in columns.enumerated() { d[r * c + i] = pg[r * width + j] }
                }
            }
            return [Tensor(shape: inShape, scalars: d)]
        }
    }

    /// For a `[N, C]` tensor, the element `[i, indices[i]]` of each row: shape `[N]`.
    public func picking(_ indices: [Int]) -> Tensor {
        precondition(rank == 2 && indices.count == shape[0], "picking \(indices.count) from \(shape)")
        let c = shape[1]
        let out = indices.enumerated().map { i, k -> Float in
            precondition(k >= 0 && k < c, "class index \(k) out of range 0..<\(c)")
            return scalars[i * c + k]
        }
        let inShape = shape
        return Tensor.record("pick", shape: [indices.count], scalars: out, inputs: [self]) { g, _ in
            var d = [Float](repeating: 0, count: inShape.reduce(1, *))
            for (i, k) in indices.enumerated() { d[i * c + k] = g.scalars[i] }
            return [Tensor(shape: inShape, scalars: d)]
        }
    }
}
