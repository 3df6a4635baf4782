import Foundation

/// Causal scaled dot-product attention with grouped-query heads (Vaswani et al., 2017; Ainslie et
/// al., "GQA: Training Generalized Multi-Query Transformer Models from Multi-Head Checkpoints",
/// 2023) as two ops — weights, then context — so the attention pattern is a real tensor on the
/// tape that can be captured, replaced and differentiated.
///
/// Queries are `[B, Tq, heads · d]`, keys and values `[B, Tk, keyValueHeads · d]` (heads are
/// contiguous `d`-wide slices of the last axis, as a projection's output); query head `h` reads
/// key/value head `h / (heads / keyValueHeads)`, as transformers' `repeat_kv`. Heads are
/// addressed with strided GEMMs, so no per-head copies are made.
extension Tensor {
    /// Attention weights `softmax(scale · Q Kᵀ + mask)` per query head, `[B, heads, Tq, Tk]`.
    ///
    /// Query row `i` sits at position `queryOffset + i` of the key sequence (the number of
    /// cached positions before it) and sees keys `j ≤ queryOffset + i` that are not padded.
    ///
    /// - Parameters:
    ///   - keyPadding: `B · Tk` flags, true for a padded key (weight 0). A query row that sees no
    ///     key gets all-zero weights.
    ///   - scale: multiplies the scores; default `1/√d`.
    public static func causalAttentionWeights(query: Tensor, key: Tensor, heads: Int, keyValueHeads: Int,
                                              queryOffset: Int = 0, keyPadding: [Bool]? = nil,
                                              scale: Float? = nil) -> Tensor {
        let (b, tq, tk, d) = groupedAttentionShape(query: query, key: key, heads: heads, keyValueHeads: keyValueHeads)
        if let keyPadding { precondition(keyPadding.count == b * tk, "key padding holds \(keyPadding.count) flags for \(b)×\(tk)") }
        let alpha = scale ?? 1 / Float(d).squareRoot()
        let group = heads / keyValueHeads
        let (qWidth, kWidth) = (heads * d, keyValueHeads * d)
        let block = tq * tk
        var probs = [Float](repeating: 0, count: b * heads * block)
        query.scalars.withUnsafeBufferPointer { pq in
            key.scalars.withUnsafeBufferPointer { pk in
                probs.withUnsafeMutableBufferPointer { pp in
                    for bi in 0..<b {
                        for h in 0..<heads {
                            let p = pp.baseAddress! + (bi * heads + h) * block
                            if d > 0 {
                                GEMM.multiply(transposeA: false, transposeB: true, m: tq, n: tk, k: d, alpha: alpha,
                                              a: pq.baseAddress! + bi * tq * qWidth + h * d, lda: qWidth,
                                              b: pk.baseAddress! + bi * tk * kWidth + (h / group) * d, ldb: kWidth,
                                              c: p, ldc: tk)
                            }
                            causalSoftmaxRows(p, rows: tq, width: tk, queryOffset: queryOffset,
                                              padded: keyPadding, offset: bi * tk)
                        }
                    }
                }
            }
        }
        let q = query.detached, k = key.detached
        let weights = probs
        return Tensor.record("causal-attention-weights", shape: [b, heads, tq, tk], scalars: probs,
                             inputs: [query, key]) { g, needs in
            var dq = [Float](repeating: 0, count: needs[0] ? q.count : 0)
            var dk = [Float](repeating: 0, count: needs[1] ? k.count : 0)
            var ds = [Float](repeating: 0, count: block)
            q.scalars.withUnsafeBufferPointer { pq in
                k.scalars.withUnsafeBufferPointer { pk in
                    weights.withUnsafeBufferPointer { pw in
                        g.scalars.withUnsafeBufferPointer { pg in
                            ds.withUnsafeMutableBufferPointer { ps in
                                for bi in 0..<b {
                                    for h in 0..<heads where d > 0 {
                                        let off = (bi * heads + h) * block
                                        // dS = P ⊙ (dP − Σ_j dP ⊙ P) per row (the softmax adjoint).
                                        for r in 0..<tq {
                                            var dot: Float = 0
                                            for c in 0..<tk { dot += pg[off + r * tk + c] * pw[off + r * tk + c] }
                                            for c in 0..<tk {
                                                ps[r * tk + c] = pw[off + r * tk + c] * (pg[off + r * tk + c] - dot)
                                            }
                                        }
                                        let qh = bi * tq * qWidth + h * d, kh = bi * tk * kWidth + (h / group) * d
                                        if needs[0] {
                                            // dQ = scale · dS K
                                            dq.withUnsafeMutableBufferPointer { pd in
                                                GEMM.multiply(transposeA: false, transposeB: false, m: tq, n: d, k: tk,
                                                              alpha: alpha, a: ps.baseAddress!, lda: tk,
                                                              b: pk.baseAddress! + kh, ldb: kWidth,
                                                              beta: 1, c: pd.baseAddress! + qh, ldc: qWidth)
                                            }
                                        }
                                        if needs[1] {
                                            // dK += scale · dSᵀ Q (summed over the heads of a group)
                                            dk.withUnsafeMutableBufferPointer { pd in
                                                GEMM.multiply(transposeA: true, transposeB: false, m: tk, n: d, k: tq,
                                                              alpha: alpha, a: ps.baseAddress!, lda: tk,
                                                              b: pq.baseAddress! + qh, ldb: qWidth,
                                                              beta: 1, c: pd.baseAddress! + kh, ldc: kWidth)
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            return [needs[0] ? Tensor(shape: q.shape, scalars: dq) : nil,
                    needs[1] ? Tensor(shape: k.shape, scalars: dk) : nil]
        }
    }

    /// The attention context `P · V` per query head, heads concatenated: `weights`
    /// `[B, heads, Tq, Tk]` and `values` `[B, Tk, keyValueHeads · d]` → `[B, Tq, heads · d]`.
    public static func groupedAttentionContext(weights: Tensor, values: Tensor, keyValueHeads: Int) -> Tensor {
        precondition(weights.rank == 4 && values.rank == 3, "attention context: weights \(weights.shape), values \(values.shape)")
        let (b, heads, tq, tk) = (weights.shape[0], weights.shape[1], weights.shape[2], weights.shape[3])
        precondition(keyValueHeads > 0 && heads % keyValueHeads == 0 && values.shape[0] == b && values.shape[1] == tk
                     && values.shape[2] % keyValueHeads == 0,
                     "attention context: weights \(weights.shape), values \(values.shape), \(keyValueHeads) key/value heads")
        let d = values.shape[2] / keyValueHeads
        let group = heads / keyValueHeads
        let (oWidth, vWidth) = (heads * d, keyValueHeads * d)
        let block = tq * tk
        var out = [Float](repeating: 0, count: b * tq * oWidth)
        weights.scalars.withUnsafeBufferPointer { pw in
            values.scalars.withUnsafeBufferPointer { pv in
                out.withUnsafeMutableBufferPointer { po in
                    for bi in 0..<b {
                        for h in 0..<heads where d > 0 {
                            GEMM.multiply(transposeA: false, transposeB: false, m: tq, n: d, k: tk,
                                          a: pw.baseAddress! + (bi * heads + h) * block, lda: tk,
                                          b: pv.baseAddress! + bi * tk * vWidth + (h / group) * d, ldb: vWidth,
                                          c: po.baseAddress! + bi * tq * oWidth + h * d, ldc: oWidth)
                        }
                    }
                }
            }
        }
        let p = weights.detached, v = values.detached
        return Tensor.record("grouped-attention-context", shape: [b, tq, oWidth], scalars: out,
                             inputs: [weights, values]) { g, needs in
            var dp = [Float](repeating: 0, count: needs[0] ? p.count : 0)
            var dv = [Float](repeating: 0, count: needs[1] ? v.count : 0)
            p.scalars.withUnsafeBufferPointer { pw in
                v.scalars.withUnsafeBufferPointer { pv in
                    g.scalars.withUnsafeBufferPointer { pg in
                        for bi in 0..<b {
                            for h in 0..<heads where d > 0 {
                                let gOut = pg.baseAddress! + bi * tq * oWidth + h * d
                                let vh = bi * tk * vWidth + (h / group) * d
                                let ph = (bi * heads + h) * block
                                if needs[0] {
                                    // dP = dO · Vᵀ
                                    dp.withUnsafeMutableBufferPointer { pd in
                                        GEMM.multiply(transposeA: false, transposeB: true, m: tq, n: tk, k: d,
                                                      a: gOut, lda: oWidth, b: pv.baseAddress! + vh, ldb: vWidth,
                                                      c: pd.baseAddress! + ph, ldc: tk)
                                    }
                                }
                                if needs[1] {
                                    // dV += Pᵀ · dO (summed over the heads of a group)
                                    dv.withUnsafeMutableBufferPointer { pd in
                                        GEMM.multiply(transposeA: true, transposeB: false, m: tk, n: d, k: tq,
                                                      a: pw.baseAddress! + ph, lda: tk, b: gOut, ldb: oWidth,
                                                      beta: 1, c: pd.baseAddress! + vh, ldc: vWidth)
                                    }
                                }
                            }
                        }
                    }
                }
            }
            return [needs[0] ? Tensor(shape: p.shape, scalars: dp) : nil,
                    needs[1] ? Tensor(shape: v.shape, scalars: dv) : nil]
        }
    }

    static func groupedAttentionShape(query: Tensor, key: Tensor, heads: Int,
                                      keyValueHeads: Int) -> (Int, Int, Int, Int) {
        precondition(query.rank == 3 && key.rank == 3 && query.shape[0] == key.shape[0],
                     "grouped attention: query \(query.shape), key \(key.shape) must be [B, T, heads·d]")
        precondition(heads > 0 && keyValueHeads > 0 && heads % keyValueHeads == 0,
                     "grouped attention: \(heads) heads are not a multiple of \(keyValueHeads) key/value heads")
        precondition(query.shape[2] % heads == 0 && query.shape[2] / heads * keyValueHeads == key.shape[2],
                     "grouped attention: query \(query.shape) (\(heads) heads) and key \(key.shape) (\(keyValueHeads) heads)")
        return (query.shape[0], query.shape[1], key.shape[1], query.shape[2] / heads)
    }

    /// In-place row softmax of a `rows × width` score block: row `i` sees columns
    /// `j ≤ queryOffset + i` that are not padded; the others get weight 0.
    static func causalSoftmaxRows(_ p: UnsafeMutablePointer<Float>, rows: Int, width: Int, queryOffset: Int,
                                  padded: [Bool]?, offset: Int) {
        for r in 0..<rows {
            let row = p + r * width
            let visible = Swift.min(width, Swift.max(0, queryOffset + r + 1))
            func allowed(_ c: Int) -> Bool { c < visible && (padded == nil || !padded![offset + c]) }
            var m = -Float.infinity
            for c in 0..<visible where allowed(c) { m = Swift.max(m, row[c]) }
            if m == -.infinity {
                for c in 0..<width { row[c] = 0 }
                continue
            }
            var s: Float = 0
            for c in 0..<width {
                if allowed(c) {
                    let v = Foundation.exp(row[c] - m)
                    row[c] = v
                    s += v
                } else {
                    row[c] = 0
                }
            }
            let inv = 1 / s
            for c in 0..<visible { row[c] *= inv }
        }
    }
}
