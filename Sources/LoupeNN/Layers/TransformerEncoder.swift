import LoupeTensor

/// A stack of ``TransformerEncoderLayer``s, PyTorch's `nn.TransformerEncoder` without a final
/// norm. The layers' paths are `<path>.layers.N`, as in a PyTorch `state_dict()`.
public final class TransformerEncoder: Module {
    public let path: String
    public let layers: [TransformerEncoderLayer]

    /// Whether dropout is active in every layer.
    public var isTraining: Bool = false {
        didSet { layers.forEach { $0.isTraining = isTraining } }
    }

    public init(layerCount: Int, embedDimension: Int, heads: Int, feedForwardDimension: Int,
                activation: Activation = .relu, normPlacement: TransformerEncoderLayer.NormPlacement = .post,
                dropout: Float = 0, layerNormEpsilon: Float = 1e-5, path: String, generator: inout RandomGenerator) {
        self.path = path
        var layers: [TransformerEncoderLayer] = []
        for i in 0..<layerCount {
            layers.append(TransformerEncoderLayer(
                embedDimension: embedDimension, heads: heads, feedForwardDimension: feedForwardDimension,
                activation: activation, normPlacement: normPlacement, dropout: dropout,
                layerNormEpsilon: layerNormEpsilon, path: joinPath(path, "layers.\(i)"), generator: &generator))
        }
        self.layers = layers
    }

    public var submodules: [Module] { layers }

    /// Runs every layer over `x` `[B, T, E]`.
    public func callAsFunction(_ x: Tensor, keyPaddingMask: KeyPaddingMask? = nil) -> Tensor {
        encode(x, keyPaddingMask: keyPaddingMask).output
    }

    /// Runs every layer and also returns each layer's attention weights `[B, heads, T, T]`.
    public func encode(_ x: Tensor, keyPaddingMask: KeyPaddingMask? = nil) -> (output: Tensor, attentionWeights: [Tensor]) {
        var h = x
        var weights: [Tensor] = []
        weights.reserveCapacity(layers.count)
        for layer in layers {
            let (out, w) = layer.encode(h, keyPaddingMask: keyPaddingMask)
            h = out
            weights.append(w)
        }
        return (hooked(h), weights)
    }
}
