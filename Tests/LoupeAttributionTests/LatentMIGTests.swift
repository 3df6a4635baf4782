import Foundation
import LoupeAttribution
import LoupeTensor
import Testing

@Suite("Latent MIG")
struct LatentMIGTests {
    /// `n` examples of three factors with 4, 6 and 10 values, drawn uniformly.
    static func factors(_ n: Int, seed: UInt64 = 1) -> [[Int]] {
        var rng = RandomGenerator(seed: seed)
        return (0..<n).map { _ in [rng.nextInt(below: 4), rng.nextInt(below: 6), rng.nextInt(below: 10)] }
    }

    @Test("a perfectly disentangled code scores ≈ 1")
    func disentangled() throws {
        let f = Self.factors(5000)
        var rng = RandomGenerator(seed: 2)
        // Each factor in a dimension of its own (scaled, slightly noisy), plus two pure-noise dimensions.
        let codes: [[Float]] = f.map { row in
            [Float(row[1]) * 0.7 + 0.01 * rng.nextNormal(), rng.nextNormal(), -Float(row[0]) + 0.01 * rng.nextNormal(),
             Float(row[2]) * 0.3 + 0.005 * rng.nextNormal(), rng.nextNormal()]
        }
        let result = try MutualInformationGap().score(codes: codes, factors: f, factorNames: ["a", "b", "c"])
        #expect(result.mig > 0.95, "MIG \(result.mig)")
        #expect(result.factors.map(\.topDimension) == [2, 0, 3])
        #expect(result.factors.map(\.name) == ["a", "b", "c"])
        for factor in result.factors {
            #expect(Swift.abs(factor.mutualInformation[factor.topDimension] - factor.entropy) < 1e-9)
        }
        #expect(result.binCount == 20 && result.exampleCount == 5000)
    }

    @Test("a random code scores ≈ 0")
    func random() throws {
        let f = Self.factors(5000)
        var rng = RandomGenerator(seed: 3)
        let codes: [[Float]] = f.map { _ in (0..<6).map { _ in rng.nextNormal() } }
        let result = try MutualInformationGap().score(codes: codes, factors: f)
        #expect(result.mig < 0.03, "MIG \(result.mig)")
    }

    @Test("a factor copied into two dimensions has no gap; a constant factor is left out")
    func duplicatedAndConstant() throws {
        let f = Self.factors(2000).map { [$0[0], 7] }
        let codes: [[Float]] = f.map { [Float($0[0]), Float($0[0]) * 2, 0] }
        let result = try MutualInformationGap().score(codes: codes, factors: f)
        #expect(Swift.abs(result.factors[0].gap ?? 1) < 1e-9)
        #expect(result.factors[1].gap == nil && result.factors[1].entropy == 0)
        #expect(Swift.abs(result.mig) < 1e-9)
    }

    @Test("histogram estimate: hand-computed mutual information and entropy")
    func handComputed() throws {
        // Factor (0, 0, 1, 1) against a code that separates it: I = H = log 2.
        let result = try MutualInformationGap(binCount: 2).score(codes: [[0, 5], [0.1, 5], [1, 5], [0.9, 5]],
                                                                 factors: [[0], [0], [1], [1]])
        #expect(Swift.abs(result.factors[0].entropy - log(2)) < 1e-12)
        #expect(result.factors[0].mutualInformation.map { ($0 * 1e9).rounded() / 1e9 } == [(log(2) * 1e9).rounded() / 1e9, 0])
        #expect(Swift.abs(result.mig - 1) < 1e-12)
    }

    /// The committed fixture `Fixtures/mig-python.json`: seeded, partly entangled codes of three
    /// factors and the MIG that numpy's histogram edges, `np.digitize` and scikit-learn's
    /// `mutual_info_score` give for them (`benchmarks/mig_check.py --make-fixture`).
    struct PythonFixture: Decodable {
        struct Factor: Decodable {
            var entropy: Double
            var mutual_information: [Double]
            var top_dimension: Int
            var gap: Double?
        }
        struct Expected: Decodable { var mig: Double; var factors: [Factor] }
        var bins: Int
        var factor_names: [String]
        var codes: [[Float]]
        var factors: [[Int]]
        var expected: Expected
    }

    @Test("agrees with an independent numpy / scikit-learn computation on the same codes")
    func matchesPython() throws {
        let url = try #require(Bundle.module.resourceURL).appendingPathComponent("Fixtures/mig-python.json")
        let fixture = try JSONDecoder().decode(PythonFixture.self, from: Data(contentsOf: url))
        let result = try MutualInformationGap(binCount: fixture.bins)
            .score(codes: fixture.codes, factors: fixture.factors, factorNames: fixture.factor_names)
        #expect(Swift.abs(result.mig - fixture.expected.mig) < 1e-9, "MIG \(result.mig) vs Python \(fixture.expected.mig)")
        #expect(result.factors.count == fixture.expected.factors.count)
        for (ours, theirs) in zip(result.factors, fixture.expected.factors) {
            #expect(Swift.abs(ours.entropy - theirs.entropy) < 1e-9, "\(ours.name) entropy")
            #expect(ours.topDimension == theirs.top_dimension, "\(ours.name) top dimension")
            #expect(Swift.abs((ours.gap ?? .nan) - (theirs.gap ?? .nan)) < 1e-9, "\(ours.name) gap \(ours.gap ?? .nan) vs \(theirs.gap ?? .nan)")
            for (a, b) in zip(ours.mutualInformation, theirs.mutual_information) {
                #expect(Swift.abs(a - b) < 1e-9, "\(ours.name) information \(a) vs \(b)")
            }
        }
        // The fixture is not degenerate: one factor well separated, one partly, one spread out.
        #expect(result.mig > 0.2 && result.mig < 0.6)
    }

    @Test("pairwise information: ≈ 0 between independent dimensions, the entropy for a copy, high for a rotated square")
    func pairwiseInformation() throws {
        var rng = RandomGenerator(seed: 5)
        let codes: [[Float]] = (0..<5000).map { _ in
            let (x, y) = (rng.nextUniform(), rng.nextUniform())
            return [x, y, x * 3 - 1, x + y, x - y]
        }
        let info = try MutualInformationGap().pairwiseInformation(codes: codes)
        #expect(info.count == 5 && info.allSatisfy { $0.count == 5 })
        #expect(info[0][1] < 0.06, "independent: \(info[0][1])")               // plug-in bias only
        #expect(Swift.abs(info[0][2] - info[0][0]) < 1e-9 && info[0][0] > 2.9)  // an affine copy: all of log 20
        #expect(info[3][4] > 0.25, "x + y and x − y of a uniform square are dependent: \(info[3][4])")
        #expect(info[1][0] == info[0][1])
        #expect(throws: AttributionError.self) { try MutualInformationGap().pairwiseInformation(codes: [[1], [.nan]]) }
    }

    @Test("bad inputs throw")
    func errors() {
        let mig = MutualInformationGap()
        #expect(throws: AttributionError.self) { try mig.score(codes: [], factors: []) }
        #expect(throws: AttributionError.self) { try mig.score(codes: [[1]], factors: [[1], [2]]) }
        #expect(throws: AttributionError.self) { try mig.score(codes: [[.nan], [1]], factors: [[1], [2]]) }
        #expect(throws: AttributionError.self) { try mig.score(codes: [[0], [1]], factors: [[1], [1]]) }
        #expect(throws: AttributionError.self) { try MutualInformationGap(binCount: 0).score(codes: [[0], [1]], factors: [[0], [1]]) }
    }
}
