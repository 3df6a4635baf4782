import LoupeTensor

/// Layer normalisation over the last axis, PyTorch's `nn.LayerNorm(dimension, eps)` with an
/// elementwise affine transform: parameters `weight` (ones) and `bias` (zeros), `[dimension]`.
public final class LayerNorm: Module {
    public let path: String
    public let weight: Parameter
    public let bias: Parameter
    public let epsilon: Float

    public init(_ dimension: Int, epsilon: Float = 1e-5, path: String) {
        self.path = path
        self.epsilon = epsilon
        weight = Parameter(name: joinPath(path, "weight"), value: .ones([dimension]))
        bias = Parameter(name: joinPath(path, "bias"), value: .zeros([dimension]))
    }

    public var ownParameters: [Parameter] { [weight, bias] }
    public var dimension: Int { weight.value.shape[0] }

    /// Normalises the last axis of `x` (`[..., dimension]`).
    public func callAsFunction(_ x: Tensor) -> Tensor {
        hooked(x.layerNormalized(weight: weight.tensor, bias: bias.tensor, epsilon: epsilon))
    }

    /// Normalises `x + residual` in one fused pass (a post-LN block's "add & norm"); the same
    /// as `self(x + residual)`.
    public func callAsFunction(_ x: Tensor, adding residual: Tensor) -> Tensor {
        hooked(x.layerNormalized(adding: residual, weight: weight.tensor, bias: bias.tensor, epsilon: epsilon))
    }
}
