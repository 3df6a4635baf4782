import Foundation
import LoupeAttribution
import LoupeNN
import LoupeTensor
import Testing
@testable import LoupePretrained

/// Attention summaries: causal rows summing to 1, the scores read off the pattern, entropy bounds.
@Suite struct AttentionSummaryTests {
    @Test(arguments: DecoderFixtures.huggingFaceModels)
    func summariesReadThePattern(_ name: String) throws {
        let model = try DecoderFixtures.model(name)
        let ids = [5, 17, 99, 3, 42, 8]
        let t = ids.count
        let summaries = try AttentionSummary.run(model, tokenIDs: ids)
        #expect(summaries.map(\.layer) == Array(0..<model.layerCount))
        let cache = try model.runWithCache(tokenIDs: ids)
        for summary in summaries {
            #expect(summary.heads.count == model.headCount)
            let raw = try cache.activation(.attentionPattern(summary.layer)).scalars
            for head in summary.heads {
                #expect(head.pattern.count == t)
                var previous = 0.0, first = 0.0, entropy = 0.0
                for (q, row) in head.pattern.enumerated() {
                    #expect(abs(row.reduce(0, +) - 1) < 1e-5)
                    #expect(row[(q + 1)...].allSatisfy { $0 == 0 }, "causal: query \(q) sees no later key")
                    for (k, w) in row.enumerated() { #expect(w == Double(raw[(head.head * t + q) * t + k])) }
                    if q > 0 { previous += row[q - 1]; first += row[0] }
                    entropy += row.filter { $0 > 0 }.reduce(0) { $0 - $1 * log($1) }
                }
                #expect(abs(try #require(head.previousTokenScore) - previous / Double(t - 1)) < 1e-12)
                #expect(abs(try #require(head.firstTokenScore) - first / Double(t - 1)) < 1e-12)
                #expect(abs(head.entropy - entropy / Double(t)) < 1e-9)
                // Query q spreads over at most q + 1 keys: the mean entropy is at most mean log(q + 1).
                let bound = (1...t).reduce(0.0) { $0 + log(Double($1)) } / Double(t)
                #expect(head.entropy >= 0 && head.entropy <= bound + 1e-9)
            }
        }
    }

    @Test func oneTokenHasNoPreviousToken() throws {
        let model = try DecoderFixtures.model("gpt2")
        let summary = try #require(try AttentionSummary.run(model, tokenIDs: [9], layers: [1]).first)
        for head in summary.heads {
            #expect(head.pattern == [[1]])
            #expect(head.entropy == 0)
            #expect(head.previousTokenScore == nil && head.firstTokenScore == nil)
        }
    }

    @Test func layerOutOfRangeThrows() throws {
        let model = try DecoderFixtures.model("gpt2")
        #expect(throws: AttributionError.self) { try AttentionSummary.run(model, tokenIDs: [1, 2], layers: [model.layerCount]) }
        let cache = try model.runWithCache(tokenIDs: [1, 2], sites: [.embed])
        #expect(throws: ModelInputError.self) { try AttentionSummary(layer: 0, cache: cache) }
    }
}
