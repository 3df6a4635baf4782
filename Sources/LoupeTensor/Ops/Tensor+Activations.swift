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
