import Dispatch
import Foundation

/// Fused multi-head self-attention over a packed `[B, T, 3E]` projection: the context and its
/// whole derivative in one tape node, with the `(batch, head)` blocks spread over threads.
extension Tensor {
    /// `softmax(scale · Q Kᵀ) · V` per head, heads concatenated: `[B, T, 3E]` → `[B, T, E]`, plus
    /// the attention weights `[B, heads, T, T]` as a constant (not on the tape; use
    /// ``attentionWeights(heads:keyPadding:scale:)`` and ``attentionContext(weights:)`` when
    /// gradients with respect to the weights are needed).
    ///
    /// Same conventions as ``attentionWeights(heads:keyPadding:scale:)``: `keyPadding` has `B·T`
    /// flags (true = padded key, weight 0), a query whose keys are all padded gets a zero context,
    /// and `scale` defaults to `1/√(E/heads)`. Results do not depend on the thread count.
    public func selfAttention(heads: Int, keyPadding: [Bool]? = nil, scale: Float? = nil) -> (context: Tensor, weights: Tensor) {
        let (b, t, e) = Tensor.packedAttentionShape(shape, heads: heads)
        let d = e / heads
        let alpha = scale ?? 1 / Float(d).squareRoot()
        if let keyPadding { precondition(keyPadding.count == b * t, "key padding holds \(keyPadding.count) flags for \(b)×\(t)") }
        let tt = t * t
        let packed = scalars
        // Every element of both buffers is written below (GEMMs with beta = 0, then the softmax).
        var probs = [Float](unsafeUninitializedCapacity: b * heads * tt) { _, n in n = b * heads * tt }
        var context = [Float](unsafeUninitializedCapacity: b * t * e) { _, n in n = b * t * e }
        probs.withUnsafeMutableBufferPointer { pp in
            context.withUnsafeMutableBufferPointer { po in
                packed.withUnsafeBufferPointer { px in
                    guard let x = px.baseAddress, let p = pp.baseAddress, let o = po.baseAddress else { return }
                    Tensor.forEachBatchChunk(b, work: heads * tt * d) { range in
                        for bi in range {
                            let base = x + bi * t * 3 * e
                            for h in 0..<heads {
                                let ph = p + (bi * heads + h) * tt
                                GEMM.multiply(transposeA: false, transposeB: true, m: t, n: t, k: d, alpha: alpha,
                                              a: base + h * d, lda: 3 * e, b: base + e + h * d, ldb: 3 * e, c: ph, ldc: t)
                                Tensor.maskedSoftmaxRows(ph, rows: t, width: t, padded: keyPadding, offset: bi * t)
                                GEMM.multiply(transposeA: false, transposeB: false, m: t, n: d, k: t,
                                              a: ph, lda: t, b: base + 2 * e + h * d, ldb: 3 * e,
                                              c: o + bi * t * e + h * d, ldc: e)
                            }
                        }
                    }
                }
            }
        }
        let weights = probs
        let inShape = shape
        let result = Tensor.record("self-attention", shape: [b, t, e], scalars: context, inputs: [self]) { g, _ in
            let dqkv = [Float](unsafeUninitializedCapacity: b * t * 3 * e) { pd, n in
                packed.withUnsafeBufferPointer { px in
                    weights.withUnsafeBufferPointer { pw in
                        g.scalars.withUnsafeBufferPointer { pg in
                            guard let x = px.baseAddress, let w = pw.baseAddress, let gOut = pg.baseAddress,
                                  let dx = pd.baseAddress else { return }
                            Tensor.forEachBatchChunk(b, work: 2 * heads * tt * d) { range in
                                var scratch = [Float](repeating: 0, count: tt)
                                scratch.withUnsafeMutableBufferPointer { ps in
                                    let ds = ps.baseAddress!
                                    for bi in range {
                                        let base = x + bi * t * 3 * e, dbase = dx + bi * t * 3 * e
                                        for h in 0..<heads {
                                            let p = w + (bi * heads + h) * tt
                                            let go = gOut + bi * t * e + h * d
                                            // dP = dO · Vᵀ ; dV = Pᵀ · dO
                                            GEMM.multiply(transposeA: false, transposeB: true, m: t, n: t, k: d,
                                                          a: go, lda: e, b: base + 2 * e + h * d, ldb: 3 * e, c: ds, ldc: t)
                                            GEMM.multiply(transposeA: true, transposeB: false, m: t, n: d, k: t,
                                                          a: p, lda: t, b: go, ldb: e, c: dbase + 2 * e + h * d, ldc: 3 * e)
                                            // dS = P ⊙ (dP − Σ_j dP ⊙ P)
                                            for r in 0..<t {
                                                let pr = p + r * t, sr = ds + r * t
                                                let dot = RowKernels.dot(pr, sr, t)
                                                for c in 0..<t { sr[c] = pr[c] * (sr[c] - dot) }
                                            }
                                            // dQ = scale · dS K ; dK = scale · dSᵀ Q
                                            GEMM.multiply(transposeA: false, transposeB: false, m: t, n: d, k: t, alpha: alpha,
                                                          a: ds, lda: t, b: base + e + h * d, ldb: 3 * e,
                                                          c: dbase + h * d, ldc: 3 * e)
                                            GEMM.multiply(transposeA: true, transposeB: false, m: t, n: d, k: t, alpha: alpha,
                                                          a: ds, lda: t, b: base + h * d, ldb: 3 * e,
                                                          c: dbase + e + h * d, ldc: 3 * e)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                n = b * t * 3 * e
            }
            return [Tensor(shape: inShape, scalars: dqkv)]
        }
        return (result, Tensor(shape: [b, heads, t, t], scalars: weights))
    }

    /// Runs `body` over `0..<count` split into contiguous chunks, one per worker thread when the
    /// work (multiply–adds per item) is large enough to pay for the threads.
    static func forEachBatchChunk(_ count: Int, work: Int, _ body: (Range<Int>) -> Void) {
        let workers = Swift.min(count, Swift.max(1, GEMM.threadCount))
        guard workers > 1, count * work >= 1 << 18 else {
            body(0..<count)
            return
        }
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            body((count * w / workers)..<(count * (w + 1) / workers))
        }
    }
}
