import Foundation

/// Multi-head scaled dot-product self-attention (Vaswani et al., 2017) as two fused ops over the
/// packed projection `[B, T, 3E]` = `[Q | K | V]` (heads are contiguous `E/heads` slices of each,
/// as in PyTorch's `nn.MultiheadAttention`). Heads are addressed with strided GEMMs, so no
/// permuted copies of Q, K or V are made.
///
/// Splitting the computation in two (weights, then context) keeps the attention weights a real
/// tensor on the tape: they can be inspected, captured and differentiated.
extension Tensor {
    /// Attention weights `softmax(scale · Q Kᵀ)` per head, `[B, heads, T, T]` (query rows, key
    /// columns), from a packed `[B, T, 3E]` projection.
    ///
    /// - Parameters:
    ///   - heads: number of heads; `E` must be divisible by it.
    ///   - keyPadding: `B·T` flags, true for a padded key: its score becomes −∞ before the
    ///     softmax, so it gets zero weight. A query row whose keys are all padded gets all-zero
    ///     weights (PyTorch would give NaN there).
    ///   - scale: multiplies the scores; default `1/√(E/heads)`.
    public func attentionWeights(heads: Int, keyPadding: [Bool]? = nil, scale: Float? = nil) -> Tensor {
        let (b, t, e) = Tensor.packedAttentionShape(shape, heads: heads)
        let d = e / heads
        let alpha = scale ?? 1 / Float(d).squareRoot()
        if let keyPadding { precondition(keyPadding.count == b * t, "key padding holds \(keyPadding.count) flags for \(b)×\(t)") }
        let tt = t * t
        // Every element is written by the score GEMMs (beta = 0) before the softmax.
        var probs = [Float](unsafeUninitializedCapacity: b * heads * tt) { _, n in n = b * heads * tt }
        scalars.withUnsafeBufferPointer { px in
            probs.withUnsafeMutableBufferPointer { pp in
                for bi in 0..<b {
                    let base = px.baseAddress! + bi * t * 3 * e
                    for h in 0..<heads {
                        let p = pp.baseAddress! + (bi * heads + h) * tt
                        GEMM.multiply(transposeA: false, transposeB: true, m: t, n: t, k: d, alpha: alpha,
                                      a: base + h * d, lda: 3 * e, b: base + e + h * d, ldb: 3 * e,
                                      c: p, ldc: t)
                        Tensor.maskedSoftmaxRows(p, rows: t, width: t, padded: keyPadding, offset: bi * t)
                    }
                }
            }
        }
        let weights = probs
        let inShape = shape
        let x = scalars
        return Tensor.record("attention-weights", shape: [b, heads, t, t], scalars: probs, inputs: [self]) { g, needs in
            var dqkv = [Float](repeating: 0, count: b * t * 3 * e)
            var ds = [Float](repeating: 0, count: tt)
            x.withUnsafeBufferPointer { px in
                weights.withUnsafeBufferPointer { pw in
                    g.scalars.withUnsafeBufferPointer { pg in
                        dqkv.withUnsafeMutableBufferPointer { pd in
                            ds.withUnsafeMutableBufferPointer { ps in
                                for bi in 0..<b {
                                    let base = px.baseAddress! + bi * t * 3 * e
                                    let dbase = pd.baseAddress! + bi * t * 3 * e
                                    for h in 0..<heads {
                                        let off = (bi * heads + h) * tt
                                        // dS = P ⊙ (dP − Σ_j dP ⊙ P) per row (softmax adjoint).
                                        for r in 0..<t {
                                            var dot: Float = 0
                                            for c in 0..<t { dot += pg[off + r * t + c] * pw[off + r * t + c] }
                                            for c in 0..<t {
                                                ps[r * t + c] = pw[off + r * t + c] * (pg[off + r * t + c] - dot)
                                            }
                                        }
                                        // dQ = scale · dS K ; dK = scale · dSᵀ Q
                                        GEMM.multiply(transposeA: false, transposeB: false, m: t, n: d, k: t, alpha: alpha,
                                                      a: ps.baseAddress!, lda: t, b: base + e + h * d, ldb: 3 * e,
                                                      c: dbase + h * d, ldc: 3 * e)
                                        GEMM.multiply(transposeA: true, transposeB: false, m: t, n: d, k: t, alpha: alpha,
                                                      a: ps.baseAddress!, lda: t, b: base + h * d, ldb: 3 * e,
                                                      c: dbase + e + h * d, ldc: 3 * e)
                                    }
                                }
                            }
                        }
                    }
                }
            }
            return [Tensor(shape: inShape, scalars: dqkv)]
        }
    }

    /// The attention context `P · V` per head, heads concatenated back into `[B, T, E]`, for
    /// `weights` `[B, heads, T, T]` and the packed projection `self` `[B, T, 3E]`.
    public func attentionContext(weights: Tensor) -> Tensor {
        precondition(weights.rank == 4, "attention weights must be [B, heads, T, T], got \(weights.shape)")
        let heads = weights.shape[1]
        let (b, t, e) = Tensor.packedAttentionShape(shape, heads: heads)
        precondition(weights.shape == [b, heads, t, t], "attention weights \(weights.shape) for packed \(shape)")
        let d = e / heads
        let tt = t * t
        // Each head's GEMM writes its own columns (beta = 0), covering every element.
        var out = [Float](unsafeUninitializedCapacity: b * t * e) { _, n in n = b * t * e }
        scalars.withUnsafeBufferPointer { px in
            weights.scalars.withUnsafeBufferPointer { pw in
                out.withUnsafeMutableBufferPointer { po in
                    for bi in 0..<b {
                        let base = px.baseAddress! + bi * t * 3 * e
                        for h in 0..<heads {
                            GEMM.multiply(transposeA: false, transposeB: false, m: t, n: d, k: t,
                                          a: pw.baseAddress! + (bi * heads + h) * tt, lda: t,
                                          b: base + 2 * e + h * d, ldb: 3 * e,
                                          c: po.baseAddress! + bi * t * e + h * d, ldc: e)
                        }
                    }
                }
            }
        }
        let packed = detached, probs = weights.detached
        return Tensor.record("attention-context", shape: [b, t, e], scalars: out, inputs: [self, weights]) { g, needs in
            var dqkv: [Float]? = needs[0] ? [Float](repeating: 0, count: packed.count) : nil
            var dp: [Float]? = needs[1] ? [Float](repeating: 0, count: probs.count) : nil
            packed.scalars.withUnsafeBufferPointer { px in
                probs.scalars.withUnsafeBufferPointer { pw in
                    g.scalars.withUnsafeBufferPointer { pg in
                        for bi in 0..<b {
                            let base = px.baseAddress! + bi * t * 3 * e
                            for h in 0..<heads {
                                let gOut = pg.baseAddress! + bi * t * e + h * d
                                let p = pw.baseAddress! + (bi * heads + h) * tt
                                if dqkv != nil {
                                    // dV = Pᵀ · dO
                                    dqkv!.withUnsafeMutableBufferPointer { pd in
                                        GEMM.multiply(transposeA: true, transposeB: false, m: t, n: d, k: t,
                                                      a: p, lda: t, b: gOut, ldb: e,
                                                      c: pd.baseAddress! + bi * t * 3 * e + 2 * e + h * d, ldc: 3 * e)
                                    }
                                }
                                if dp != nil {
                                    // dP = dO · Vᵀ
                                    dp!.withUnsafeMutableBufferPointer { pd in
                                        GEMM.multiply(transposeA: false, transposeB: true, m: t, n: t, k: d,
                                                      a: gOut, lda: e, b: base + 2 * e + h * d, ldb: 3 * e,
                                                      c: pd.baseAddress! + (bi * heads + h) * tt, ldc: t)
                                    }
                                }
                            }
                        }
                    }
                }
            }
            return [dqkv.map { Tensor(shape: packed.shape, scalars: $0) },
                    dp.map { Tensor(shape: probs.shape, scalars: $0) }]
        }
    }

    static func packedAttentionShape(_ shape: [Int], heads: Int) -> (Int, Int, Int) {
        precondition(shape.count == 3 && shape[2] % 3 == 0, "packed attention input must be [B, T, 3E], got \(shape)")
        let e = shape[2] / 3
        precondition(e > 0, "packed attention input needs a positive embedding size, got \(shape)")
        precondition(heads > 0 && e % heads == 0, "embedding size \(e) is not divisible by \(heads) heads")
        return (shape[0], shape[1], e)
    }

    /// In-place row softmax of a `rows × width` block; columns whose key is padded get weight 0.
    static func maskedSoftmaxRows(_ p: UnsafeMutablePointer<Float>, rows: Int, width: Int,
                                  padded: [Bool]?, offset: Int) {
        for r in 0..<rows {
            let row = p + r * width
            var m = -Float.infinity
            for c in 0..<width where padded == nil || !padded![offset + c] { m = Swift.max(m, row[c]) }
            if m == -.infinity {
                for c in 0..<width { row[c] = 0 }
                continue
            }
            var s: Float = 0
            for c in 0..<width {
                if let padded, padded[offset + c] {
                    row[c] = 0
                } else {
                    let v = Foundation.exp(row[c] - m)
                    row[c] = v
                    s += v
                }
            }
            let inv = 1 / s
            for c in 0..<width { row[c] *= inv }
        }
    }
}
