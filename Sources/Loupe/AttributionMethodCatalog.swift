import LoupeAttribution

/// Settings shared by the attribution methods a ``AttributionMethodCatalog`` builds.
public struct AttributionMethodSettings: Equatable, Sendable {
    /// Integration points of the path methods (integrated gradients, layer IG, SmoothGrad's IG).
    public var steps: Int
    /// Quadrature rule of the path methods.
    public var rule: IntegrationRule.Kind
    /// Baseline of the path methods.
    public var baseline: Baseline
    /// Samples of the stochastic methods (SmoothGrad/VarGrad, GradientSHAP, KernelSHAP);
    /// `nil` uses each method's own default.
    public var samples: Int?
    /// Seed of the stochastic methods.
    public var seed: UInt64
    /// The layer of the layer methods (`embedding` or a module path such as `encoder.layers.0`).
    public var layer: String
    /// Occlusion window in tokens (for `occlusion`).
    public var window: Int

    public init(steps: Int = 50, rule: IntegrationRule.Kind = .gaussLegendre, baseline: Baseline = .pad,
                samples: Int? = nil, seed: UInt64 = 0, layer: String = "embedding", window: Int = 2) {
        self.steps = steps
        self.rule = rule
        self.baseline = baseline
        self.samples = samples
        self.seed = seed
        self.layer = layer
        self.window = window
    }
}

/// A method name that is not in the catalog.
public struct UnknownMethodError: Error, CustomStringConvertible, Equatable {
    public var name: String
    public var description: String {
        "unknown attribution method '\(name)' (known: \(AttributionMethodCatalog.names.joined(separator: ", ")))"
    }
}

/// Attribution methods by their JSON / command-line name (docs/methods.md).
public enum AttributionMethodCatalog {
    /// Every method name, in the order they are documented.
    public static let names = [
        "integrated-gradients", "gradient", "input-x-gradient", "leave-one-out", "occlusion",
        "smoothgrad", "smoothgrad-squared", "vargrad", "gradient-shap", "kernel-shap",
        "attention-rollout", "layer-integrated-gradients", "layer-gradient-x-activation", "layer-gradient",
    ]

    /// Short forms accepted as well.
    public static let aliases = [
        "ig": "integrated-gradients", "saliency": "gradient", "ixg": "input-x-gradient",
        "input-x-grad": "input-x-gradient", "loo": "leave-one-out", "shap": "kernel-shap",
        "rollout": "attention-rollout", "lig": "layer-integrated-gradients",
    ]

    /// The canonical name of `name` (case-insensitive, `_` read as `-`), or `nil` when unknown.
    public static func canonicalName(_ name: String) -> String? {
        let key = name.lowercased().replacingOccurrences(of: "_", with: "-")
        if names.contains(key) { return key }
        return aliases[key]
    }

    /// Methods that need attention weights (a transformer classifier).
    public static let needsAttention: Set<String> = ["attention-rollout"]

    /// The method called `name`, configured with `settings`.
    /// - Throws: ``UnknownMethodError`` for a name the catalog does not know.
    public static func make(_ name: String, settings: AttributionMethodSettings = AttributionMethodSettings()) throws
        -> any AttributionMethod {
        guard let canonical = canonicalName(name) else { throw UnknownMethodError(name: name) }
        let s = settings
        let ig = IntegratedGradients(rule: s.rule, stepCount: s.steps, baseline: s.baseline)
        switch canonical {
        case "integrated-gradients": return ig
        case "gradient": return Saliency()
        case "input-x-gradient": return InputXGradient()
        case "leave-one-out": return LeaveOneOut()
        case "occlusion": return Occlusion(window: max(1, s.window))
        case "smoothgrad", "smoothgrad-squared", "vargrad":
            let kind = NoiseTunnel.Kind(rawValue: canonical) ?? .smoothGrad
            // The noise tunnel wraps the gradient (Smilkov et al.'s setting).
            return NoiseTunnel(Saliency(), kind: kind, sampleCount: s.samples ?? 20, seed: s.seed)
        case "gradient-shap": return GradientSHAP(sampleCount: s.samples ?? 50, seed: s.seed)
        case "kernel-shap": return KernelSHAP(sampleCount: s.samples ?? 200, seed: s.seed)
        case "attention-rollout": return AttentionRollout()
        case "layer-integrated-gradients":
            return LayerIntegratedGradients(layer: s.layer, rule: s.rule, stepCount: s.steps, baseline: s.baseline)
        case "layer-gradient-x-activation": return LayerGradientXActivation(layer: s.layer)
        case "layer-gradient": return LayerGradientXActivation(layer: s.layer, multiplyByActivation: false)
        default: throw UnknownMethodError(name: name)
        }
    }

    /// Parses a comma-separated list of names (duplicates removed, order kept).
    public static func parseList(_ list: String) throws -> [String] {
        var seen: [String] = []
        for part in list.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !part.isEmpty {
            guard let name = canonicalName(part) else { throw UnknownMethodError(name: part) }
            if !seen.contains(name) { seen.append(name) }
        }
        return seen
    }

    /// A human-readable title for a method name (`integrated-gradients` → "Integrated Gradients").
    public static func title(of name: String) -> String {
        switch name {
        case "input-x-gradient": return "Input × Gradient"
        case "smoothgrad": return "SmoothGrad"
        case "smoothgrad-squared": return "SmoothGrad²"
        case "vargrad": return "VarGrad"
        case "gradient-shap": return "GradientSHAP"
        case "kernel-shap": return "KernelSHAP"
        case "layer-gradient-x-activation": return "Layer Gradient × Activation"
        default:
            return name.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
        }
    }
}
