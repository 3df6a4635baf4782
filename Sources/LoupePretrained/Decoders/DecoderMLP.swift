import LoupeNN
import LoupeTensor

/// The feed-forward sub-layer of a decoder block: GPT-2's `c_proj(act(c_fc(x)))` or the gated
/// SwiGLU of LLaMA and Qwen2, `down_proj(act(gate_proj(x)) ⊙ up_proj(x))` (Shazeer, "GLU
/// Variants Improve Transformer", 2020).
public final class DecoderMLP: Module {
    public enum Kind {
        case plain(input: Projection, output: Projection)
        case gated(gate: Projection, up: Projection, down: Projection)
    }

    public let path: String
    public let kind: Kind
    public let activation: DecoderActivation

    init(path: String, kind: Kind, activation: DecoderActivation) {
        self.path = path
        self.kind = kind
        self.activation = activation
    }

    public var submodules: [Module] {
        switch kind {
        case .plain(let a, let b): return [a, b]
        case .gated(let g, let u, let d): return [g, u, d]
        }
    }

    func activate(_ x: Tensor) -> Tensor {
        switch activation {
        case .silu: return x.silu()
        case .geluTanh: return x.geluTanh()
        case .gelu: return x.gelu()
        case .relu: return x.relu()
        }
    }

    /// `act(gate) ⊙ up`, as one op for SiLU (LLaMA, Qwen2).
    func gated(_ gate: Tensor, _ up: Tensor) -> Tensor {
        activation == .silu ? gate.siluGated(by: up) : activate(gate) * up
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        switch kind {
        case .plain(let input, let output): return hooked(output(activate(input(x))))
        case .gated(let gate, let up, let down):
            if let fused = Projection.fusedProducts(x, [gate, up]) {
                return hooked(down(gated(fused[0], fused[1])))
            }
            return hooked(down(gated(gate(x), up(x))))
        }
    }
}

/// One pre-norm decoder block, `h + attn(norm₁(h))` then `h + mlp(norm₂(h))`, with
/// TransformerLens hook points for the residual stream and the sub-layer outputs.
public final class DecoderBlock: Module {
    public let path: String
    public let layer: Int
    let attentionNorm: any DecoderNormalization
    public let attention: DecoderAttention
    let mlpNorm: any DecoderNormalization
    public let mlp: DecoderMLP
    public let residualPre: HookPoint
    public let attentionOutput: HookPoint
    public let residualMid: HookPoint
    public let mlpOutput: HookPoint
    public let residualPost: HookPoint

    init(path: String, layer: Int, attentionNorm: any DecoderNormalization, attention: DecoderAttention,
         mlpNorm: any DecoderNormalization, mlp: DecoderMLP) {
        self.path = path
        self.layer = layer
        self.attentionNorm = attentionNorm
        self.attention = attention
        self.mlpNorm = mlpNorm
        self.mlp = mlp
        residualPre = HookPoint(path: ActivationSiteName.residualPre(layer).rawValue)
        attentionOutput = HookPoint(path: ActivationSiteName.attentionOutput(layer).rawValue)
        residualMid = HookPoint(path: ActivationSiteName.residualMid(layer).rawValue)
        mlpOutput = HookPoint(path: ActivationSiteName.mlpOutput(layer).rawValue)
        residualPost = HookPoint(path: ActivationSiteName.residualPost(layer).rawValue)
    }

    public var submodules: [Module] { [attentionNorm, attention, mlpNorm, mlp] }

    /// The block's sites, in forward order.
    var activationSites: [ActivationSite] {
        [ActivationSite(.residualPre(layer), residualPre), ActivationSite(.attentionPattern(layer), attention.pattern),
         ActivationSite(.attentionContext(layer), attention.context),
         ActivationSite(.attentionOutput(layer), attentionOutput), ActivationSite(.residualMid(layer), residualMid),
         ActivationSite(.mlpOutput(layer), mlpOutput), ActivationSite(.residualPost(layer), residualPost)]
    }

    func callAsFunction(_ x: Tensor, positions: [Int], keyPadding: [Bool]?, cache: KeyValueCache?,
                        prefix: KeyValueCache? = nil) -> Tensor {
        var h = residualPre(x)
        h = residualMid(h + attentionOutput(attention(attentionNorm(h), positions: positions, keyPadding: keyPadding,
                                                      cache: cache, prefix: prefix)))
        h = h + mlpOutput(mlp(mlpNorm(h)))
        return residualPost(h)
    }
}
