import Foundation
import LoupeAttribution
import LoupeNN
import LoupeTensor
import LoupeTestSupport
import Testing

/// A classifier checkpoint folder in the interchange layout plus the PyTorch/Captum results of its
/// `expected.json` (the structure of the shared reference set), and the comparisons the parity
/// suites make against them.
///
/// Every comparison uses the reference rule: within 1e-4 absolute, or 1e-4 relative to the largest
/// expected magnitude of the compared array when that is above 1.
struct CaptumParityFixture {
    struct Case {
        let sentence: String
        let ids: [Int]
        let target: Int
        let json: [String: Any]
    }

    static let tolerance = 1e-4

    let name: String
    let checkpoint: ModelCheckpoint
    let model: TextClassifier
    let cases: [Case]

    init(name: String, directory: URL) throws {
        self.name = name
        checkpoint = try ModelFactory.load(from: directory)
        model = try #require(checkpoint.model.classifier, "\(name) is not a text classifier")
        let data = try Data(contentsOf: directory.appendingPathComponent("expected.json"))
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let cases = try #require(document["cases"] as? [[String: Any]], "\(name): expected.json has no cases")
        self.cases = cases.map {
            Case(sentence: ($0["sentence"] as? String) ?? "", ids: ReferenceFixtures.integers($0["token_ids"]),
                 target: ($0["target"] as? Int) ?? 0, json: $0)
        }
    }

    /// A checkpoint of the shared reference set (copied into LoupeNNTests' fixtures).
    static func reference(_ name: String) throws -> CaptumParityFixture {
        try CaptumParityFixture(name: name, directory: ReferenceFixtures.directory(name))
    }

    /// Folder of this target's own parity fixtures (`benchmarks/parity/make_parity_fixtures.py`).
    static var parityDirectory: URL {
        get throws { try #require(Bundle.module.resourceURL).appendingPathComponent("Fixtures/parity") }
    }

    /// One of this target's own parity fixtures.
    static func parity(_ name: String) throws -> CaptumParityFixture {
        try CaptumParityFixture(name: name, directory: try parityDirectory.appendingPathComponent(name))
    }

    /// How far one compared array is from its expected values.
    struct Deviation {
        /// The largest absolute error (infinity when a value is NaN).
        var error: Double
        /// The error allowed for this array: 1e-4 × max(1, largest expected magnitude).
        var allowed: Double
        /// `error / allowed`: at most 1 to pass.
        var share: Double { error / allowed }
    }

    /// Compares within 1e-4 absolute or 1e-4 relative to the largest expected magnitude (README).
    @discardableResult
    static func compare(_ actual: [Double], _ expected: [Double], _ what: String,
                        sourceLocation: SourceLocation = #_sourceLocation) -> Deviation {
        #expect(!expected.isEmpty, "\(what): no expected values", sourceLocation: sourceLocation)
        #expect(actual.count == expected.count, "\(what): \(actual.count) vs \(expected.count) values",
                sourceLocation: sourceLocation)
        let allowed = tolerance * max(1, expected.map(abs).max() ?? 1)
        let errors = zip(actual, expected).map { abs($0 - $1) }
        let worst = errors.contains(where: \.isNaN) ? .infinity : (errors.max() ?? 0)
        #expect(worst <= allowed, "\(what): max |error| \(worst) (allowed \(allowed))", sourceLocation: sourceLocation)
        return Deviation(error: worst, allowed: allowed)
    }

    /// The largest deviations seen per compared quantity, in first-seen order.
    struct Errors {
        private(set) var entries: [(what: String, error: Double, share: Double)] = []

        mutating func record(_ what: String, _ deviation: Deviation) {
            if let i = entries.firstIndex(where: { $0.what == what }) {
                entries[i].error = max(entries[i].error, deviation.error)
                entries[i].share = max(entries[i].share, deviation.share)
            } else {
                entries.append((what, deviation.error, deviation.share))
            }
        }

        /// The largest absolute error over all quantities.
        var worst: Double { entries.map(\.error).max() ?? 0 }

        /// Prints one line per quantity, prefixed by the model name: the largest absolute error
        /// and the largest fraction of the allowed error used by any compared array.
        func report(_ model: String) {
            for (what, error, share) in entries {
                print("\(model) \(what): max |error| = \(error) (at most \(String(format: "%.1f", share * 100))% of the tolerance)")
            }
        }
    }

    private func expected(_ c: Case, _ key: String, _ field: String? = nil) throws -> [Double] {
        let value = try #require(c.json[key], "\(name): case '\(c.sentence)' has no \(key)")
        guard let field else { return ReferenceFixtures.numbers(value) }
        let block = try #require(value as? [String: Any], "\(name): \(key) is not an object")
        return ReferenceFixtures.numbers(block[field])
    }

    /// Where a case failed, for the messages: model, case index and length, target.
    private func label(_ index: Int, _ what: String) -> String {
        "\(name) case \(index) (\(cases[index].ids.count) tokens, target \(cases[index].target)) \(what)"
    }

    // MARK: Checks

    /// The vocabulary maps each sentence to its ids; logits (one sentence at a time and all
    /// sentences as one padded batch), probabilities, the predicted class, and the logit of the
    /// zero-embedding baseline under the sentence's own mask.
    func checkOutputs(sourceLocation: SourceLocation = #_sourceLocation) throws -> Errors {
        var errors = Errors()
        let vocabulary = try #require(checkpoint.vocabulary, "\(name) has no vocab.txt")
        let classifier = try #require(checkpoint.model.classifier)
        let batched = withoutGradients { model.logits(tokenIDs: cases.map(\.ids)) }
        let classes = batched.shape[1]
        for (i, c) in cases.enumerated() {
            let words = c.sentence.split(separator: " ").map(String.init)
            #expect(words.map { vocabulary.firstIndex(of: $0) ?? -1 } == c.ids,
                    "\(label(i, "token ids")) do not match vocab.txt", sourceLocation: sourceLocation)

            let logits = withoutGradients { model.logits(tokenIDs: [c.ids]) }.scalars.map { Double($0) }
            errors.record("logits", Self.compare(logits, try expected(c, "logits"), label(i, "logits"),
                                                 sourceLocation: sourceLocation))
            let row = batched.scalars[(i * classes)..<((i + 1) * classes)].map { Double($0) }
            errors.record("logits (padded batch)", Self.compare(row, try expected(c, "logits"), label(i, "batched logits"),
                                                                sourceLocation: sourceLocation))
            let top = logits.max() ?? 0
            let exps = logits.map { exp($0 - top) }
            let probabilities = exps.map { $0 / exps.reduce(0, +) }
            errors.record("probabilities", Self.compare(probabilities, try expected(c, "probabilities"),
                                                        label(i, "probabilities"), sourceLocation: sourceLocation))
            #expect(logits.indices.max(by: { logits[$0] < logits[$1] }) == c.target,
                    "\(label(i, "predicted class")) differs", sourceLocation: sourceLocation)

            let zeros = Tensor.zeros([1, c.ids.count, model.tokenEmbedding.dimension])
            let baseline = withoutGradients { classifier.logits(embeddings: zeros, tokenIDs: [c.ids]) }
            errors.record("baseline logit", Self.compare([Double(baseline.scalars[c.target])], try expected(c, "baseline_logit"),
                                                         label(i, "baseline logit"), sourceLocation: sourceLocation))
        }
        return errors
    }

    /// Integrated gradients, 50 steps, Gauss–Legendre and Captum's trapezoid rule: per-token sums,
    /// L2 norms and convergence delta.
    func checkIntegratedGradients(sourceLocation: SourceLocation = #_sourceLocation) throws -> Errors {
        var errors = Errors()
        for (rule, key) in [(IntegrationRule.Kind.gaussLegendre, "integrated_gradients_gausslegendre_50"),
                            (.riemannTrapezoid, "integrated_gradients_riemann_trapezoid_50")] {
            let ig = IntegratedGradients(rule: rule, stepCount: 50, baseline: .pad)
            for (i, c) in cases.enumerated() {
                let a = try ig.attribute(c.ids, targets: [c.target], model: model)[0]
                errors.record("IG \(rule.rawValue) per_token",
                              Self.compare(a.scores, try expected(c, key, "per_token"), label(i, "\(key) per_token"),
                                           sourceLocation: sourceLocation))
                errors.record("IG \(rule.rawValue) per_token_l2",
                              Self.compare(a.scoresL2 ?? [], try expected(c, key, "per_token_l2"), label(i, "\(key) per_token_l2"),
                                           sourceLocation: sourceLocation))
                errors.record("IG \(rule.rawValue) convergence_delta",
                              Self.compare([a.convergenceDelta ?? .nan], try expected(c, key, "convergence_delta"),
                                           label(i, "\(key) convergence_delta"), sourceLocation: sourceLocation))
            }
        }
        return errors
    }

    /// Gradient (per-token sum and L2 norm), input × gradient and leave-one-out.
    func checkGradientInputXGradientLeaveOneOut(sourceLocation: SourceLocation = #_sourceLocation) throws -> Errors {
        var errors = Errors()
        for (i, c) in cases.enumerated() {
            let g = try Saliency().attribute(c.ids, targets: [c.target], model: model)[0]
            errors.record("gradient per_token_sum", Self.compare(g.scores, try expected(c, "gradient", "per_token_sum"),
                                                                 label(i, "gradient sum"), sourceLocation: sourceLocation))
            errors.record("gradient per_token_l2", Self.compare(g.scoresL2 ?? [], try expected(c, "gradient", "per_token_l2"),
                                                                label(i, "gradient l2"), sourceLocation: sourceLocation))

            let ixg = try InputXGradient().attribute(c.ids, targets: [c.target], model: model)[0]
            errors.record("input×gradient", Self.compare(ixg.scores, try expected(c, "input_x_gradient", "per_token"),
                                                         label(i, "input×gradient"), sourceLocation: sourceLocation))

            let loo = try LeaveOneOut().attribute(c.ids, targets: [c.target], model: model)[0]
            errors.record("leave-one-out", Self.compare(loo.scores, try expected(c, "leave_one_out", "per_token"),
                                                        label(i, "leave-one-out"), sourceLocation: sourceLocation))
        }
        return errors
    }

    /// Integrated gradients for every class in one call equal the per-class calls (first case).
    func checkAllClassesInOneCall(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let ig = IntegratedGradients(stepCount: 16)
        let c = try #require(cases.first)
        let all = try ig.attribute(c.ids, targets: Array(model.labels.indices), model: model)
        for k in model.labels.indices {
            let one = try ig.attribute(c.ids, targets: [k], model: model)[0]
            #expect(all[k].target.index == k, sourceLocation: sourceLocation)
            Self.compare(all[k].scores, one.scores, "\(name) class \(k)", sourceLocation: sourceLocation)
        }
    }
}
