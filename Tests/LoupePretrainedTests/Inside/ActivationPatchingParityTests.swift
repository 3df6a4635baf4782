import Foundation
import LoupeAttribution
import LoupeNN
import Testing
@testable import LoupePretrained

/// Parity with an independent PyTorch forward-hook implementation on the same tiny decoders
/// (`benchmarks/fixtures/make_patching_fixtures.py`, one unbatched transformers run per cell):
/// recoveries of resid_pre, attn, mlp and per-head patching agree to 1e-3 absolute.
@Suite struct ActivationPatchingParityTests {
    struct Grid: Decodable { let metrics: [[Double]]; let recoveries: [[Double]] }
    struct Case: Decodable {
        let clean: [Int]
        let corrupt: [Int]
        let target: Int
        let foil: Int
        let clean_metric: Double
        let corrupt_metric: Double
        let grids: [String: Grid]
    }

    static func cases() throws -> [String: [Case]] {
        try JSONDecoder().decode([String: [Case]].self,
                                 from: Data(contentsOf: DecoderFixtures.url("patching_expected.json")))
    }

    @Test(arguments: ["gpt2", "llama_gqa"])
    func recoveriesMatchTransformers(_ name: String) throws {
        let cases = try #require(try Self.cases()[name])
        #expect(cases.count == 2)
        let model = try DecoderFixtures.model(name)
        var worst = 0.0
        for c in cases {
            let patching = try ActivationPatching(model: model, clean: c.clean, corruption: .prompt(c.corrupt),
                                                  metric: .logitDifference(target: c.target, foil: c.foil))
            #expect(Swift.abs(patching.cleanMetric - c.clean_metric) < 1e-4)
            #expect(Swift.abs(patching.corruptedMetric - c.corrupt_metric) < 1e-4)
            var grids: [String: [[Double]]] = [:]
            for site in PatchingSite.allCases { grids[site.rawValue] = try patching.sweep(site).recoveries }
            grids["heads"] = try patching.sweepHeads(.allPositions).recoveries
            for (key, expected) in c.grids {
                let ours = try #require(grids[key], "grid \(key)")
                #expect(ours.count == expected.recoveries.count && ours.first?.count == expected.recoveries.first?.count)
                for (a, b) in zip(ours.flatMap { $0 }, expected.recoveries.flatMap { $0 }) {
                    worst = Swift.max(worst, Swift.abs(a - b))
                }
            }
        }
        print("activation patching parity \(name): max |Δ recovery| = \(worst)")
        #expect(worst <= 1e-3, "\(name): max recovery error \(worst)")
    }
}
