import Foundation
import LoupeAttribution
import LoupeNN
import LoupeTestSupport
import Testing

/// Every deterministic attribution number of the PyTorch/Captum reference results
/// (`expected.json` of the two classifiers) reproduced within 1e-4, from the checkpoints.
@Suite("Reference parity (Captum)")
struct ReferenceParityTests {
    static let models = ["bag-of-embeddings", "transformer-classifier"]
    static let tolerance = 1e-4

    struct Case {
        let ids: [Int]
        let target: Int
        let json: [String: Any]
    }

    static func load(_ name: String) throws -> (AttributableModel, [Case]) {
        let checkpoint = try ModelFactory.load(from: ReferenceFixtures.directory(name))
        let model = try #require(checkpoint.model.attributable)
        let cases = try #require(try ReferenceFixtures.expected(name)["cases"] as? [[String: Any]])
        return (model, cases.map {
            Case(ids: ReferenceFixtures.integers($0["token_ids"]), target: ($0["target"] as? Int) ?? 0, json: $0)
        })
    }

    /// Compares within 1e-4 absolute or 1e-4 relative to the largest expected magnitude (README).
    static func compare(_ actual: [Double], _ expected: [Double], _ what: String,
                        sourceLocation: SourceLocation = #_sourceLocation) -> Double {
        #expect(actual.count == expected.count, "\(what): \(actual.count) vs \(expected.count) values",
                sourceLocation: sourceLocation)
        let scale = max(1, expected.map(abs).max() ?? 1)
        let worst = zip(actual, expected).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= tolerance * scale, "\(what): max |error| \(worst)", sourceLocation: sourceLocation)
        return worst
    }

    @Test(arguments: models)
    func integratedGradientsBothRules(model name: String) throws {
        let (model, cases) = try Self.load(name)
        var worst = 0.0
        for (rule, key) in [(IntegrationRule.Kind.gaussLegendre, "integrated_gradients_gausslegendre_50"),
                            (.riemannTrapezoid, "integrated_gradients_riemann_trapezoid_50")] {
            let ig = IntegratedGradients(rule: rule, stepCount: 50, baseline: .pad)
            for c in cases {
                let expected = try #require(c.json[key] as? [String: Any])
                let a = try ig.attribute(c.ids, targets: [c.target], model: model)[0]
                worst = max(worst, Self.compare(a.scores, ReferenceFixtures.numbers(expected["per_token"]), "\(name) \(key) per_token"))
                worst = max(worst, Self.compare(a.scoresL2 ?? [], ReferenceFixtures.numbers(expected["per_token_l2"]), "\(name) \(key) l2"))
                worst = max(worst, Self.compare([a.convergenceDelta ?? .nan],
                                                ReferenceFixtures.numbers(expected["convergence_delta"]), "\(name) \(key) delta"))
            }
        }
        print("\(name) integrated gradients: max |error| = \(worst)")
    }

    @Test(arguments: models)
    func gradientInputTimesGradientAndLeaveOneOut(model name: String) throws {
        let (model, cases) = try Self.load(name)
        var worst = 0.0
        for c in cases {
            let g = try Saliency().attribute(c.ids, targets: [c.target], model: model)[0]
            let gradient = try #require(c.json["gradient"] as? [String: Any])
            worst = max(worst, Self.compare(g.scores, ReferenceFixtures.numbers(gradient["per_token_sum"]), "\(name) gradient sum"))
            worst = max(worst, Self.compare(g.scoresL2 ?? [], ReferenceFixtures.numbers(gradient["per_token_l2"]), "\(name) gradient l2"))

            let ixg = try InputXGradient().attribute(c.ids, targets: [c.target], model: model)[0]
            let ixgExpected = try #require(c.json["input_x_gradient"] as? [String: Any])
            worst = max(worst, Self.compare(ixg.scores, ReferenceFixtures.numbers(ixgExpected["per_token"]), "\(name) input×gradient"))

            let loo = try Occlusion().attribute(c.ids, targets: [c.target], model: model)[0]
            let looExpected = try #require(c.json["leave_one_out"] as? [String: Any])
            worst = max(worst, Self.compare(loo.scores, ReferenceFixtures.numbers(looExpected["per_token"]), "\(name) leave-one-out"))
        }
        print("\(name) gradient / input×gradient / leave-one-out: max |error| = \(worst)")
    }

    @Test(arguments: models)
    func allClassesInOneCallMatchPerClassCalls(model name: String) throws {
        let (model, cases) = try Self.load(name)
        let ig = IntegratedGradients(stepCount: 16)
        let c = cases[0]
        let all = try ig.attribute(c.ids, targets: Array(model.labels.indices), model: model)
        for k in model.labels.indices {
            let one = try ig.attribute(c.ids, targets: [k], model: model)[0]
            #expect(all[k].target.index == k)
            _ = Self.compare(all[k].scores, one.scores, "\(name) class \(k)")
        }
    }
}
