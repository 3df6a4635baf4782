import LoupeAttribution
import Testing

@Suite("Kendall τ-b")
struct KendallTauTests {
    @Test("known values", arguments: [
        ([1.0, 2, 3, 4], [10.0, 20, 30, 40], 1.0),
        ([1.0, 2, 3, 4], [4.0, 3, 2, 1], -1.0),
        ([1.0, 2, 3, 4], [1.0, 2, 2, 4], 5 / 30.0.squareRoot()),   // scipy.stats.kendalltau: 0.9128709
        ([1.0, 1, 2, 2], [1.0, 2, 1, 2], 0.0),
        ([1.0, 2, 3], [1.0, 3, 2], 1.0 / 3),
    ])
    func known(a: [Double], b: [Double], tau: Double) throws {
        #expect(Swift.abs(try #require(KendallTau.tauB(a, b)) - tau) < 1e-12)
    }

    @Test("undefined cases give nil")
    func undefined() {
        #expect(KendallTau.tauB([1, 1, 1], [1, 2, 3]) == nil)
        #expect(KendallTau.tauB([1], [1]) == nil)
        #expect(KendallTau.tauB([1, 2], [1, 2, 3]) == nil)
    }

    @Test("symmetric")
    func symmetric() {
        let a: [Double] = [0.3, -1, 2, 2, 0.5, 7], b: [Double] = [1, 1, 0, 3, -2, 4]
        #expect(KendallTau.tauB(a, b) == KendallTau.tauB(b, a))
    }
}
