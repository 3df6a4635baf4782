import Foundation

/// How a rotary embedding pairs the features of a head (Su et al., "RoFormer: Enhanced
/// Transformer with Rotary Position Embedding", 2021).
public enum RotaryPairing: Sendable, Equatable {
    /// Feature `i` rotates with feature `i + r/2` (GPT-NeoX's and Hugging Face's `rotate_half`).
    case halves
    /// Feature `2i` rotates with feature `2i + 1` (the original RoFormer / GGML's `llama` rope).
    case adjacent
}

/// Rotary position embeddings as one differentiable op.
extension Tensor {
    /// Rotates the first `2 · inverseFrequencies.count` features of every head of `self`
    /// (`[B, T, heads · headDimension]`) by the angles `position · inverseFrequencies[i]`, and
    /// multiplies the rotated features by `scaling` (Hugging Face's `attention_scaling`); the
    /// remaining features of a head (partial rotary) pass through unchanged.
    ///
    /// - Parameters:
    ///   - positions: the position of every row, `B · T` of them (row-major), or `T` shared by
    ///     every sequence of the batch.
    ///   - pairing: which features rotate together.
    ///
    /// Angles are computed as `Float(position) · frequency` in single precision, as transformers
    /// does. The op is linear in `self`; its derivative is the inverse rotation of the gradient.
    public func rotaryEmbedded(heads: Int, positions: [Int], inverseFrequencies: [Float], scaling: Float = 1,
                               pairing: RotaryPairing = .halves) -> Tensor {
        precondition(rank == 3 && heads > 0 && shape[2] % heads == 0,
                     "rotary embedding needs [B, T, heads·d], got \(shape) for \(heads) heads")
        let (b, t) = (shape[0], shape[1])
        let d = shape[2] / heads
        let half = inverseFrequencies.count
        precondition(2 * half <= d, "rotary embedding of \(2 * half) features in heads of \(d)")
        precondition(positions.count == b * t || positions.count == t,
                     "rotary embedding: \(positions.count) positions for \(b)×\(t) rows")
        let shared = positions.count == t && b != 1
        // cos/sin per distinct row position.
        let tableRows = shared ? t : b * t
        var cosines = [Float](repeating: 0, count: tableRows * half)
        var sines = [Float](repeating: 0, count: tableRows * half)
        for r in 0..<tableRows {
            let p = Float(positions[r])
            for i in 0..<half {
                let angle = p * inverseFrequencies[i]
                cosines[r * half + i] = Foundation.cos(angle) * scaling
                sines[r * half + i] = Foundation.sin(angle) * scaling
            }
        }
        let width = shape[2]
        func rotate(_ source: [Float], inverse: Bool) -> [Float] {
            var out = source
            source.withUnsafeBufferPointer { px in
                out.withUnsafeMutableBufferPointer { po in
                    for row in 0..<(b * t) {
                        let table = (shared ? row % t : row) * half
                        for h in 0..<heads {
                            let base = row * width + h * d
                            for i in 0..<half {
                                let (first, second) = pairing == .halves ? (base + i, base + i + half)
                                                                         : (base + 2 * i, base + 2 * i + 1)
                                let c = cosines[table + i]
                                let s = inverse ? -sines[table + i] : sines[table + i]
                                let x1 = px[first], x2 = px[second]
                                po[first] = x1 * c - x2 * s
                                po[second] = x2 * c + x1 * s
                            }
                        }
                    }
                }
            }
            return out
        }
        let out = rotate(scalars, inverse: false)
        let outShape = shape
        return Tensor.record("rotary-embedding", shape: shape, scalars: out, inputs: [self]) { g, _ in
            // The transpose of a rotation scaled by `scaling` is the inverse rotation, same scale.
            [Tensor(shape: outShape, scalars: rotate(g.scalars, inverse: true))]
        }
    }
}
