import LoupeTensor

/// A causal language model built as a residual stream — token (and position) embeddings, plus the
/// output of every block's attention and feed-forward sub-layer, read by a final normalisation and
/// the unembedding — with the named sites of TransformerLens: the vocabulary of the logit lens,
/// activation patching and direct logit attribution.
///
/// Sites (``ActivationSiteName``): `hook_embed`, `hook_pos_embed` (learned positions only), and per
/// block `blocks.N.hook_resid_pre`, `blocks.N.attn.hook_pattern` `[B, heads, T, T]`,
/// `blocks.N.attn.hook_z` `[B, T, heads · d]`, `blocks.N.hook_attn_out`, `blocks.N.hook_resid_mid`,
/// `blocks.N.hook_mlp_out`, `blocks.N.hook_resid_post`, then `ln_final.hook_normalized`. Each runs
/// once per forward pass.
public protocol ResidualStreamModel: CausalLanguageModel {
    /// Number of blocks.
    var layerCount: Int { get }
    /// Query heads per attention layer.
    var headCount: Int { get }
    /// Width of one head's context (`d`).
    var headDimension: Int { get }
    /// Width of the residual stream (`E`).
    var residualWidth: Int { get }

    /// Next-token logits `[B, T, V]` of a residual stream `[B, T, E]` read as the last block's
    /// output: the final normalisation and the unembedding (the logit lens of nostalgebraist,
    /// "interpreting GPT: the logit lens", 2020). Hooks do not fire.
    func unembed(residual: Tensor) -> Tensor

    /// The direct contribution of `component` `[B, T, E]` (one term of the final residual
    /// stream `residual` `[B, T, E]`; `[T, E]` when `B` = 1, as the position embeddings are) to the logits
    /// of `tokens`: `[B, T, tokens.count]`.
    ///
    /// The final normalisation is linearised at `residual` — its scale (1/σ or 1/RMS per
    /// position) frozen, LayerNorm's centring kept, its bias and the unembedding's bias left out
    /// — so contributions of the terms of the stream add up to the logit less those biases.
    func directLogits(of component: Tensor, residual: Tensor, tokens: [Int]) -> Tensor

    /// The output of each head of block `layer` alone, from that block's context `z`
    /// (`blocks.N.attn.hook_z`, `[B, T, heads · d]`): `headCount` tensors `[B, T, E]` that add
    /// up to `blocks.N.hook_attn_out` less the output projection's bias.
    func headOutputs(layer: Int, context z: Tensor) -> [Tensor]
}
