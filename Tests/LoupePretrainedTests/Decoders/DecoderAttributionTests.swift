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

    /// A held template prefix is read once and shared by every path point (the rows run their
    /// suffixes only): the same scores as the full pass, which a hook on the embeddings forces.
    @Test(arguments: DecoderFixtures.huggingFaceModels)
    func sharedPrefixEqualsTheFullPass(_ name: String) throws {
        let model = try DecoderFixtures.model(name)
        let ids = [3, 17, 42, 9, 5, 28, 11, 60]
        let fixed: Set<Int> = [0, 1, 2, 7]
        let targets: [OutputTarget] = [.nextToken(token: 7, position: nil),
                                       .contrast(.nextToken(token: 7, position: nil), foil: .nextToken(token: 4, position: nil))]
        let ig = IntegratedGradients(stepCount: 16, baseline: .zero, internalBatchSize: 5)
        let shared = try ig.attribute(ids, targets: targets, model: model, fixedPositions: fixed)
        let observed = ActivationCapture()
        let full = try withHooks([.capture(model.tokenEmbedding, into: observed)]) {
            try ig.attribute(ids, targets: targets, model: model, fixedPositions: fixed)
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
