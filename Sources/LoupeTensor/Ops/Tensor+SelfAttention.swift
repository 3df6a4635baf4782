import CLoupeKernels
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
        // Every element of both buffers is written by the kernel below.
        var probs = [Float](unsafeUninitializedCapacity: b * heads * tt) { _, n in n = b * heads * tt }
        var context = [Float](unsafeUninitializedCapacity: b * t * e) { _, n in n = b * t * e }
        probs.withUnsafeMutableBufferPointer { pp in
            context.withUnsafeMutableBufferPointer { po in
                packed.withUnsafeBufferPointer { px in
                    Tensor.withPaddingFlags(keyPadding) { flags in
                        guard let x = px.baseAddress, let p = pp.baseAddress, let o = po.baseAddress else { return }
                        Tensor.forEachBatchChunk(b, work: heads * tt * d) { range in
                            Tensor.withAttentionScratch(t: t, d: d) { scratch in
                                for bi in range {
                                    let base = x + bi * t * 3 * e
                                    for h in 0..<heads {
                                        loupe_attention_forward(Int32(t), Int32(d), alpha, base + h * d, base + e + h * d,
                                                                base + 2 * e + h * d, 3 * e, flags.map { $0 + bi * t },
                                                                p + (bi * heads + h) * tt, o + bi * t * e + h * d, e,
                                                                scratch)
                                    }
                                }
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
                                Tensor.withAttentionScratch(t: t, d: d) { scratch in
                                    for bi in range {
                                        let base = x + bi * t * 3 * e, dbase = dx + bi * t * 3 * e
                                        for h in 0..<heads {
                                            loupe_attention_backward(
                                                Int32(t), Int32(d), alpha, base + h * d, base + e + h * d,
                                                base + 2 * e + h * d, 3 * e, w + (bi * heads + h) * tt,
                                                gOut + bi * t * e + h * d, e, dbase + h * d, dbase + e + h * d,
                                                dbase + 2 * e + h * d, 3 * e, scratch)
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

    /// Calls `body` with scratch memory for the attention kernels of a `t`-token block.
    static func withAttentionScratch(t: Int, d: Int, _ body: (UnsafeMutablePointer<Float>) -> Void) {
        let count = Swift.max(1, loupe_attention_scratch_count(Int32(t), Int32(d)))
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: count)
        defer { scratch.deallocate() }
        body(scratch)
    }

    /// Calls `body` with the padding flags as bytes (Swift's `Bool` is one byte, 0 or 1), or nil.
    static func withPaddingFlags<R>(_ flags: [Bool]?, _ body: (UnsafePointer<UInt8>?) -> R) -> R {
        guard let flags else { return body(nil) }
        return flags.withUnsafeBufferPointer { p in
            body(p.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: UInt8.self) })
        }
    }

    /// Runs `body` over `0..<count` split into contiguous chunks, one per worker thread when the
    /// work (multiply–adds per item) is large enough to pay for the threads.
    static func forEachBatchChunk(_ count: Int, work: Int, _ body: (Range<Int>) -> Void) {
        let workers = Swift.min(count, Swift.max(1, GEMM.effectiveThreadCount))
        guard workers > 1, count * work >= 1 << 18 else {
            body(0..<count)
            return
        }
        Parallel.forEachPart(count, parts: workers, body)
    }
}
