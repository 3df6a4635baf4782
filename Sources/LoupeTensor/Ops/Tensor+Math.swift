import Foundation

/// Differentiable elementwise functions and activations.
extension Tensor {
    public func exp() -> Tensor { unary("exp", { Foundation.exp($0) }) { g, _, y in g * y } }
    public func log() -> Tensor { unary("log", { Foundation.log($0) }) { g, x, _ in g / x } }
    public func sqrt() -> Tensor { unary("sqrt", { $0.squareRoot() }) { g, _, y in g / (y * 2) } }
    public func squared() -> Tensor { unary("square", { $0 * $0 }) { g, x, _ in g * x * 2 } }
    public func abs() -> Tensor {
        unary("abs", { Swift.abs($0) }) { g, x, _ in g * x.map { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) } }
    }
    public func tanh() -> Tensor { unary("tanh", { Foundation.tanh($0) }) { g, _, y in g * y.map { 1 - $0 * $0 } } }
    public func sigmoid() -> Tensor {
        unary("sigmoid", Tensor.sigmoidScalar) { g, _, y in g * y.map { $0 * (1 - $0) } }
    }
    public func relu() -> Tensor {
        // One pass each way: dx = g where y > 0, else 0 (no mask tensor, no product op).
        let n = count
        let out = [Float](unsafeUninitializedCapacity: n) { po, initialized in
            scalars.withUnsafeBufferPointer { px in
                Tensor.select(n, where: px.baseAddress!, from: px.baseAddress!, into: po.baseAddress!)
            }
            initialized = n
        }
        let shape = self.shape
        return Tensor.record("relu", shape: shape, scalars: out, inputs: [self]) { g, _ in
            let dx = [Float](unsafeUninitializedCapacity: n) { pd, initialized in
                out.withUnsafeBufferPointer { py in
                    g.scalars.withUnsafeBufferPointer { pg in
                        Tensor.select(n, where: py.baseAddress!, from: pg.baseAddress!, into: pd.baseAddress!)
                    }
                }
                initialized = n
            }
            return [Tensor(shape: shape, scalars: dx)]
        }
    }
    /// `out[i] = key[i] > 0 ? value[i] : 0`, branch-free (the sign of a ReLU input is a coin
    /// toss for the branch predictor), eight lanes at a time.
    @inline(__always)
    static func select(_ n: Int, where key: UnsafePointer<Float>, from value: UnsafePointer<Float>,
                       into out: UnsafeMutablePointer<Float>) {
        var i = 0
        while i + 8 <= n {
            let k = RowKernels.load(key, i), v = RowKernels.load(value, i)
            RowKernels.store(v.replacing(with: 0, where: .!(k .> 0)), out, i)
            i += 8
        }
        while i < n { out[i] = key[i] > 0 ? value[i] : 0; i += 1 }
    }

    /// GELU with the exact erf form, `x·Φ(x)` (PyTorch's default `approximate='none'`).
    public func gelu() -> Tensor {
        unary("gelu", { 0.5 * $0 * (1 + Foundation.erf($0 / 2.0.squareRoot().asFloat)) }) { g, x, _ in
            g * x.map { v in
                let cdf = 0.5 * (1 + Foundation.erf(v / Float(2).squareRoot()))
                let pdf = Foundation.exp(-0.5 * v * v) / Float(2 * Double.pi).squareRoot()
                return cdf + v * pdf
            }
        }
    }
    /// `log(1 + exp(x))`, computed stably.
    public func softplus() -> Tensor {
        unary("softplus", { $0 > 20 ? $0 : Foundation.log1p(Foundation.exp($0)) }) { g, x, _ in
            g * x.map(Tensor.sigmoidScalar)
        }
    }
    /// Clamps into `[lower, upper]`; the gradient is zero outside.
    public func clamped(to range: ClosedRange<Float>) -> Tensor {
        unary("clamp", { Swift.min(Swift.max($0, range.lowerBound), range.upperBound) }) { g, x, _ in
            g * x.map { range.contains($0) ? 1 : 0 }
        }
    }

    @inline(__always)
    static func sigmoidScalar(_ v: Float) -> Float {
        v >= 0 ? 1 / (1 + Foundation.exp(-v)) : { let e = Foundation.exp(v); return e / (1 + e) }()
    }
}

extension Double {
    @inline(__always) var asFloat: Float { Float(self) }
}
