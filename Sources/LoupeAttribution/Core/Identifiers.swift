import LoupeNN

/// The identity of an attribution method, as written in JSON and on the command line
/// (kebab-case: `integrated-gradients`, `leave-one-out`, …).
///
/// A method's identity never changes with its settings: occlusion with a one-token window is
/// still `occlusion` (``LeaveOneOut`` is its own method).
public struct AttributionMethodID: StringIdentifier {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let integratedGradients: AttributionMethodID = "integrated-gradients"
    public static let gradient: AttributionMethodID = "gradient"
    public static let inputXGradient: AttributionMethodID = "input-x-gradient"
    public static let leaveOneOut: AttributionMethodID = "leave-one-out"
    public static let occlusion: AttributionMethodID = "occlusion"
    public static let smoothGrad: AttributionMethodID = "smoothgrad"
    public static let smoothGradSquared: AttributionMethodID = "smoothgrad-squared"
    public static let varGrad: AttributionMethodID = "vargrad"
    public static let gradientSHAP: AttributionMethodID = "gradient-shap"
    public static let kernelSHAP: AttributionMethodID = "kernel-shap"
    public static let attentionRollout: AttributionMethodID = "attention-rollout"
    public static let attention: AttributionMethodID = "attention"
    public static let layerIntegratedGradients: AttributionMethodID = "layer-integrated-gradients"
    public static let layerGradientXActivation: AttributionMethodID = "layer-gradient-x-activation"
    public static let layerGradient: AttributionMethodID = "layer-gradient"
    public static let random: AttributionMethodID = "random"
}

/// Where an attribution's scores live, as written in JSON's `layer`.
///
/// - ``embedding``: the token embeddings (gradient methods);
/// - ``input``: the token ids themselves (perturbation methods remove or replace tokens);
/// - ``attention``: the attention weights (rollout);
/// - any other value: an activation site (`blocks.0.hook_resid_post`) or a module path
///   (`encoder.layers.0`) of a layer method.
public struct AttributionLayer: StringIdentifier {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let embedding: AttributionLayer = "embedding"
    public static let input: AttributionLayer = "input"
    public static let attention: AttributionLayer = "attention"
}
