import LoupeTensor

/// One Transformer encoder block, matching PyTorch's `nn.TransformerEncoderLayer` with
/// `batch_first=True`. Submodules: `self_attn`, `linear1`, `linear2`, `norm1`, `norm2`,
/// `dropout`, `dropout1`, `dropout2`.
///
/// - Post-LN (`norm_first=False`, PyTorch's default):
///   `x = norm1(x + dropout1(self_attn(x)))`, then `x = norm2(x + dropout2(ff(x)))`.
/// - Pre-LN (`norm_first=True`):
///   `x = x + dropout1(self_attn(norm1(x)))`, then `x = x + dropout2(ff(norm2(x)))`,
/// where `ff(x) = linear2(dropout(activation(linear1(x))))`.
public final class TransformerEncoderLayer: Module {
    /// Where the layer norms sit relative to the residual connections.
    public enum NormPlacement: String, Sendable {
        /// After each residual sum (`norm_first=False`).
        case post
        /// Before each sublayer (`norm_first=True`).
        case pre
    }

    public let path: String
    public let selfAttention: MultiheadSelfAttention
    public let linear1: Linear
    public let linear2: Linear
    public let norm1: LayerNorm
    public let norm2: LayerNorm
    public let dropout: Dropout
    public let dropout1: Dropout
    public let dropout2: Dropout
    public let activation: Activation
    public let normPlacement: NormPlacement
    /// The residual stream entering the block (a hook point, not a submodule).
    public let residualInput: HookPoint

    /// Whether dropout is active (PyTorch's `module.training`); off by default.
    public var isTraining: Bool = false {
        didSet { [dropout, dropout1, dropout2].forEach { $0.isTraining = isTraining } }
    }

    public init(embedDimension: Int, heads: Int, feedForwardDimension: Int,
                activation: Activation = .relu, normPlacement: NormPlacement = .post,
                dropout probability: Float = 0, layerNormEpsilon: Float = 1e-5,
                path: String, generator: inout RandomGenerator) {
        self.path = path
        residualInput = HookPoint(path: joinPath(path, "hook_resid_pre"))
        self.activation = activation
        self.normPlacement = normPlacement
        selfAttention = MultiheadSelfAttention(embedDimension: embedDimension, heads: heads,
                                               path: joinPath(path, "self_attn"), generator: &generator)
        linear1 = Linear(embedDimension, feedForwardDimension, path: joinPath(path, "linear1"), generator: &generator)
        linear2 = Linear(feedForwardDimension, embedDimension, path: joinPath(path, "linear2"), generator: &generator)
        norm1 = LayerNorm(embedDimension, epsilon: layerNormEpsilon, path: joinPath(path, "norm1"))
        norm2 = LayerNorm(embedDimension, epsilon: layerNormEpsilon, path: joinPath(path, "norm2"))
        dropout = Dropout(probability: probability, path: joinPath(path, "dropout"), seed: generator.next())
        dropout1 = Dropout(probability: probability, path: joinPath(path, "dropout1"), seed: generator.next())
        dropout2 = Dropout(probability: probability, path: joinPath(path, "dropout2"), seed: generator.next())
    }

    public var submodules: [Module] {
        [selfAttention, linear1, dropout, linear2, norm1, norm2, dropout1, dropout2]
    }

    /// Encodes `x` `[B, T, E]` → `[B, T, E]`.
    public func callAsFunction(_ x: Tensor, keyPaddingMask: KeyPaddingMask? = nil) -> Tensor {
        encode(x, keyPaddingMask: keyPaddingMask).output
    }

    /// Encodes `x` and also returns the self-attention weights `[B, heads, T, T]`.
    public func encode(_ input: Tensor, keyPaddingMask: KeyPaddingMask? = nil) -> (output: Tensor, attentionWeights: Tensor) {
        let x = residualInput(input)
        switch normPlacement {
        case .post:
            let (attended, weights) = selfAttention.attend(x, keyPaddingMask: keyPaddingMask)
            let h = norm1(x, adding: dropout1(attended))
            return (hooked(norm2(h, adding: dropout2(feedForward(h)))), weights)
        case .pre:
            let (attended, weights) = selfAttention.attend(norm1(x), keyPaddingMask: keyPaddingMask)
            let h = x + dropout1(attended)
            return (hooked(h + dropout2(feedForward(norm2(h)))), weights)
        }
    }

    /// The block's named sites, TransformerLens-style, for block number `block`.
    public func activationSites(block: Int) -> [ActivationSite] {
        [ActivationSite(.residualPre(block), residualInput),
         ActivationSite(.attentionPattern(block), selfAttention.pattern),
         ActivationSite(.attentionOutput(block), selfAttention),
         ActivationSite(.mlpOutput(block), dropout2),
         ActivationSite(.residualPost(block), self)]
    }

    private func feedForward(_ x: Tensor) -> Tensor {
        linear2(dropout(activation(linear1(x))))
    }
}
