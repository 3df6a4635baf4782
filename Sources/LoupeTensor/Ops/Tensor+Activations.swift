import CLoupeKernels
import Foundation

/// The activations of decoder language models: SiLU (LLaMA's and Qwen2's SwiGLU) and GELU's tanh
/// approximation (GPT-2's `gelu_new`).
extension Tensor {
    /// SiLU (swish), `x · σ(x)` (Elfwing, Uchibe & Doya, 2018; Ramachandran et al., 2017), as
    /// `torch.nn.functional.silu`. Derivative `σ(x) · (1 + x · (1 − σ(x)))`. Both run in the C
    /// kernel `loupe_silu_forward` / `loupe_silu_backward` (a vectorised exp, relative error
    /// about 1e-7).
    public func silu() -> Tensor {
        elementwiseKernel("silu", forward: loupe_silu_forward, backward: loupe_silu_backward)
    }

    /// SwiGLU's gated product `silu(self) ⊙ up` (Shazeer, "GLU Variants Improve Transformer",
    /// 2020; LLaMA's MLP) as one op: the same values as `silu() * up`, but the tape keeps only
    /// the two inputs (not the SiLU output as well), and both passes are one C kernel
    /// (`loupe_swiglu_forward` / `loupe_swiglu_backward`).
    /// - Precondition: `up` has this tensor's shape.
    public func siluGated(by up: Tensor) -> Tensor {
        precondition(up.shape == shape, "siluGated: gate \(shape) and up \(up.shape) differ")
        let n = count
        let out = [Float](unsafeUninitializedCapacity: n) { buffer, initialized in
            scalars.withUnsafeBufferPointer { pg in
                up.scalars.withUnsafeBufferPointer { pu in
                    if n > 0 { loupe_swiglu_forward(n, pg.baseAddress!, pu.baseAddress!, buffer.baseAddress!) }
                }
            }
            initialized = n
        }
        let (gate, upValues, shape) = (scalars, up.scalars, self.shape)
        return Tensor.record("silu-gated", shape: shape, scalars: out, inputs: [self, up]) { g, needs in
            var dg: [Float]? = needs[0] ? [Float](repeating: 0, count: n) : nil
            var du: [Float]? = needs.count > 1 && needs[1] ? [Float](repeating: 0, count: n) : nil
            if n > 0 {
                gate.withUnsafeBufferPointer { pg in
                    upValues.withUnsafeBufferPointer { pu in
                        g.scalars.withUnsafeBufferPointer { pdy in
                            withOptionalMutableBuffer(&dg) { pdg in
                                withOptionalMutableBuffer(&du) { pdu in
                                    loupe_swiglu_backward(n, pg.baseAddress!, pu.baseAddress!, pdy.baseAddress!, pdg, pdu)
                                }
                            }
                        }
                    }
                }
            }
            return [dg.map { Tensor(shape: shape, scalars: $0) }, du.map { Tensor(shape: shape, scalars: $0) }]
                .prefix(needs.count).map { $0 }
        }
    }

    /// GELU's tanh approximation `½x(1 + tanh(√(2/π)(x + 0.044715x³)))` (Hendrycks & Gimpel,
    /// "Gaussian Error Linear Units", 2016): PyTorch's `gelu(approximate='tanh')`, GPT-2's
    /// `gelu_new`.
    public func geluTanh() -> Tensor {
        let c = Float((2 / Double.pi).squareRoot())
        return unary("gelu-tanh", { v in 0.5 * v * (1 + Foundation.tanh(c * (v + 0.044715 * v * v * v))) }) { g, x, _ in
            g * x.map { v in
                let t = Foundation.tanh(c * (v + 0.044715 * v * v * v))
                return 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * c * (1 + 3 * 0.044715 * v * v)
            }
        }
    }
}

/// Runs `body` with a pointer to `array`'s elements, or `nil` when there is no array.
@inline(__always)
private func withOptionalMutableBuffer<R>(_ array: inout [Float]?, _ body: (UnsafeMutablePointer<Float>?) -> R) -> R {
    guard array != nil else { return body(nil) }
    return array!.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
}
