import Foundation
import LoupeAttribution
import LoupeNN
import LoupeTensor
import Testing
@testable import LoupePretrained

/// Attribution through the decoders: integrated gradients of a next-token logit is complete
/// (Σ scores = F(x) − F(baseline)) on every tiny architecture, with the steps evaluated as one
/// batch — the path points are a batch of sequences, so batched backward passes must be exact.
@Suite struct DecoderAttributionTests {
    /// With the [PAD] baseline the path integral converges on every architecture (|delta| falls
    /// from ~1e-2 at 16 steps to ~1e-7 at 64). A zero baseline does not, under RMSNorm: the norm is
    /// scale-invariant away from 0 and changes abruptly within √ε of it, so the integrand is a
    /// spike no quadrature resolves (|delta| stays near 1 at 16, 64 and 256 steps on the LLaMA and
    /// Qwen2 fixtures); GPT-2's LayerNorm path from zero converges (checked too).
    @Test(arguments: DecoderFixtures.huggingFaceModels)
    func integratedGradientsIsComplete(_ name: String) throws {
        let model = try DecoderFixtures.model(name)
        let ids = [3, 17, 42, 9, 5, 28, 11]
        let target = OutputTarget.nextToken(token: 7, position: nil)
        let baselines: [Baseline] = name == "gpt2" ? [.pad, .zero] : [.pad]
        for baseline in baselines {
            let a = try IntegratedGradients(rule: .gaussLegendre, stepCount: 64, baseline: baseline)
                .attribute(ids, targets: [target], model: model)[0]
            let delta = try #require(a.convergenceDelta)
            #expect(Swift.abs(delta) < 1e-4, "\(name), \(baseline): delta \(delta)")
        }
    }

    @Test(arguments: DecoderFixtures.huggingFaceModels)
    func batchedPathEqualsOneSequenceAtATime(_ name: String) throws {
        let model = try DecoderFixtures.model(name)
        let ids = [3, 17, 42, 9, 5]
        let target = OutputTarget.nextToken(token: 7, position: nil)
        let batched = try IntegratedGradients(rule: .gaussLegendre, stepCount: 8, baseline: .zero, internalBatchSize: 256)
            .attribute(ids, targets: [target], model: model)[0]
        let single = try IntegratedGradients(rule: .gaussLegendre, stepCount: 8, baseline: .zero, internalBatchSize: 1)
            .attribute(ids, targets: [target], model: model)[0]
        for (a, b) in zip(batched.scores, single.scores) { #expect(Swift.abs(a - b) < 1e-5, "\(name): \(a) vs \(b)") }
    }

    /// The logits of a few tokens after a shared prefix (a tied head restricted to their
    /// embedding rows) are those columns of the full logits; the other columns are 0 where the
    /// head was restricted, the full logits where it was not (an untied head).
    @Test(arguments: DecoderFixtures.huggingFaceModels)
    func logitsOfAFewTokensAreThoseColumns(_ name: String) throws {
        let model = try DecoderFixtures.model(name)
        guard let lm = model as? any PrefixSharingLanguageModel else { return }
        let ids = [3, 17, 42, 9, 5, 28, 11, 60]
        let embeddings = model.embeddings(tokenIDs: [ids, ids.reversed()])
        let prefix = lm.prefixCache(embeddings: embeddings.sliced(alongAxis: 0, 0..<1).sliced(alongAxis: 1, 0..<3),
                                    tokenIDs: Array(ids.prefix(3)))
        let suffix = embeddings.sliced(alongAxis: 1, 3..<8)
        let full = lm.logits(suffix: suffix, after: prefix, positions: [5, 7])
        let tokens = [4, 7, 30]
        let few = lm.logits(suffix: suffix, after: prefix, positions: [5, 7], tokens: tokens)
        #expect(few.shape == full.shape)
        let v = full.shape[2]
        let restricted = (model as? DecoderLanguageModel)?.outputHead == nil
        for row in 0..<(full.count / v) {
            for j in 0..<v {
                let (a, b) = (few.scalars[row * v + j], full.scalars[row * v + j])
                if tokens.contains(j) {
                    #expect(Swift.abs(a - b) <= 1e-5 * Swift.max(1, Swift.abs(b)), "\(name) row \(row) token \(j): \(a) vs \(b)")
                } else {
                    #expect(a == (restricted ? 0 : b))
                }
            }
        }
    }

    /// A held template prefix is read once and shared by every path point (the rows run their
    /// suffixes only): the same scores as the full pass, which a hook on the embeddings forces —
    /// for raw logits (the head restricted to the targets' tokens) and for probabilities (the
    /// whole head).
    @Test(arguments: DecoderFixtures.huggingFaceModels, [AttributionOutput.logit, .probability])
    func sharedPrefixEqualsTheFullPass(_ name: String, output: AttributionOutput) throws {
        let model = try DecoderFixtures.model(name)
        let ids = [3, 17, 42, 9, 5, 28, 11, 60]
        let fixed: Set<Int> = [0, 1, 2, 7]
        let targets: [OutputTarget] = [.nextToken(token: 7, position: nil),
                                       .contrast(.nextToken(token: 7, position: nil), foil: .nextToken(token: 4, position: nil))]
        let ig = IntegratedGradients(stepCount: 16, baseline: .zero, internalBatchSize: 5)
        let shared = try ig.attribute(ids, targets: targets, model: model, output: output, fixedPositions: fixed)
        let observed = ActivationCapture()
        let full = try withHooks([.capture(model.tokenEmbedding, into: observed)]) {
            try ig.attribute(ids, targets: targets, model: model, output: output, fixedPositions: fixed)
        }
        #expect(!observed.activations.isEmpty)
        for (a, b) in zip(shared, full) {
            let scale = b.scores.map { Swift.abs($0) }.max() ?? 1
            for (x, y) in zip(a.scores, b.scores) { #expect(Swift.abs(x - y) <= 1e-5 * Swift.max(scale, 1), "\(name): \(x) vs \(y)") }
            #expect(Swift.abs((a.convergenceDelta ?? 0) - (b.convergenceDelta ?? 0)) < 1e-5)
            for p in fixed { #expect(a.scores[p] == 0) }
        }
    }
}
