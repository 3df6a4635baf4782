import LoupeNN
import LoupeTensor

/// Root-mean-square normalisation over the last axis with a learned scale (Zhang & Sennrich,
/// 2019): LLaMA's and Qwen2's `RMSNorm(hidden, eps)`, parameter `weight` `[dimension]`.
public final class RMSNorm: Module {
    public let path: String
    public let weight: Parameter
    public let epsilon: Float

    public init(weight: Tensor, epsilon: Float, path: String) {
        self.path = path
        self.epsilon = epsilon
        self.weight = Parameter(name: joinPath(path, "weight"), value: weight)
    }

    public var ownParameters: [Parameter] { [weight] }
    public var dimension: Int { weight.value.shape[0] }

    /// Normalises the last axis of `x` (`[..., dimension]`).
    public func callAsFunction(_ x: Tensor) -> Tensor {
        hooked(x.rmsNormalized(weight: weight.tensor, epsilon: epsilon))
    }
}

/// A normalisation layer of a decoder block: LayerNorm (GPT-2) or RMSNorm (LLaMA, Qwen2).
protocol DecoderNormalization: Module {
    func callAsFunction(_ x: Tensor) -> Tensor
}

extension RMSNorm: DecoderNormalization {}
extension LayerNorm: DecoderNormalization {}
