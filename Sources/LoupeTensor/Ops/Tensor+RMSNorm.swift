import Foundation

/// Root-mean-square layer normalisation over the last axis (Zhang & Sennrich, "Root Mean Square
/// Layer Normalization", NeurIPS 2019), as LLaMA's and Qwen2's `RMSNorm`.
extension Tensor {
    /// `x / √(mean(x²) + ε) · weight` over the last axis; `weight` has the shape of that axis.
    ///
    /// The derivative is analytic: with `r = 1/√(mean(x²) + ε)`, `ĝ = g ⊙ weight` and `n` the
    /// width, `dx = r·ĝ − (r³/n)·x·Σ ĝ⊙x`, `dweight = Σ_rows g ⊙ x · r`.
    public func rmsNormalized(weight: Tensor, epsilon: Float) -> Tensor {
        precondition(rank >= 1, "RMS norm of a scalar")
        let width = shape[rank - 1]
        precondition(weight.shape == [width], "RMS norm over \(width) features: weight \(weight.shape)")
        let rows = width == 0 ? 0 : count / width
        var inverseRMS = [Float](repeating: 0, count: rows)
        let out = [Float](unsafeUninitializedCapacity: count) { po, initialized in
            scalars.withUnsafeBufferPointer { px in
                weight.scalars.withUnsafeBufferPointer { pw in
                    for r in 0..<rows {
                        let x = px.baseAddress! + r * width
                        var sum: Float = 0
                        for j in 0..<width { sum += x[j] * x[j] }
                        let inv = 1 / (sum / Float(width) + epsilon).squareRoot()
                        inverseRMS[r] = inv
                        let y = po.baseAddress! + r * width
                        for j in 0..<width { y[j] = pw[j] * (x[j] * inv) }
                    }
                }
            }
            initialized = count
        }
        let x = detached, w = weight.detached, inverse = inverseRMS
        return Tensor.record("rms-norm", shape: shape, scalars: out, inputs: [self, weight]) { g, needs in
            var dx: [Float]? = needs[0] ? [Float](repeating: 0, count: x.count) : nil
            var dw: [Float]? = needs[1] ? [Float](repeating: 0, count: width) : nil
            x.scalars.withUnsafeBufferPointer { px in
                w.scalars.withUnsafeBufferPointer { pw in
                    g.scalars.withUnsafeBufferPointer { pg in
                        for r in 0..<rows {
                            let xr = px.baseAddress! + r * width, gr = pg.baseAddress! + r * width
                            let inv = inverse[r]
                            if dx != nil {
                                var dot: Float = 0
                                for j in 0..<width { dot += gr[j] * pw[j] * xr[j] }
                                let c = inv * inv * inv * dot / Float(width)
                                dx!.withUnsafeMutableBufferPointer { pd in
                                    let d = pd.baseAddress! + r * width
                                    for j in 0..<width { d[j] = inv * gr[j] * pw[j] - c * xr[j] }
                                }
                            }
                            if dw != nil {
                                dw!.withUnsafeMutableBufferPointer { pd in
                                    for j in 0..<width { pd[j] += gr[j] * xr[j] * inv }
                                }
                            }
                        }
                    }
                }
            }
            return [dx.map { Tensor(shape: x.shape, scalars: $0) }, dw.map { Tensor(shape: [width], scalars: $0) }]
        }
    }
}
