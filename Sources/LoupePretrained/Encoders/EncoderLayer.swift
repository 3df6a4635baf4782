import LoupeNN
import LoupeTensor

/// The self-attention of one encoder layer with separate query, key, value and output
/// projections (`attention.self.{query,key,value}` + `attention.output.dense` in BERT and
/// RoBERTa, `attention.{q,k,v,out}_lin` in DistilBERT): scaled dot-product attention
/// `softmax(QKᵀ/√d)V` per head (Vaswani et al., 2017), [PAD] keys excluded.
///
/// The three projections are applied as one product with their weights stacked (`[3H, H]`), so
/// the heads are read from one packed `[B, T, 3H]` tensor by LoupeTensor's attention kernels;
/// the projection modules' own hooks therefore do not fire (hook the attention output or the
/// pattern instead).
public final class EncoderSelfAttention: Module {
    public let path: String
    public let heads: Int
    public let query: Linear
    public let key: Linear
    public let value: Linear
    /// The output projection (its output is the ``LoupeNN/ActivationSiteName/attentionOutput(_:)`` site).
    public let output: Linear
    /// The attention pattern `[B, heads, T, T]` (a hook point, not a submodule). When a hook is
    /// installed on it, the pattern is computed on the tape (captured patterns carry gradients,
    /// replaced patterns change the output).
    public let pattern: HookPoint

    init(config: EncoderConfig, names: EncoderStateNames, layerPath: String, loader: WeightLoader) throws {
        let h = config.hiddenSize
        path = joinPath(layerPath, "attention")
        heads = config.headCount
        query = try loader.linear(h, h, path: joinPath(layerPath, names.query))
        key = try loader.linear(h, h, path: joinPath(layerPath, names.key))
        value = try loader.linear(h, h, path: joinPath(layerPath, names.value))
        output = try loader.linear(h, h, path: joinPath(layerPath, names.attentionOutput))
        pattern = HookPoint(path: joinPath(path, "hook_pattern"))
    }

    public var submodules: [Module] { [query, key, value, output] }

    /// Attends over `x` `[B, T, H]` → the output projection's result `[B, T, H]`.
    /// - Parameter padding: `B·T` flags, true at padded keys.
    func callAsFunction(_ x: Tensor, padding: [Bool]?) -> Tensor {
        let weight = Tensor.concatenate([query.weight.tensor, key.weight.tensor, value.weight.tensor], alongAxis: 0)
        let packed: Tensor
        if let qb = query.bias, let kb = key.bias, let vb = value.bias {
            packed = x.linear(weight: weight, bias: Tensor.concatenate([qb.tensor, kb.tensor, vb.tensor], alongAxis: 0))
        } else {
            packed = x.linear(weight: weight, bias: nil)
        }
        if HookRegistry.isHooked(pattern) {
            let weights = pattern(packed.attentionWeights(heads: heads, keyPadding: padding))
            return output(packed.attentionContext(weights: weights))
        }
        return output(packed.selfAttention(heads: heads, keyPadding: padding).context)
    }
}

/// One post-LN encoder layer (`<prefix>.encoder.layer.N`, DistilBERT `transformer.layer.N`):
/// `h = LN₁(x + Attention(x))`, `y = LN₂(h + W₂·act(W₁h))` (Devlin et al., "BERT", 2019).
public final class EncoderLayer: Module {
    public let path: String
    public let attention: EncoderSelfAttention
    /// `attention.output.LayerNorm` (DistilBERT `sa_layer_norm`).
    public let attentionNorm: LayerNorm
    /// `intermediate.dense` (DistilBERT `ffn.lin1`).
    public let intermediate: Linear
    /// `output.dense` (DistilBERT `ffn.lin2`); its output is the ``LoupeNN/ActivationSiteName/mlpOutput(_:)`` site.
    public let output: Linear
    /// `output.LayerNorm` (DistilBERT `output_layer_norm`).
    public let outputNorm: LayerNorm
    public let activation: EncoderActivation
    /// The residual stream entering the layer (a hook point, not a submodule).
    public let residualInput: HookPoint

    init(config: EncoderConfig, names: EncoderStateNames, index: Int, loader: WeightLoader) throws {
        let h = config.hiddenSize
        path = names.layer(index)
        activation = config.activation
        residualInput = HookPoint(path: joinPath(path, "hook_resid_pre"))
        attention = try EncoderSelfAttention(config: config, names: names, layerPath: path, loader: loader)
        attentionNorm = try loader.layerNorm(h, epsilon: config.layerNormEpsilon, path: joinPath(path, names.attentionNorm))
        intermediate = try loader.linear(h, config.intermediateSize, path: joinPath(path, names.intermediate))
        output = try loader.linear(config.intermediateSize, h, path: joinPath(path, names.output))
        outputNorm = try loader.layerNorm(h, epsilon: config.layerNormEpsilon, path: joinPath(path, names.outputNorm))
    }

    public var submodules: [Module] { [attention, attentionNorm, intermediate, output, outputNorm] }

    /// Encodes `x` `[B, T, H]` → `[B, T, H]`; `padding` flags the [PAD] keys.
    func callAsFunction(_ input: Tensor, padding: [Bool]?) -> Tensor {
        let x = residualInput(input)
        let h = attentionNorm(attention(x, padding: padding), adding: x)
        return hooked(outputNorm(output(activation(intermediate(h))), adding: h))
    }

    /// The layer's sites, TransformerLens-style, for block `block`.
    func activationSites(block: Int) -> [ActivationSite] {
        [ActivationSite(.residualPre(block), residualInput),
         ActivationSite(.attentionPattern(block), attention.pattern),
         ActivationSite(.attentionOutput(block), attention.output),
         ActivationSite(.mlpOutput(block), output),
         ActivationSite(.residualPost(block), self)]
    }
}
