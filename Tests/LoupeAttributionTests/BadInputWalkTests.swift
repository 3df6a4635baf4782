import Foundation
import LoupeAttribution
import LoupeNN
import LoupeTensor
import Testing

/// The public entry points of LoupeAttribution beyond the methods' `attribute` (walked by
/// ``AttributionValidationTests``) — faithfulness metrics, the next-token distribution, KL
/// attribution of a text VAE, baselines — given bad input (targets out of range, ids outside the
/// vocabulary, over-long or empty inputs, scores of the wrong length or NaN, settings out of
/// range) throw an error naming what is wrong, or (for pure functions) answer without trapping.
@Suite struct BadInputWalkTests {
    static let model = AttributionValidationTests.model   // vocabulary 20, max_len 6, 2 classes
    static let ids = [3, 4, 5, 6]
    static let scores = [0.4, -0.1, 0.3, 0.2]

    static func expectError(_ what: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("\(what): no error", sourceLocation: sourceLocation)
        } catch {
            #expect(!String(describing: error).isEmpty, sourceLocation: sourceLocation)
        }
    }

    /// (what, ids, scores, target) that every faithfulness metric refuses.
    static let badCalls: [(String, [Int], [Double], Int)] = [
        ("target 2", ids, scores, 2), ("target -1", ids, scores, -1), ("empty ids", [], [], 0),
        ("id 20", [3, 20, 5, 6], scores, 0), ("id -1", [3, -1, 5, 6], scores, 0),
        ("too long", Array(repeating: 3, count: 7), Array(repeating: 0.1, count: 7), 0),
        ("scores too short", ids, [0.1, 0.2], 0), ("NaN score", ids, [0.1, .nan, 0.3, 0.2], 0),
        ("infinite score", ids, [0.1, .infinity, 0.3, 0.2], 0),
    ]

    @Test func faithfulnessMetrics() throws {
        let m = Self.model
        for (what, ids, scores, target) in Self.badCalls {
            Self.expectError("deletion \(what)") { _ = try DeletionInsertion().deletion(ids, scores: scores, target: target, model: m) }
            Self.expectError("insertion \(what)") { _ = try DeletionInsertion().insertion(ids, scores: scores, target: target, model: m) }
            Self.expectError("ERASER \(what)") { _ = try EraserMetrics().evaluate(ids, scores: scores, target: target, model: m) }
            Self.expectError("infidelity \(what)") {
                _ = try Infidelity(sampleCount: 4).evaluate(ids, scores: scores, target: target, model: m)
            }
            if scores.count == ids.count && scores.allSatisfy(\.isFinite) {
                Self.expectError("sensitivity \(what)") {
                    _ = try SensitivityMax(sampleCount: 2).evaluate(Saliency(), ids: ids, target: target, model: m)
                }
                Self.expectError("ERASER rationale \(what)") {
                    _ = try EraserMetrics().evaluate(ids, rationale: [0], target: target, model: m)
                }
            }
        }
        Self.expectError("ERASER rationale outside the text") { _ = try EraserMetrics().evaluate(Self.ids, rationale: [9], target: 0, model: m) }
        Self.expectError("ERASER no bins") { _ = try EraserMetrics(fractions: []).evaluate(Self.ids, scores: Self.scores, target: 0, model: m) }
        Self.expectError("ERASER bin 2") { _ = try EraserMetrics(fractions: [2]).evaluate(Self.ids, scores: Self.scores, target: 0, model: m) }
        Self.expectError("ERASER bin NaN") { _ = try EraserMetrics(fractions: [.nan]).evaluate(Self.ids, scores: Self.scores, target: 0, model: m) }
        Self.expectError("deletion batch 0") { _ = try DeletionInsertion(batchSize: 0).deletion(Self.ids, scores: Self.scores, target: 0, model: m) }
        Self.expectError("infidelity 0 samples") { _ = try Infidelity(sampleCount: 0).evaluate(Self.ids, scores: Self.scores, target: 0, model: m) }
        Self.expectError("infidelity p 1.5") {
            _ = try Infidelity(sampleCount: 4, probability: 1.5).evaluate(Self.ids, scores: Self.scores, target: 0, model: m)
        }
        Self.expectError("sensitivity radius NaN") {
            _ = try SensitivityMax(radius: .nan, sampleCount: 2).evaluate(Saliency(), ids: Self.ids, target: 0, model: m)
        }
        Self.expectError("sensitivity 0 samples") {
            _ = try SensitivityMax(sampleCount: 0).evaluate(Saliency(), ids: Self.ids, target: 0, model: m)
        }
        Self.expectError("trapezoid lengths") { _ = try DeletionInsertion.trapezoid([0, 1], [1]) }
        // Pure functions answer for any input.
        #expect(EraserMetrics.tokenCount(fraction: .nan, of: 10) == 1)
        #expect(EraserMetrics.tokenCount(fraction: 1e300, of: 10) == 10)
        #expect(EraserMetrics.tokenCount(fraction: -.infinity, of: 10) == 1)
        #expect(KendallTau.tauB([1, 2], [1]) == nil)
        #expect(RationaleHitRate.isHit(scores: [], rationale: [3]) == nil)
        // The evaluator reports a failing metric in its block instead of throwing or trapping.
        let attribution = try Saliency().attribute(Self.ids, targets: [0], model: m)[0]
        let block = FaithfulnessEvaluator(randomBaselineSeed: nil).evaluate([3, 25, 5, 6], target: 0, attributions: [attribution], model: m)
        #expect(block.methods.count == 1 && block.methods.allSatisfy { $0.error != nil }, "\(block.methods)")
    }

    @Test func nextTokenDistribution() throws {
        Self.expectError("empty row") { _ = try NextTokenDistribution(logits: []) }
        let d = try NextTokenDistribution(logits: [1, 2, 3])
        for id in [3, -1] {
            Self.expectError("probability \(id)") { _ = try d.probability(id) }
            Self.expectError("log-probability \(id)") { _ = try d.logProbability(id) }
            Self.expectError("rank \(id)") { _ = try d.rank(id) }
            Self.expectError("reading \(id)") { _ = try d.reading(id) }
        }
        #expect(try d.rank(2) == 1 && d.top(-3).isEmpty && d.top(99).count == 3)
    }

    @Test func latentAttribution() {
        let vae = TextVAE(config: TextVAEConfig(vocabularySize: 12, embedDimension: 6, hiddenDimension: 8, latentDimension: 3,
                                                maxLength: 7), seed: 5)
        // A text VAE's GRU has no length limit (maximumSequenceLength nil): a long text is no error.
        #expect(vae.maximumSequenceLength == nil)
        for (what, ids) in [("empty", [Int]()), ("id 12", [4, 12]), ("id -2", [-2, 4])] {
            Self.expectError("KL leave-one-out \(what)") { _ = try KLLeaveOneOut().attribute(ids, model: vae) }
            for method in [Saliency() as any AttributionMethod, IntegratedGradients(stepCount: 4)] {
                Self.expectError("\(method.id) KL \(what)") { _ = try method.attribute(ids, targets: [OutputTarget.klToPrior], model: vae) }
            }
        }
        Self.expectError("KL dimension 3 of 3") { _ = try Saliency().attribute([4, 5], targets: [OutputTarget.klDimension(3)], model: vae) }
        Self.expectError("KL dimension -1") { _ = try Saliency().attribute([4, 5], targets: [OutputTarget.klDimension(-1)], model: vae) }
        Self.expectError("a class of a VAE") { _ = try Saliency().attribute([4, 5], targets: [0], model: vae) }
    }

    @Test func latentCodesAndDecoding() throws {
        let vae = TextVAE(config: TextVAEConfig(vocabularySize: 12, embedDimension: 6, hiddenDimension: 8, latentDimension: 3,
                                                maxLength: 7), seed: 5)
        Self.expectError("rows of two widths") { _ = try LatentCodes(mu: [[0, 0, 0]], logVariance: [[0, 0]], latentDimension: 3) }
        Self.expectError("row counts differ") { _ = try LatentCodes(mu: [[0, 0, 0]], logVariance: [], latentDimension: 3) }
        let codes = try LatentCodes(mu: [[0, 1, 2], [1, 2, 3]], logVariance: [[0, 0, 0], [0, 0, 0]], latentDimension: 3)
        for (q, d) in [(1.5, 0), (-0.1, 0), (.nan, 0), (0.5, 3), (0.5, -1)] {
            Self.expectError("quantile \(q) of \(d)") { _ = try codes.quantile(q, ofDimension: d) }
        }
        Self.expectError("means of dimension 3") { _ = try codes.means(ofDimension: 3) }
        Self.expectError("no codes") { _ = try LatentCodes(mu: [], logVariance: [], latentDimension: 3).quantile(0.5, ofDimension: 0) }
        Self.expectError("batch size 0") { _ = try vae.posteriorRows(of: [[4, 5]], batchSize: 0) }
        Self.expectError("code of 2 values") { _ = try vae.decodedCells(for: [[0, 0]]) }
        Self.expectError("NaN code") { _ = try vae.decodedCells(for: [[0, .nan, 0]]) }
        Self.expectError("decode batch 0") { _ = try vae.decodedCells(for: [[0, 0, 0]], batchSize: 0) }
        Self.expectError("labels of another count") {
            _ = try LatentDocument(codes, model: LatentModelInfo(vae), exampleLabels: ["one"])
        }
        var document = try LatentDocument(codes, model: LatentModelInfo(vae))
        document.mu = [[1, 2]]   // as a hand-edited file could say
        Self.expectError("a document's rows of the wrong width") { _ = try document.codes }
    }

    @Test func baselines() throws {
        let x = withoutGradients { Self.model.embeddings(tokenIDs: [Self.ids]) }
        for (what, ids) in [("id 20", [3, 20, 5, 6]), ("wrong count", [3, 4]), ("empty", [Int]())] {
            for baseline in [Baseline.pad, .zero, .meanEmbedding, .uniform(samples: 2, seed: 0), .expected(samples: 2, seed: 0)] {
                Self.expectError("\(baseline) \(what)") { _ = try baseline.embeddings(like: x, ids: ids, model: Self.model) }
            }
        }
        Self.expectError("kept position 9") { _ = try Baseline.pad.embeddings(like: x, ids: Self.ids, model: Self.model, keeping: [9]) }
        Self.expectError("token baseline id 20") { _ = try Baseline.token(id: 20, name: "x").embeddings(like: x, ids: Self.ids, model: Self.model) }
        Self.expectError("reference id 20") {
            _ = try Baseline.reference(ids: [3, 20], text: "x").embeddings(like: x, ids: Self.ids, model: Self.model)
        }
        Self.expectError("no samples") { _ = try Baseline.uniform(samples: 0, seed: 0).embeddings(like: x, ids: Self.ids, model: Self.model) }
        Self.expectError("empty average") { _ = try Baseline.average([]).embeddings(like: x, ids: Self.ids, model: Self.model) }
        for baseline in [Baseline.token(id: 20, name: "x"), .uniform(samples: 0, seed: 0)] {
            Self.expectError("IG with \(baseline)") {
                _ = try IntegratedGradients(stepCount: 4, baseline: baseline).attribute(Self.ids, targets: [0], model: Self.model)
            }
        }
    }
}
