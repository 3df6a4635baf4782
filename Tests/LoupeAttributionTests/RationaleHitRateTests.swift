import LoupeAttribution
import Testing

@Suite("Top-1 rationale hit rate")
struct RationaleHitRateTests {
    @Test("hits, misses, ties and empty input")
    func hitRate() {
        #expect(RationaleHitRate.isHit(scores: [0.1, 0.9, 0.2], rationale: [1]) == true)
        #expect(RationaleHitRate.isHit(scores: [0.1, 0.9, 0.2], rationale: [0, 2]) == false)
        #expect(RationaleHitRate.isHit(scores: [0.5, 0.5], rationale: [0]) == true)   // tie → earliest
        #expect(RationaleHitRate.isHit(scores: [], rationale: [0]) == nil)
        let rate = RationaleHitRate.rate([([0.1, 0.9], [1]), ([0.9, 0.1], [1]), ([1, 2, 3], [2]), ([], [0])])
        #expect(rate == 2.0 / 3)
        #expect(RationaleHitRate.rate([]) == nil)
    }
}
