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
    /// The layer of the layer methods (`embedding`, a site such as `blocks.0.hook_resid_post`, or a
    /// module path such as `encoder.layers.0`).
    public var layer: String
    /// Occlusion window in tokens (for `occlusion`).
    public var window: Int
    /// Occlusion stride in tokens: windows start every `stride` tokens.
    public var stride: Int = 1
    /// Adaptive steps of integrated gradients: double the steps until |δ| ≤ this (nil: fixed steps).
    public var tolerance: Double?
    /// Most interpolation rows per forward/backward pass of the path methods (nil: each method's
    /// default) — what caps their memory.
    public var internalBatchSize: Int?
    /// Layer and head of `attention` (nil: the mean over layers, or over the layer's heads).
    public var attentionLayer: Int?
    public var attentionHead: Int?

    /// Token rows a path method evaluates in one pass of a language model: bounds the tape of a
    /// batched integral. SmolLM2-135M, 57-token chat prompt, IG 50 steps (`loupe-bench llm-ig
    /// --batch N`, Zen 5, 2 cores, 2026-12-04, after the backward pass stopped holding every
    /// node's gradient): 13 steps a pass best 2.41 s at 0.57 GB peak RSS, 20 steps 2.24 s at
    /// 0.75 GB, 26 steps (this budget) 2.09–2.13 s at 0.89 GB, 50 steps 2.13 s at 1.49 GB — more
    /// rows a pass spread each weight's decoding over more rows of its products and leave fewer
    /// passes, up to about 13 points per core.
    public static let tokenRowsPerPass = 1536

    /// Interpolation rows per pass for sequences of about `length` tokens: ``tokenRowsPerPass``
    /// shared out, at least 1.
    public static func pathBatch(forTokens length: Int) -> Int {
        Swift.max(1, tokenRowsPerPass / Swift.max(1, length))
    }

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
        "unknown attribution method '\(name)' (known: \(AttributionMethodCatalog.names.map(\.rawValue).joined(separator: ", ")))"
    }
}

/// Attribution methods by their identity (docs/methods.md).
public enum AttributionMethodCatalog {
    /// Every method, in the order they are documented.
    public static let names: [AttributionMethodID] = [
        .integratedGradients, .gradient, .inputXGradient, .leaveOneOut, .occlusion,
        .smoothGrad, .smoothGradSquared, .varGrad, .gradientSHAP, .kernelSHAP,
        .attentionRollout, .attention, .layerIntegratedGradients, .layerGradientXActivation, .layerGradient,
    ]

    /// Short forms accepted as well.
    public static let aliases: [String: AttributionMethodID] = [
        "ig": .integratedGradients, "saliency": .gradient, "ixg": .inputXGradient,
        "input-x-grad": .inputXGradient, "loo": .leaveOneOut, "shap": .kernelSHAP,
        "rollout": .attentionRollout, "lig": .layerIntegratedGradients,
    ]

    /// The method `name` names (case-insensitive, `_` read as `-`, aliases allowed), or `nil`.
    public static func canonicalName(_ name: String) -> AttributionMethodID? {
        let key = name.lowercased().replacingOccurrences(of: "_", with: "-")
        if let id = names.first(where: { $0.rawValue == key }) { return id }
        return aliases[key]
    }

    /// Methods that need attention patterns (a transformer).
    public static let needsAttention: Set<AttributionMethodID> = [.attentionRollout, .attention]

    /// The method `id`, configured with `settings`.
    /// - Throws: ``UnknownMethodError`` for an identity the catalog does not know.
    public static func make(_ id: AttributionMethodID, settings: AttributionMethodSettings = AttributionMethodSettings()) throws
        -> any AttributionMethod {
        let s = settings
        switch id {
        case .integratedGradients:
            return IntegratedGradients(rule: s.rule, stepCount: s.steps, baseline: s.baseline, internalBatchSize: s.internalBatchSize ?? 256,
                                       tolerance: s.tolerance)
        case .gradient: return Saliency()
        case .inputXGradient: return InputXGradient()
        case .leaveOneOut: return LeaveOneOut()
        case .occlusion: return Occlusion(window: max(1, s.window), stride: max(1, s.stride))
        case .smoothGrad, .smoothGradSquared, .varGrad:
            let kind = NoiseTunnel.Kind(rawValue: id.rawValue) ?? .smoothGrad
            // The noise tunnel wraps the gradient (Smilkov et al.'s setting).
            return NoiseTunnel(Saliency(), kind: kind, sampleCount: s.samples ?? 20, seed: s.seed)
        case .gradientSHAP: return GradientSHAP(sampleCount: s.samples ?? 50, seed: s.seed)
        case .kernelSHAP: return KernelSHAP(sampleCount: s.samples ?? 200, seed: s.seed)
        case .attentionRollout: return AttentionRollout()
        case .attention: return AttentionWeights(layer: s.attentionLayer, head: s.attentionHead)
        case .layerIntegratedGradients:
            return LayerIntegratedGradients(layer: s.layer, rule: s.rule, stepCount: s.steps, baseline: s.baseline)
        case .layerGradientXActivation: return LayerGradientXActivation(layer: s.layer)
        case .layerGradient: return LayerGradientXActivation(layer: s.layer, multiplyByActivation: false)
        default: throw UnknownMethodError(name: id.rawValue)
        }
    }

    /// The method called `name` (a name or alias), configured with `settings`.
    /// - Throws: ``UnknownMethodError`` for a name the catalog does not know.
    public static func make(named name: String, settings: AttributionMethodSettings = AttributionMethodSettings()) throws
        -> any AttributionMethod {
        guard let id = canonicalName(name) else { throw UnknownMethodError(name: name) }
        return try make(id, settings: settings)
    }

    /// Parses a comma-separated list of names (duplicates removed, order kept).
    public static func parseList(_ list: String) throws -> [AttributionMethodID] {
        var seen: [AttributionMethodID] = []
        for part in list.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !part.isEmpty {
            guard let id = canonicalName(part) else { throw UnknownMethodError(name: part) }
            if !seen.contains(id) { seen.append(id) }
        }
        return seen
    }

    /// A human-readable title (`integrated-gradients` → "Integrated Gradients").
    public static func title(of id: AttributionMethodID) -> String {
        switch id {
        case .inputXGradient: return "Input × Gradient"
        case .smoothGrad: return "SmoothGrad"
        case .smoothGradSquared: return "SmoothGrad²"
        case .varGrad: return "VarGrad"
        case .gradientSHAP: return "GradientSHAP"
        case .kernelSHAP: return "KernelSHAP"
        case .layerGradientXActivation: return "Layer Gradient × Activation"
        default:
            return id.rawValue.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
        }
    }
}
