import Foundation

/// Softmax and log-softmax as fused ops (one pass forward, closed-form derivative).
extension Tensor {
    /// `exp(x_i) / Σ_j exp(x_j)` along `axis` (default: last).
    public func softmax(alongAxis axis: Int = -1) -> Tensor {
        let ax = Shape.axis(axis, rank: rank)
        let (outer, n, inner) = splitAround(ax)
        var out = scalars
        Tensor.forEachLane(outer: outer, n: n, inner: inner) { idx in
            var m = -Float.infinity
            for j in idx { m = Swift.max(m, out[j]) }
            var s: Float = 0
            for j in idx { let e = Foundation.exp(out[j] - m); out[j] = e; s += e }
            for j in idx { out[j] /= s }
        }
        let y = out
        return Tensor.record("softmax", shape: shape, scalars: out, inputs: [self]) { g, _ in
            // dx = y ⊙ (g − Σ g⊙y)
            var dx = g.scalars
            Tensor.forEachLane(outer: outer, n: n, inner: inner) { idx in
                var dot: Float = 0
                for j in idx { dot += g.scalars[j] * y[j] }
                for j in idx { dx[j] = y[j] * (g.scalars[j] - dot) }
            }
            return [Tensor(shape: g.shape, scalars: dx)]
        }
    }

    /// `x_i − log Σ_j exp(x_j)` along `axis` (default: last).
    public func logSoftmax(alongAxis axis: Int = -1) -> Tensor {
        let ax = Shape.axis(axis, rank: rank)
        let (outer, n, inner) = splitAround(ax)
        var out = scalars
        Tensor.forEachLane(outer: outer, n: n, inner: inner) { idx in
            var m = -Float.infinity
            for j in idx { m = Swift.max(m, out[j]) }
            var s: Float = 0
            for j in idx { s += Foundation.exp(out[j] - m) }
            let lse = m + Foundation.log(s)
            for j in idx { out[j] -= lse }
        }
        let y = out
        return Tensor.record("log-softmax", shape: shape, scalars: out, inputs: [self]) { g, _ in
            // dx = g − softmax ⊙ Σ g
            var dx = g.scalars
            Tensor.forEachLane(outer: outer, n: n, inner: inner) { idx in
                var total: Float = 0
                for j in idx { total += g.scalars[j] }
                for j in idx { dx[j] = g.scalars[j] - Foundation.exp(y[j]) * total }
            }
            return [Tensor(shape: g.shape, scalars: dx)]
        }
    }

    /// Calls `body` with the flat indices of each lane along the middle axis.
    @inline(__always)
    static func forEachLane(outer: Int, n: Int, inner: Int, _ body: (StrideTo<Int>) -> Void) {
        for o in 0..<outer {
            for i in 0..<inner {
                let start = o * n * inner + i
                body(stride(from: start, to: start + n * inner, by: inner))
            }
        }
    }
}
