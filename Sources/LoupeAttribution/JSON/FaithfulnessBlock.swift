/// The `faithfulness` block of a `loupe.attribution.v1` document (docs/attribution-json.md): how
/// well each method's scores predict the model's behaviour on one input, for one target class.
public struct FaithfulnessBlock: Codable, Equatable, Sendable {
    /// The class whose output the metrics measure.
    public var target: AttributionDocument.Target
    /// `probability` (default) or `logit`.
    public var output: String
    /// ERASER bins (fractions of the tokens), in the order of the per-bin arrays.
    public var fractions: [Double]
    /// Metric settings (samples, seeds, radius, …).
    public var parameters: [String: ParameterValue]
    /// One entry per evaluated attribution (plus `random`, the chance baseline, when requested).
    public var methods: [FaithfulnessEntry]
    /// Kendall τ-b between the score vectors of each pair of methods (undefined pairs left out).
    public var rankAgreement: [RankAgreement]?

    enum CodingKeys: String, CodingKey {
        case target, output, fractions, parameters, methods, rankAgreement = "rank_agreement"
    }

    public init(target: AttributionDocument.Target, output: String, fractions: [Double],
                parameters: [String: ParameterValue] = [:], methods: [FaithfulnessEntry],
                rankAgreement: [RankAgreement]? = nil) {
        self.target = target
        self.output = output
        self.fractions = fractions
        self.parameters = parameters
        self.methods = methods
        self.rankAgreement = rankAgreement
    }
}

/// The metrics of one method. Metrics that were not computed are absent; an entry whose
/// computation failed, or produced a non-finite number, has only `method`, `layer` and `error`.
public struct FaithfulnessEntry: Codable, Equatable, Sendable {
    public var method: String
    public var layer: String
    /// ERASER comprehensiveness per bin (`fractions`).
    public var comprehensiveness: [Double]?
    /// ERASER sufficiency per bin.
    public var sufficiency: [Double]?
    public var comprehensivenessAOPC: Double?
    public var sufficiencyAOPC: Double?
    /// Area under the deletion curve (lower is better).
    public var deletionAUC: Double?
    /// Area under the insertion curve (higher is better).
    public var insertionAUC: Double?
    /// Yeh et al. infidelity (lower is better).
    public var infidelity: Double?
    /// Yeh et al. max-sensitivity (lower is better).
    public var sensitivityMax: Double?
    /// Whether the top-scored token is in the known rationale (only with a rationale).
    public var rationaleTop1Hit: Bool?
    public var error: String?

    enum CodingKeys: String, CodingKey {
        case method, layer, comprehensiveness, sufficiency
        case comprehensivenessAOPC = "comprehensiveness_aopc", sufficiencyAOPC = "sufficiency_aopc"
        case deletionAUC = "deletion_auc", insertionAUC = "insertion_auc", infidelity
        case sensitivityMax = "sensitivity_max", rationaleTop1Hit = "rationale_top1_hit", error
    }

    public init(method: String, layer: String, comprehensiveness: [Double]? = nil, sufficiency: [Double]? = nil,
                comprehensivenessAOPC: Double? = nil, sufficiencyAOPC: Double? = nil, deletionAUC: Double? = nil,
                insertionAUC: Double? = nil, infidelity: Double? = nil, sensitivityMax: Double? = nil,
                rationaleTop1Hit: Bool? = nil, error: String? = nil) {
        self.method = method
        self.layer = layer
        self.comprehensiveness = comprehensiveness
        self.sufficiency = sufficiency
        self.comprehensivenessAOPC = comprehensivenessAOPC
        self.sufficiencyAOPC = sufficiencyAOPC
        self.deletionAUC = deletionAUC
        self.insertionAUC = insertionAUC
        self.infidelity = infidelity
        self.sensitivityMax = sensitivityMax
        self.rationaleTop1Hit = rationaleTop1Hit
        self.error = error
    }

    /// An error entry.
    public init(method: String, layer: String, error: String) {
        self.init(method: method, layer: layer)
        self.error = error
    }

    /// Every number in the entry.
    var numbers: [Double] {
        (comprehensiveness ?? []) + (sufficiency ?? []) + [comprehensivenessAOPC, sufficiencyAOPC, deletionAUC,
                                                           insertionAUC, infidelity, sensitivityMax].compactMap { $0 }
    }

    /// This entry, or an error entry when a number is NaN or infinite (JSON has no such numbers).
    public var checked: FaithfulnessEntry {
        guard error == nil, !numbers.allSatisfy(\.isFinite) else { return self }
        return FaithfulnessEntry(method: method, layer: layer,
                                 error: "non-finite faithfulness metric (NaN or infinity); the model's outputs may overflow")
    }
}

/// Rank agreement between two methods' scores.
public struct RankAgreement: Codable, Equatable, Sendable {
    public var a: String
    public var b: String
    public var kendallTauB: Double

    enum CodingKeys: String, CodingKey { case a, b, kendallTauB = "kendall_tau_b" }

    public init(a: String, b: String, kendallTauB: Double) {
        self.a = a
        self.b = b
        self.kendallTauB = kendallTauB
    }
}
