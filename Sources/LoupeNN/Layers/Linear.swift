import Foundation
import LoupeTensor

/// A fully connected layer `y = x Wᵀ + b`, with PyTorch's layout: `weight` is `[out, in]`.
/// Initialised like PyTorch (uniform ±1/√in for weight and bias).
public final class Linear: Module {
    public let path: String
    public let weight: Parameter
    public let bias: Parameter?

    public init(_ inputSize: Int, _ outputSize: Int, bias: Bool = true, path: String,
                generator: inout RandomGenerator) {
        self.path = path
        let bound = 1 / Float(inputSize).squareRoot()
        weight = Parameter(name: joinPath(path, "weight"),
                           value: .randomUniform([outputSize, inputSize], lower: -bound, upper: bound, using: &generator))
        self.bias = bias ? Parameter(name: joinPath(path, "bias"),
                                     value: .randomUniform([outputSize], lower: -bound, upper: bound, using: &generator)) : nil
    }

    /// A layer with given values (a pretrained checkpoint's): `weight` `[out, in]`, `bias` `[out]`.
    public init(weight: Tensor, bias: Tensor?, path: String) {
        precondition(weight.rank == 2, "\(path): Linear weight must be [out, in], got \(weight.shape)")
        precondition(bias.map { $0.shape == [weight.shape[0]] } ?? true,
                     "\(path): Linear bias \(bias?.shape ?? []) for weight \(weight.shape)")
        self.path = path
        self.weight = Parameter(name: joinPath(path, "weight"), value: weight)
        self.bias = bias.map { Parameter(name: joinPath(path, "bias"), value: $0) }
    }

    public var ownParameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }
    public var inputSize: Int { weight.value.shape[1] }
    public var outputSize: Int { weight.value.shape[0] }

    /// Applies the layer to the last axis of `x` (`[..., in]` → `[..., out]`).
    public func callAsFunction(_ x: Tensor) -> Tensor {
        hooked(x.linear(weight: weight.tensor, bias: bias?.tensor))
    }
}
