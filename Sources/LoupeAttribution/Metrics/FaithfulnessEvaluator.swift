import LoupeNN
import LoupeTensor

/// Computes the `faithfulness` block of a document: every configured metric for every attribution
/// of one input and one target class, the random-ranking baseline, and the pairwise rank agreement.
///
/// A metric that throws, or any non-finite number, turns that method's entry into an error entry
/// (JSON never carries NaN or infinity). All metrics measure the target's probability by default.
public struct FaithfulnessEvaluator {
    public var output: AttributionOutput
    public var fractions: [Double]
    /// Infidelity settings; nil skips it.
    public var infidelity: Infidelity?
    /// Max-sensitivity settings; nil skips it (it re-runs each method `sampleCount` times, and
    /// needs the method objects).
    public var sensitivity: SensitivityMax?
    /// Also evaluate ``RandomRanking`` with this seed as the chance baseline; nil skips it.
    public var randomBaselineSeed: UInt64?

    /// Infidelity is normalised by default (Captum's `normalize=True`): methods whose scores are in
    /// other units or of another size — gradients, IG of a logit, the random ranking's [0, 1)
    /// draws — are compared on the shape of their scores, not on their scale. Unnormalised, the
    /// random ranking's small numbers beat every method whose scores are larger than the
    /// probability changes they are checked against.
    public init(output: AttributionOutput = .probability, fractions: [Double] = [0.01, 0.05, 0.1, 0.2, 0.5],
                infidelity: Infidelity? = Infidelity(normalize: true), sensitivity: SensitivityMax? = nil,
                randomBaselineSeed: UInt64? = 0) {
        self.output = output
        self.fractions = fractions
        self.infidelity = infidelity
        self.sensitivity = sensitivity
        self.randomBaselineSeed = randomBaselineSeed
    }

    /// Metric settings as recorded in the block.
    public var parameters: [String: ParameterValue] {
        var p: [String: ParameterValue] = [:]
        if let infidelity {
            p["infidelity_samples"] = .int(infidelity.sampleCount)
            p["infidelity_probability"] = .double(infidelity.probability)
            p["infidelity_normalize"] = .bool(infidelity.normalize)
            p["infidelity_output"] = .string("attribution")
            p["infidelity_seed"] = .seed(infidelity.seed)
        }
        if let sensitivity {
            p["sensitivity_radius"] = .double(sensitivity.radius)
            p["sensitivity_samples"] = .int(sensitivity.sampleCount)
            p["sensitivity_normalized"] = .bool(sensitivity.normalized)
            p["sensitivity_seed"] = .seed(sensitivity.seed)
        }
        if let randomBaselineSeed { p["random_seed"] = .seed(randomBaselineSeed) }
        p["replacement"] = .string("pad")
        return p
    }

    /// Evaluates the `attributions` for class `target` (others are ignored) on `ids`.
    /// - Parameters:
    ///   - methods: the method objects, matched to attributions by name, for max-sensitivity.
    ///   - rationale: known evidence token positions, for the top-1 hit.
    public func evaluate(_ ids: [Int], target: Int, attributions: [Attribution], model: TextClassifier,
                         methods: [any AttributionMethod] = [], rationale: Set<Int>? = nil) -> FaithfulnessBlock {
        var chosen = attributions.filter { $0.target.index == target }
        // The random ranking is checked in the same units as the attributions it is the floor of.
        let units = chosen.first?.output ?? output
        if let randomBaselineSeed, !ids.isEmpty,
           let random = try? RandomRanking(seed: randomBaselineSeed).attribute(ids, targets: [target], model: model, output: units).first {
            chosen.append(random)
        }
        let entries = chosen.map { a -> FaithfulnessEntry in
            entry(ids, a, target: target, model: model,
                  method: methods.first { $0.id == a.method } ?? (a.method == "random" ? RandomRanking(seed: randomBaselineSeed ?? 0) : nil),
                  rationale: rationale)
        }
        var agreement: [RankAgreement] = []
        let ranked = chosen.filter { $0.method != "random" && $0.scores.allSatisfy(\.isFinite) }
        for i in ranked.indices {
            for j in ranked.indices where j > i {
                if let tau = KendallTau.tauB(ranked[i].scores, ranked[j].scores) {
                    agreement.append(RankAgreement(a: ranked[i].method.rawValue, b: ranked[j].method.rawValue, kendallTauB: tau))
                }
            }
        }
        return FaithfulnessBlock(target: AttributionDocument.Target(index: target, label: model.labels[safe: target]),
                                 output: output.rawValue, fractions: fractions, parameters: parameters,
                                 methods: entries, rankAgreement: agreement.isEmpty ? nil : agreement)
    }

    func entry(_ ids: [Int], _ a: Attribution, target: Int, model: TextClassifier,
               method: (any AttributionMethod)?, rationale: Set<Int>?) -> FaithfulnessEntry {
        guard a.scores.allSatisfy(\.isFinite) else {
            return FaithfulnessEntry(method: a.method.rawValue, layer: a.layer.rawValue, error: "non-finite attribution scores")
        }
        do {
            var e = FaithfulnessEntry(method: a.method.rawValue, layer: a.layer.rawValue)
            let eraser = try EraserMetrics(fractions: fractions, output: output)
                .evaluate(ids, scores: a.scores, target: target, model: model)
            e.comprehensiveness = eraser.comprehensiveness
            e.sufficiency = eraser.sufficiency
            e.comprehensivenessAOPC = eraser.aopcComprehensiveness
            e.sufficiencyAOPC = eraser.aopcSufficiency
            let curves = DeletionInsertion(output: output)
            e.deletionAUC = try curves.deletion(ids, scores: a.scores, target: target, model: model).auc
            e.insertionAUC = try curves.insertion(ids, scores: a.scores, target: target, model: model).auc
            if var infidelity {
                // The scores predict changes of the quantity they explain (Yeh et al.'s f): the
                // attribution's own output, not the probability of the other metrics.
                infidelity.output = a.output
                e.infidelity = try infidelity.evaluate(ids, scores: a.scores, target: target, model: model)
            }
            if var sensitivity, let method {
                sensitivity.output = a.output   // re-run the method as it was run
                e.sensitivityMax = try sensitivity.evaluate(method, ids: ids, target: target, model: model)
            }
            if let rationale { e.rationaleTop1Hit = RationaleHitRate.isHit(scores: a.scores, rationale: rationale) }
            return e.checked
        } catch {
            return FaithfulnessEntry(method: a.method.rawValue, layer: a.layer.rawValue, error: "\(error)")
        }
    }
}
