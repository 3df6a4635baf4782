import LoupeTensor

/// The name of an activation site, in TransformerLens' vocabulary: `hook_embed`,
/// `blocks.3.hook_resid_post`, `blocks.3.attn.hook_pattern`, ….
///
/// Names are the model's vocabulary for "a place in the network": capture hooks record the
/// activation there, replace hooks substitute it (activation patching), layer attribution
/// methods attribute to it.
public struct ActivationSiteName: StringIdentifier {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The token embeddings `[B, T, E]`.
    public static let embed: ActivationSiteName = "hook_embed"
    /// The position embeddings added to them.
    public static let positionEmbed: ActivationSiteName = "hook_pos_embed"
    /// The residual stream entering block `layer`.
    public static func residualPre(_ layer: Int) -> ActivationSiteName { "blocks.\(layer).hook_resid_pre" }
    /// The residual stream between block `layer`'s attention and its feed-forward sub-layer
    /// (`resid_pre + attn_out`).
    public static func residualMid(_ layer: Int) -> ActivationSiteName { "blocks.\(layer).hook_resid_mid" }
    /// The residual stream leaving block `layer`.
    public static func residualPost(_ layer: Int) -> ActivationSiteName { "blocks.\(layer).hook_resid_post" }
    /// The attention sub-layer's output (after the output projection) of block `layer`.
    public static func attentionOutput(_ layer: Int) -> ActivationSiteName { "blocks.\(layer).hook_attn_out" }
    /// The feed-forward sub-layer's output of block `layer`.
    public static func mlpOutput(_ layer: Int) -> ActivationSiteName { "blocks.\(layer).hook_mlp_out" }
    /// The attention pattern `[B, heads, T, T]` (query rows, key columns) of block `layer`.
    public static func attentionPattern(_ layer: Int) -> ActivationSiteName { "blocks.\(layer).attn.hook_pattern" }

    /// The attention context before the output projection, `[B, T, heads · headDimension]` (head
    /// `h` in columns `h·d ..< (h+1)·d`; TransformerLens' `hook_z`, flattened): replacing a head's
    /// columns patches that head.
    public static func attentionContext(_ layer: Int) -> ActivationSiteName { "blocks.\(layer).attn.hook_z" }

    /// The final normalisation's output `[B, T, E]`, what the unembedding reads (TransformerLens'
    /// `ln_final.hook_normalized`; the logit lens projects other sites through it).
    public static let finalNormalized: ActivationSiteName = "ln_final.hook_normalized"

    /// True for an attention-pattern site (`….attn.hook_pattern`).
    public var isAttentionPattern: Bool { rawValue.hasSuffix("attn.hook_pattern") }
}

/// One named place in a model whose value can be captured or replaced: the output of `module`.
public struct ActivationSite {
    /// The site's name.
    public let name: ActivationSiteName
    /// The module whose output the site is (a layer, or a ``HookPoint`` inside one).
    public let module: Module

    public init(_ name: ActivationSiteName, _ module: Module) {
        self.name = name
        self.module = module
    }
}

/// An identity module that exists only to be hooked: it names a tensor that is no module's
/// output (the residual stream entering a block, an attention pattern). Hook points own no
/// parameters and are not listed as submodules, so checkpoints and module paths are unchanged.
public final class HookPoint: Module {
    public let path: String

    public init(path: String) { self.path = path }

    /// Passes `x` through the active hooks.
    public func callAsFunction(_ x: Tensor) -> Tensor { hooked(x) }
}
