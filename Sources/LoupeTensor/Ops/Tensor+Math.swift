import CLoupeKernels
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

    /// GELU with the exact erf form, `x·Φ(x)` (Hendrycks & Gimpel, 2016; PyTorch's default
    /// `approximate='none'`). Derivative `Φ(x) + x·φ(x)`. Both run in the C kernels
    /// `loupe_gelu_forward` / `loupe_gelu_backward` (Φ from an erfc fit of relative error
    /// below 1.2e-7, so the lower tail keeps its digits).
    public func gelu() -> Tensor {
        elementwiseKernel("gelu", forward: loupe_gelu_forward, backward: loupe_gelu_backward)
    }

    /// An element-wise op whose value and derivative are C kernels over contiguous floats
    /// (`backward(n, x, g, dx)` writes `g ⊙ f′(x)`).
    func elementwiseKernel(_ op: String,
                           forward: (Int, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void,
                           backward: @escaping (Int, UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void) -> Tensor {
        let n = count
        let out = [Float](unsafeUninitializedCapacity: n) { buffer, initialized in
            scalars.withUnsafeBufferPointer { px in
                if n > 0 { forward(n, px.baseAddress!, buffer.baseAddress!) }
            }
            initialized = n
        }
        let x = scalars, shape = self.shape
        return Tensor.record(op, shape: shape, scalars: out, inputs: [self]) { g, _ in
            let dg = g.scalars
            let dx = [Float](unsafeUninitializedCapacity: n) { buffer, initialized in
                x.withUnsafeBufferPointer { px in
                    dg.withUnsafeBufferPointer { pg in
                        if n > 0 { backward(n, px.baseAddress!, pg.baseAddress!, buffer.baseAddress!) }
                    }
                }
                initialized = n
            }
            return [Tensor(shape: shape, scalars: dx)]
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
