import Foundation
import LoupeTensor

/// Multi-head self-attention with PyTorch's `nn.MultiheadAttention` layout and batch-first input.
///
/// Parameters: `in_proj_weight` `[3E, E]` = `[W_q; W_k; W_v]`, `in_proj_bias` `[3E]`, and the
/// output projection `out_proj` (a ``Linear`` at `<path>.out_proj`). Scores are scaled by
/// `1/√(E/heads)`; padded keys are excluded before the softmax.
///
/// The whole batch is projected with one `[B·T, E] × [E, 3E]` product; heads are read from the
/// packed projection by strided matrix products (see ``LoupeTensor/Tensor/attentionWeights(heads:keyPadding:scale:)``).
public final class MultiheadSelfAttention: Module {
    public let path: String
    public let heads: Int
    public let inProjWeight: Parameter
    public let inProjBias: Parameter
    public let outProj: Linear
    /// The attention pattern `[B, heads, T, T]` (a hook point, not a submodule). When a hook is
    /// installed on it, the pattern is computed on the tape so that captured patterns carry
    /// gradients and replaced patterns change the output.
    public let pattern: HookPoint

    /// Initialised like PyTorch: Xavier-uniform `in_proj_weight`, zero biases.
    public init(embedDimension: Int, heads: Int, path: String, generator: inout RandomGenerator) {
        precondition(heads > 0 && embedDimension % heads == 0,
                     "embedding size \(embedDimension) is not divisible by \(heads) heads")
        self.path = path
        pattern = HookPoint(path: joinPath(path, "hook_pattern"))
        self.heads = heads
        let bound = (6 / Float(4 * embedDimension)).squareRoot()
        inProjWeight = Parameter(name: joinPath(path, "in_proj_weight"),
                                 value: .randomUniform([3 * embedDimension, embedDimension],
                                                       lower: -bound, upper: bound, using: &generator))
        inProjBias = Parameter(name: joinPath(path, "in_proj_bias"), value: .zeros([3 * embedDimension]))
        outProj = Linear(embedDimension, embedDimension, path: joinPath(path, "out_proj"), generator: &generator)
        outProj.bias?.value = .zeros([embedDimension])
    }

    public var ownParameters: [Parameter] { [inProjWeight, inProjBias] }
    public var submodules: [Module] { [outProj] }
    public var embedDimension: Int { inProjWeight.value.shape[1] }
    public var headDimension: Int { embedDimension / heads }

    /// Attends over `x` `[B, T, E]` → `[B, T, E]`.
    public func callAsFunction(_ x: Tensor, keyPaddingMask: KeyPaddingMask? = nil) -> Tensor {
        attend(x, keyPaddingMask: keyPaddingMask).output
    }

    /// Attends over `x` `[B, T, E]` and also returns the per-head attention weights
    /// `[B, heads, T, T]` (query rows, key columns; rows sum to 1 over the real keys).
    ///
    /// - Parameter differentiableWeights: when true the weights are a tensor on the tape (so
    ///   gradients with respect to them can be taken); by default they are a constant and the
    ///   attention runs as one fused op, which is faster.
    public func attend(_ x: Tensor, keyPaddingMask: KeyPaddingMask? = nil,
                       differentiableWeights: Bool = false) -> (output: Tensor, weights: Tensor) {
        precondition(x.rank == 3 && x.shape[2] == embedDimension,
                     "\(path): attention input must be [B, T, \(embedDimension)], got \(x.shape)")
        if let keyPaddingMask {
            precondition(keyPaddingMask.batchSize == x.shape[0] && keyPaddingMask.length == x.shape[1],
                         "\(path): key padding mask \(keyPaddingMask.batchSize)×\(keyPaddingMask.length) for input \(x.shape)")
        }
        let packed = x.linear(weight: inProjWeight.tensor, bias: inProjBias.tensor)
        let padding = keyPaddingMask.flatMap { $0.hasPadding ? $0.isPadded : nil }
        if differentiableWeights || HookRegistry.isHooked(pattern) {
            let weights = pattern(packed.attentionWeights(heads: heads, keyPadding: padding))
            return (hooked(outProj(packed.attentionContext(weights: weights))), weights)
        }
        let (context, weights) = packed.selfAttention(heads: heads, keyPadding: padding)
        return (hooked(outProj(context)), weights)
    }
}
