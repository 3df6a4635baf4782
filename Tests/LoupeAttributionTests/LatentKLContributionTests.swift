import Foundation
import LoupeAttribution
import LoupeNN
import LoupeTensor
import Testing

@Suite("Latent KL contribution")
struct LatentKLContributionTests {
    static let sentences = [[4, 5, 6, 7], [9], [11, 4, 8, 8, 10, 5]]

    func kl(_ model: TextVAE, _ ids: [[Int]]) -> [Double] {
        withoutGradients { model.klDivergence(tokenIDs: ids).scalars.map(Double.init) }
    }

    @Test("completeness: Σ scores ≈ KL(x) − KL(zero embeddings), and the delta says so",
          arguments: [IntegrationRule.Kind.gaussLegendre, .riemannTrapezoid, .riemannMiddle])
    func completeness(rule: IntegrationRule.Kind) throws {
        let model = tinyTextVAE()
        let method = try KLContribution(kind: rule, stepCount: 50)
        for ids in Self.sentences {
            let a = try method.attribute(ids, model: model)
            #expect(a.perToken.count == ids.count)
            #expect(Swift.abs(a.kl - kl(model, [ids])[0]) < 1e-5)
            let zero = withoutGradients {
                model.klDivergence(mu: model.encode(embeddings: .zeros([1, ids.count, 6]), tokenIDs: [ids]).mu,
                                   logVariance: model.encode(embeddings: .zeros([1, ids.count, 6]), tokenIDs: [ids]).logVariance)
            }
            #expect(Swift.abs(a.klOfBaseline! - Double(zero[0])) < 1e-5)
            let delta = try #require(a.convergenceDelta)
            #expect(Swift.abs(delta - (a.perToken.reduce(0, +) - (a.kl - a.klOfBaseline!))) < 1e-9)
            #expect(Swift.abs(delta) < (rule == .gaussLegendre ? 1e-4 : 5e-3), "|delta| \(delta) with \(rule.rawValue)")
            #expect(a.parameters["steps"] == .int(50) && a.parameters["rule"] == .string(rule.rawValue))
        }
    }

    @Test("batched steps, and one backward for the total, agree with the per-dimension breakdown")
    func batchingAndBreakdown() throws {
        let model = tinyTextVAE()
        let ids = Self.sentences[2]
        let reference = try KLContribution(internalBatchSize: 64).attribute(ids, model: model)
        let small = try KLContribution(internalBatchSize: 7).attribute(ids, model: model)
        let total = try KLContribution(perDimension: false).attribute(ids, model: model)
        #expect(largestError(small.perToken, reference.perToken) < 1e-6)
        #expect(largestError(total.perToken, reference.perToken) < 1e-5)
        #expect(total.perTokenPerDimension == nil && total.convergenceDeltaPerDimension == nil)
        let matrix = try #require(reference.perTokenPerDimension)
        #expect(matrix.count == ids.count && matrix.allSatisfy { $0.count == 3 })
        // Each dimension's column is complete for that dimension's KL term.
        for d in 0..<3 {
            let column = matrix.reduce(0) { $0 + $1[d] }
            let gap = reference.klPerDimension[d] - reference.klOfBaselinePerDimension![d]
            #expect(Swift.abs(column - gap - reference.convergenceDeltaPerDimension![d]) < 1e-9)
            #expect(Swift.abs(reference.convergenceDeltaPerDimension![d]) < 1e-3)
        }
    }

    @Test("attribution leaves the model's parameter gradients alone")
    func pure() throws {
        let model = tinyTextVAE()
        model.zeroGradients()
        _ = try KLContribution(kind: .gaussLegendre, stepCount: 4).attribute(Self.sentences[0], model: model)
        #expect(model.parameters.allSatisfy { $0.gradient == nil && $0.sparseGradient == nil })
    }

    @Test("leave-one-out: KL(x) − KL(x without token), removed or replaced by [PAD]")
    func leaveOneOut() throws {
        let model = tinyTextVAE()
        let ids = Self.sentences[0]
        let full = kl(model, [ids])[0]
        let padded = try KLLeaveOneOut(removal: .pad).attribute(ids, model: model)
        let removed = try KLLeaveOneOut(removal: .remove).attribute(ids, model: model)
        for i in ids.indices {
            var p = ids; p[i] = 0
            var r = ids; r.remove(at: i)
            #expect(Swift.abs(padded.perToken[i] - (full - kl(model, [p])[0])) < 1e-5)
            #expect(Swift.abs(removed.perToken[i] - (full - kl(model, [r])[0])) < 1e-5)
            #expect(Swift.abs(padded.perTokenPerDimension![i].reduce(0, +) - padded.perToken[i]) < 1e-9)
        }
        #expect(padded.method == "leave-one-out" && padded.convergenceDelta == nil)
        #expect(padded.parameters["removal"] == .string("pad"))
        // Removing the only token leaves an empty sentence: the encoder's zero initial state.
        let single = try KLLeaveOneOut(removal: .remove).attribute([9], model: model)
        let state = Tensor.zeros([1, 8])
        let empty = withoutGradients { model.klDivergence(mu: model.toMu(state), logVariance: model.toLogVariance(state)) }
        #expect(Swift.abs(single.klWithoutToken![0] - Double(empty[0])) < 1e-6)
        #expect(throws: AttributionError.self) { try KLLeaveOneOut().attribute([], model: model) }
        #expect(throws: AttributionError.self) { try KLContribution().attribute([], model: model) }
    }

    @Test("loupe.kl.v1 without the original text spells tokens with the vocabulary")
    func documentFromIDs() throws {
        let model = tinyTextVAE()
        let vocabulary = ["[PAD]", "[UNK]", "[BOS]", "[EOS]"] + (0..<8).map { "word\($0)" }
        let a = try KLLeaveOneOut().attribute([4, 5], model: model)
        let doc = try KLDocument(a, model: LatentModelInfo(model), vocabulary: vocabulary)
        #expect(doc.input.text == "word0 word1")
        #expect(doc.input.tokens.map { [$0.start, $0.end] } == [[0, 5], [6, 11]])
        #expect(doc.klWithoutToken?.count == 2 && doc.convergenceDelta == nil)
        #expect(try KLDocument.decode(try doc.prettyJSON()) == doc)
    }
}
