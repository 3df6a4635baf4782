import Foundation

/// Layer normalisation over the last axis as one fused op (Ba, Kiros & Hinton, 2016).
extension Tensor {
    /// `(x − mean) / √(var + ε) · weight + bias` over the last axis, with the biased variance
    /// (as `torch.nn.functional.layer_norm`). `weight` and `bias` have the shape of that axis.
    ///
    /// The derivative is analytic: with `x̂` the normalised input, `r = 1/√(var + ε)` and
    /// `ĝ = g ⊙ weight`, `dx = r · (ĝ − mean(ĝ) − x̂ · mean(ĝ ⊙ x̂))`, `dweight = Σ g ⊙ x̂`,
    /// `dbias = Σ g` (sums over every row).
    ///
    /// With `residual`, normalises `self + residual` (same shape) in the same pass — the
    /// "add & norm" of a post-LN Transformer block — and both summands get `dx`.
    public func layerNormalized(adding residual: Tensor? = nil, weight: Tensor, bias: Tensor,
                                epsilon: Float = 1e-5) -> Tensor {
        precondition(rank >= 1, "layer norm of a scalar")
        if let residual { precondition(residual.shape == shape, "add & norm: \(shape) + \(residual.shape)") }
        let width = shape[rank - 1]
        precondition(weight.shape == [width] && bias.shape == [width],
                     "layer norm over \(width) features: weight \(weight.shape), bias \(bias.shape)")
        let rows = width == 0 ? 0 : count / width
        let total = count
        var inverseStd = [Float](repeating: 0, count: rows)
        let hasResidual = residual != nil  // (an empty array's buffer may still have an address)
        var normalized = [Float](unsafeUninitializedCapacity: total) { _, initialized in initialized = total }
        let out = [Float](unsafeUninitializedCapacity: total) { po, initialized in
            scalars.withUnsafeBufferPointer { px in
              (residual?.scalars ?? []).withUnsafeBufferPointer { pres in
                weight.scalars.withUnsafeBufferPointer { pw in
                    bias.scalars.withUnsafeBufferPointer { pb in
                        normalized.withUnsafeMutableBufferPointer { pn in
                            inverseStd.withUnsafeMutableBufferPointer { pr in
                                let invWidth = 1 / Float(width)
                                for r in 0..<rows {
                                    var x = px.baseAddress! + r * width
                                    let xn = pn.baseAddress! + r * width
                                    let y = po.baseAddress! + r * width
                                    if hasResidual, let res = pres.baseAddress {
                                        // The sum goes into the normalised row, normalised in place below.
                                        RowKernels.sum(x, res + r * width, into: xn, width)
                                        x = UnsafePointer(xn)
                                    }
                                    let mean = RowKernels.sum(x, width) * invWidth
                                    let squares = RowKernels.centeredSquares(x, mean, width)
                                    let rstd = 1 / (squares * invWidth + epsilon).squareRoot()
                                    pr[r] = rstd
                                    let m8 = SIMD8<Float>(repeating: mean), r8 = SIMD8<Float>(repeating: rstd)
                                    var j = 0
                                    while j + 8 <= width {
                                        let xhat = (RowKernels.load(x, j) - m8) * r8
                                        RowKernels.store(xhat, xn, j)
                                        RowKernels.store(xhat * RowKernels.load(pw.baseAddress!, j) + RowKernels.load(pb.baseAddress!, j), y, j)
                                        j += 8
                                    }
                                    while j < width {
                                        let xhat = (x[j] - mean) * rstd
                                        xn[j] = xhat
                                        y[j] = xhat * pw[j] + pb[j]
                                        j += 1
                                    }
                                }
                            }
                        }
                    }
                }
              }
            }
            initialized = total
        }
        let gamma = weight.scalars
        let xhat = normalized
        let rstds = inverseStd
        let weightShape = weight.shape
        var inputs = [self, weight, bias]
        if let residual { inputs.append(residual) }
        return Tensor.record(residual == nil ? "layer-norm" : "add-layer-norm", shape: shape, scalars: out,
                             inputs: inputs) { g, needs in
            var dx: Tensor? = nil, dw: Tensor? = nil, db: Tensor? = nil
            g.scalars.withUnsafeBufferPointer { pg in
                xhat.withUnsafeBufferPointer { pn in
                    if needs[0] || (needs.count > 3 && needs[3]) {
                        let d = [Float](unsafeUninitializedCapacity: total) { pd, initialized in
                            gamma.withUnsafeBufferPointer { pw in
                                let invWidth = 1 / Float(width)
                                for r in 0..<rows {
                                    let gr = pg.baseAddress! + r * width
                                    let xr = pn.baseAddress! + r * width
                                    let dr = pd.baseAddress! + r * width
                                    // ĝ = g ⊙ weight, built into the output row first.
                                    var j = 0
                                    while j + 8 <= width {
                                        RowKernels.store(RowKernels.load(gr, j) * RowKernels.load(pw.baseAddress!, j), dr, j)
                                        j += 8
                                    }
                                    while j < width { dr[j] = gr[j] * pw[j]; j += 1 }
                                    let meanG = RowKernels.sum(dr, width) * invWidth
                                    let meanGX = RowKernels.dot(dr, xr, width) * invWidth
                                    let rstd = rstds[r]
                                    let mg = SIMD8<Float>(repeating: meanG), mgx = SIMD8<Float>(repeating: meanGX)
                                    let r8 = SIMD8<Float>(repeating: rstd)
                                    j = 0
                                    while j + 8 <= width {
                                        let v = r8 * (RowKernels.load(dr, j) - mg - RowKernels.load(xr, j) * mgx)
                                        RowKernels.store(v, dr, j)
                                        j += 8
                                    }
                                    while j < width { dr[j] = rstd * (dr[j] - meanG - xr[j] * meanGX); j += 1 }
                                }
                            }
                            initialized = total
                        }
                        dx = Tensor(shape: g.shape, scalars: d)
                    }
                    if needs[1] || needs[2] {
                        var sw = [Float](repeating: 0, count: width), sb = [Float](repeating: 0, count: width)
                        sw.withUnsafeMutableBufferPointer { pw in
                            sb.withUnsafeMutableBufferPointer { pb in
                                for r in 0..<rows {
                                    let gr = pg.baseAddress! + r * width
                                    let xr = pn.baseAddress! + r * width
                                    RowKernels.add(gr, into: pb.baseAddress!, width)
                                    var j = 0
                                    while j + 8 <= width {
                                        RowKernels.store(RowKernels.load(pw.baseAddress!, j) + RowKernels.load(gr, j) * RowKernels.load(xr, j),
                                                         pw.baseAddress!, j)
                                        j += 8
                                    }
                                    while j < width { pw[j] += gr[j] * xr[j]; j += 1 }
                                }
                            }
                        }
                        if needs[1] { dw = Tensor(shape: weightShape, scalars: sw) }
                        if needs[2] { db = Tensor(shape: weightShape, scalars: sb) }
                    }
                }
            }
            return needs.count > 3 ? [dx, dw, db, dx] : [dx, dw, db]
        }
    }
}
