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
}
