import Foundation
import LoupeTensor

/// The feed-forward nonlinearity of an encoder, as `hidden_act` (BERT, RoBERTa) or `activation`
/// (DistilBERT) names it in `config.json` (transformers' `ACT2FN` names).
public enum EncoderActivation: String, CaseIterable, Sendable {
    /// `gelu`, `gelu_python`: the exact erf form `x·Φ(x)` (Hendrycks & Gimpel, 2016).
    case gelu
    /// `gelu_new`, `gelu_pytorch_tanh`, `gelu_fast`, `gelu_python_tanh`: the tanh approximation
    /// `½x(1 + tanh(√(2/π)(x + 0.044715x³)))` of the original BERT and GPT-2 code.
    case geluTanh = "gelu_new"
    /// `relu`.
    case relu
    /// `silu`, `swish`: `x·σ(x)`.
    case silu
    /// `quick_gelu`: `x·σ(1.702x)`.
    case quickGELU = "quick_gelu"
    /// `tanh`.
    case tanh
    /// `sigmoid`.
    case sigmoid
    /// `linear`: the identity.
    case linear

    /// Parses a transformers activation name; `nil` for one Loupe does not implement.
    public init?(configName name: String) {
        switch name {
        case "gelu", "gelu_python": self = .gelu
        case "gelu_new", "gelu_pytorch_tanh", "gelu_fast", "gelu_python_tanh": self = .geluTanh
        case "relu": self = .relu
        case "silu", "swish": self = .silu
        case "quick_gelu": self = .quickGELU
        case "tanh": self = .tanh
        case "sigmoid": self = .sigmoid
        case "linear": self = .linear
        default: return nil
        }
    }

    /// Applies the nonlinearity (recorded on the tape).
    public func callAsFunction(_ x: Tensor) -> Tensor {
        switch self {
        case .gelu: return x.gelu()
        case .geluTanh:
            let inner = (x + x * x * x * 0.044715) * Float((2 / Double.pi).squareRoot())
            return x * (inner.tanh() + 1) * 0.5
        case .relu: return x.relu()
        case .silu: return x * x.sigmoid()
        case .quickGELU: return x * (x * 1.702).sigmoid()
        case .tanh: return x.tanh()
        case .sigmoid: return x.sigmoid()
        case .linear: return x
        }
    }
}
