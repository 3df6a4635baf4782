import Foundation

/// Reductions along one axis or all axes. Axis reductions view the tensor as
/// `[outer, n, inner]` around the reduced axis.
extension Tensor {
    func splitAround(_ axis: Int) -> (outer: Int, n: Int, inner: Int) {
        let outer = shape[..<axis].reduce(1, *)
        let inner = shape[(axis + 1)...].reduce(1, *)
        return (outer, shape[axis], inner)
    }

    static func reducedShape(_ shape: [Int], axis: Int, keepingDimension: Bool) -> [Int] {
        var s = shape
        if keepingDimension { s[axis] = 1 } else { s.remove(at: axis) }
        return s
    }

    /// Sum of all elements (a scalar).
    public func sum() -> Tensor {
        let shape = self.shape
        var total: Float = 0
        scalars.withUnsafeBufferPointer { p in for v in p { total += v } }
        return Tensor.record("sum", shape: [], scalars: [total], inputs: [self]) { g, _ in
            [Tensor(repeating: g.scalars[0], shape: shape)]
        }
    }

    /// Mean of all elements (a scalar).
    public func mean() -> Tensor { sum() * (1 / Float(Swift.max(count, 1))) }

    /// Sum along `axis`.
    public func sum(alongAxis axis: Int, keepingDimension: Bool = false) -> Tensor {
        let ax = Shape.axis(axis, rank: rank)
        let (outer, n, inner) = splitAround(ax)
        var out = [Float](repeating: 0, count: outer * inner)
        scalars.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { po in
                for o in 0..<outer {
                    for k in 0..<n {
                        let base = (o * n + k) * inner
                        for i in 0..<inner { po[o * inner + i] += p[base + i] }
                    }
                }
            }
        }
        let inShape = shape
        let outShape = Tensor.reducedShape(shape, axis: ax, keepingDimension: keepingDimension)
        return Tensor.record("sum-axis", shape: outShape, scalars: out, inputs: [self]) { g, _ in
            [Tensor.spread(g.scalars, outer: outer, n: n, inner: inner, shape: inShape)]
        }
    }

    /// Mean along `axis`.
    public func mean(alongAxis axis: Int, keepingDimension: Bool = false) -> Tensor {
        let ax = Shape.axis(axis, rank: rank)
        return sum(alongAxis: ax, keepingDimension: keepingDimension) * (1 / Float(Swift.max(shape[ax], 1)))
    }

    /// Repeats `[outer, inner]` values `n` times along the middle axis.
    static func spread(_ values: [Float], outer: Int, n: Int, inner: Int, shape: [Int]) -> Tensor {
        var out = [Float](repeating: 0, count: outer * n * inner)
        values.withUnsafeBufferPointer { pv in
            out.withUnsafeMutableBufferPointer { po in
                for o in 0..<outer {
                    for k in 0..<n {
                        let base = (o * n + k) * inner
                        for i in 0..<inner { po[base + i] = pv[o * inner + i] }
                    }
                }
            }
        }
        return Tensor(shape: shape, scalars: out)
    }

    /// Maximum along `axis`; the gradient flows to the first maximal element.
    public func max(alongAxis axis: Int, keepingDimension: Bool = false) -> Tensor {
        let ax = Shape.axis(axis, rank: rank)
        let (outer, n, inner) = splitAround(ax)
        precondition(n > 0, "max over an empty axis of \(shape)")
        var out = [Float](repeating: -.infinity, count: outer * inner)
        var arg = [Int](repeating: 0, count: outer * inner)
        for o in 0..<outer {
            for i in 0..<inner {
                var best = -Float.infinity, at = 0
                for k in 0..<n {
                    let v = scalars[(o * n + k) * inner + i]
                    if v > best || k == 0 { best = v; at = k }
                }
                out[o * inner + i] = best
                arg[o * inner + i] = at
            }
        }
        let inShape = shape
        let outShape = Tensor.reducedShape(shape, axis: ax, keepingDimension: keepingDimension)
        return Tensor.record("max-axis", shape: outShape, scalars: out, inputs: [self]) { g, _ in
            var dx = [Float](repeating: 0, count: outer * n * inner)
            for o in 0..<outer {
                for i in 0..<inner { dx[(o * n + arg[o * inner + i]) * inner + i] = g.scalars[o * inner + i] }
            }
            return [Tensor(shape: inShape, scalars: dx)]
        }
    }

    /// Indices of the maximum along the last axis (not differentiable).
    public func argmax() -> [Int] {
        guard let n = shape.last, n > 0 else { return [] }
        return stride(from: 0, to: count, by: n).map { base in
            var best = base
            for j in base..<(base + n) where scalars[j] > scalars[best] { best = j }
            return best - base
        }
    }

    /// `log Σ exp` along `axis`, computed stably.
    public func logSumExp(alongAxis axis: Int, keepingDimension: Bool = false) -> Tensor {
        let ax = Shape.axis(axis, rank: rank)
        let m = max(alongAxis: ax, keepingDimension: true).detached
        let shifted = (self - m).exp().sum(alongAxis: ax, keepingDimension: true).log() + m
        return keepingDimension ? shifted : shifted.reshaped(Tensor.reducedShape(shape, axis: ax, keepingDimension: false))
    }
}
