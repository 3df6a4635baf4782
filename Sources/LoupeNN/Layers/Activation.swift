import LoupeTensor

/// An elementwise nonlinearity, named as in configuration files (`"relu"`, `"gelu"`, …).
public enum Activation: String, CaseIterable, Sendable {
    case relu
    /// The exact (erf) GELU, PyTorch's default.
    case gelu
    case tanh
    case sigmoid
    case identity

    /// Applies the nonlinearity.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        switch self {
        case .relu: return x.relu()
        case .gelu: return x.gelu()
        case .tanh: return x.tanh()
        case .sigmoid: return x.sigmoid()
        case .identity: return x
        }
    }

    /// Parses a configuration name (case-insensitive).
    public init?(name: String) { self.init(rawValue: name.lowercased()) }
}
