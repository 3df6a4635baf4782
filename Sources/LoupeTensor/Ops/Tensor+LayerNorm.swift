import CLoupeKernels
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
        var normalized = [Float](unsafeUninitializedCapacity: total) { _, initialized in initialized = total }
        let out = [Float](unsafeUninitializedCapacity: total) { po, initialized in
            if total > 0 {
                scalars.withUnsafeBufferPointer { px in
                    weight.scalars.withUnsafeBufferPointer { pw in
                        bias.scalars.withUnsafeBufferPointer { pb in
                            normalized.withUnsafeMutableBufferPointer { pn in
                                inverseStd.withUnsafeMutableBufferPointer { pr in
                                    Tensor.withOptionalScalars(residual) { pres in
                                        loupe_layer_norm_forward(rows, Int32(width), px.baseAddress!, pres,
                                                                 pw.baseAddress!, pb.baseAddress!, epsilon,
                                                                 pn.baseAddress!, pr.baseAddress!, po.baseAddress!)
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
                            if total > 0 {
                                gamma.withUnsafeBufferPointer { pw in
                                    rstds.withUnsafeBufferPointer { pr in
                                        loupe_layer_norm_backward(rows, Int32(width), pg.baseAddress!, pn.baseAddress!,
                                                                  pr.baseAddress!, pw.baseAddress!, pd.baseAddress!)
                                    }
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

extension Tensor {
    /// Calls `body` with the scalars of `tensor`, or with nil when there is none.
    static func withOptionalScalars<R>(_ tensor: Tensor?, _ body: (UnsafePointer<Float>?) -> R) -> R {
        guard let tensor else { return body(nil) }
        return tensor.scalars.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}
