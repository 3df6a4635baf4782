/// Matrix products. Shapes follow `torch.matmul` for ranks ≥ 2: leading (batch) dimensions
/// broadcast; a rank-2 right operand is shared by every batch row, which runs as one GEMM.
extension Tensor {
    /// `op(self) · op(other)` where `op` optionally transposes the last two axes.
    public func matmul(_ other: Tensor, transposeSelf: Bool = false, transposeOther: Bool = false) -> Tensor {
        precondition(rank >= 2 && other.rank >= 2, "matmul needs rank ≥ 2, got \(shape) and \(other.shape)")
        let (ra, ca) = (shape[rank - 2], shape[rank - 1])
        let (rb, cb) = (other.shape[other.rank - 2], other.shape[other.rank - 1])
        let (m, k) = transposeSelf ? (ca, ra) : (ra, ca)
        let (k2, n) = transposeOther ? (cb, rb) : (rb, cb)
        precondition(k == k2, "matmul inner dimensions differ: \(shape)\(transposeSelf ? "ᵀ" : "") · \(other.shape)\(transposeOther ? "ᵀ" : "")")
        let batchA = Array(shape.dropLast(2)), batchB = Array(other.shape.dropLast(2))

        // Fast path: right operand is a plain matrix and left is not transposed → one GEMM.
        if other.rank == 2 && !transposeSelf {
            let totalRows = batchA.reduce(1, *) * m
            let outShape = batchA + [m, n]
            var out = [Float](repeating: 0, count: totalRows * n)
            Tensor.gemm(false, transposeOther, totalRows, n, k, scalars, 0, other.scalars, 0, &out, 0)
            let a = detached, b = other.detached
            return Tensor.record("matmul", shape: outShape, scalars: out, inputs: [self, other]) { g, needs in
                var da: Tensor? = nil, db: Tensor? = nil
                if needs[0] {
                    // dA = g · op(B)ᵀ
                    var d = [Float](repeating: 0, count: a.count)
                    Tensor.gemm(false, !transposeOther, totalRows, k, n, g.scalars, 0, b.scalars, 0, &d, 0)
                    da = Tensor(shape: a.shape, scalars: d)
                }
                if needs[1] {
                    // dB = Aᵀ · g  (or its transpose when B was used transposed)
                    var d = [Float](repeating: 0, count: b.count)
                    if transposeOther {
                        Tensor.gemm(true, false, n, k, totalRows, g.scalars, 0, a.scalars, 0, &d, 0)
                    } else {
                        Tensor.gemm(true, false, k, n, totalRows, a.scalars, 0, g.scalars, 0, &d, 0)
                    }
                    db = Tensor(shape: b.shape, scalars: d)
                }
                return [da, db]
            }
        }

        let batch: [Int]
        do { batch = try Shape.broadcast(batchA, batchB) } catch { preconditionFailure("matmul batch: \(error)") }
        let a = batchA == batch ? self : expanded(to: batch + [ra, ca])
        let b = batchB == batch ? other : other.expanded(to: batch + [rb, cb])
        let count = batch.reduce(1, *)
        var out = [Float](repeating: 0, count: count * m * n)
        for i in 0..<count {
            Tensor.gemm(transposeSelf, transposeOther, m, n, k, a.scalars, i * ra * ca, b.scalars, i * rb * cb, &out, i * m * n)
        }
        let ac = a.detached, bc = b.detached
        let result = Tensor.record("batched-matmul", shape: batch + [m, n], scalars: out, inputs: [a, b]) { g, needs in
            var da: [Float]? = needs[0] ? [Float](repeating: 0, count: ac.count) : nil
            var db: [Float]? = needs[1] ? [Float](repeating: 0, count: bc.count) : nil
            for i in 0..<count {
                if da != nil {
                    // d op(A) = g · op(B)ᵀ ; stored A = op(A) or its transpose
                    if transposeSelf {
                        Tensor.gemm(transposeOther, true, k, m, n, bc.scalars, i * rb * cb, g.scalars, i * m * n, &da!, i * ra * ca)
                    } else {
                        Tensor.gemm(false, !transposeOther, m, k, n, g.scalars, i * m * n, bc.scalars, i * rb * cb, &da!, i * ra * ca)
                    }
                }
                if db != nil {
                    if transposeOther {
                        Tensor.gemm(true, transposeSelf, n, k, m, g.scalars, i * m * n, ac.scalars, i * ra * ca, &db!, i * rb * cb)
                    } else {
                        Tensor.gemm(!transposeSelf, false, k, n, m, ac.scalars, i * ra * ca, g.scalars, i * m * n, &db!, i * rb * cb)
                    }
                }
            }
            return [da.map { Tensor(shape: ac.shape, scalars: $0) }, db.map { Tensor(shape: bc.shape, scalars: $0) }]
        }
        return result
    }

    /// Row-major GEMM on array slices: `C[offC...] = op(A[offA...]) · op(B[offB...])` with
    /// tight leading dimensions.
    @inline(__always)
    static func gemm(_ ta: Bool, _ tb: Bool, _ m: Int, _ n: Int, _ k: Int,
                     _ a: [Float], _ offA: Int, _ b: [Float], _ offB: Int,
                     _ c: inout [Float], _ offC: Int) {
        guard m > 0, n > 0 else { return }
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    if k == 0 {
                        for i in 0..<(m * n) { pc[offC + i] = 0 }
                        return
                    }
                    GEMM.multiply(transposeA: ta, transposeB: tb, m: m, n: n, k: k,
                                  a: pa.baseAddress! + offA, lda: ta ? m : k,
                                  b: pb.baseAddress! + offB, ldb: tb ? k : n,
                                  c: pc.baseAddress! + offC, ldc: n)
                }
            }
        }
    }
}
