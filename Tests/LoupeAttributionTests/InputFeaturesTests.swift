import LoupeAttribution
import LoupeNN
import LoupeTensor
import LoupeTestSupport
import Testing

/// Fixed positions and segments (``InputFeatures``): what a chat prompt's template tokens need —
/// held at their own value by every baseline and perturbation — and what segment-level
/// perturbation (Captum's TextTemplateInput) needs.
@Suite struct InputFeaturesTests {
    let model = TinyCausalLM()
    let prompt = [3, 7, 1, 9, 4, 2, 6]
    let target = OutputTarget.nextToken(token: 5, position: nil)
    let fixed: Set<Int> = [0, 1, 6]

    /// F at the given embeddings (no graph).
    func value(_ embeddings: Tensor) -> Double {
        let y = withoutGradients { model.logits(embeddings: embeddings, tokenIDs: [prompt]) }
        return Double(y.scalars[(prompt.count - 1) * model.vocabularySize + 5])
    }

    @Test(arguments: [Baseline.zero, .pad])
    func integratedGradientsHoldsFixedPositions(baseline: Baseline) throws {
        let a = try IntegratedGradients(stepCount: 64, baseline: baseline)
            .attribute(prompt, targets: [target], model: model, fixedPositions: fixed)[0]
        for p in fixed { #expect(a.scores[p] == 0) }
        #expect(a.scores.indices.filter { !fixed.contains($0) }.contains { a.scores[$0] != 0 })
        // Complete against the baseline that keeps the fixed embeddings.
        let x = withoutGradients { model.embeddings(tokenIDs: [prompt]).detached }
        var x0 = baseline == .zero ? [Float](repeating: 0, count: x.count)
            : withoutGradients { model.embeddings(tokenIDs: [Array(repeating: model.paddingID, count: prompt.count)]) }.scalars
        let e = x.shape[2]
        for p in fixed { for j in 0..<e { x0[p * e + j] = x.scalars[p * e + j] } }
        let gap = value(x) - value(Tensor(shape: x.shape, scalars: x0))
        #expect(Swift.abs(a.scores.reduce(0, +) - gap) < 1e-4)
        #expect(Swift.abs(try #require(a.convergenceDelta)) < 1e-4)
    }

    @Test func leaveOneOutAndKernelSHAPNeverRemoveFixedTokens() throws {
        let loo = try LeaveOneOut().attribute(prompt, targets: [target], model: model, fixedPositions: fixed)[0]
        let all = try LeaveOneOut().attribute(prompt, targets: [target], model: model)[0]
        for p in prompt.indices {
            #expect(loo.scores[p] == (fixed.contains(p) ? 0 : all.scores[p]))
        }
        let shap = try KernelSHAP(sampleCount: 200).attribute(prompt, targets: [target], model: model, fixedPositions: fixed)[0]
        for p in fixed { #expect(shap.scores[p] == 0) }
        // Exact Shapley values over the 4 free tokens: they sum to F(x) − F(free tokens all [PAD]).
        var empty = prompt
        for p in prompt.indices where !fixed.contains(p) { empty[p] = model.paddingID }
        let y = withoutGradients { model.logits(tokenIDs: [prompt, empty]) }
        let v = model.vocabularySize, last = prompt.count - 1
        let gap = Double(y.scalars[last * v + 5]) - Double(y.scalars[(prompt.count + last) * v + 5])
        #expect(Swift.abs(shap.scores.reduce(0, +) - gap) < 1e-4)
    }

    @Test func segmentsAreRemovedAsWholes() throws {
        let segments = [[2, 3], [4], [5]]
        let features = InputFeatures(fixed: fixed, segments: segments)
        let ablation = try LeaveOneOut().attribute(prompt, targets: [target], model: model, features: features)[0]
        // The segment [2, 3] removed together: its score, spread evenly over its two tokens.
        var removed = prompt
        removed[2] = model.paddingID; removed[3] = model.paddingID
        let y = withoutGradients { model.logits(tokenIDs: [prompt, removed]) }
        let v = model.vocabularySize, last = prompt.count - 1
        let drop = Double(y.scalars[last * v + 5]) - Double(y.scalars[(prompt.count + last) * v + 5])
        #expect(Swift.abs(ablation.scores[2] + ablation.scores[3] - drop) < 1e-5)
        #expect(Swift.abs(ablation.scores[2] - ablation.scores[3]) < 1e-12)
        let shap = try KernelSHAP(sampleCount: 100).attribute(prompt, targets: [target], model: model, features: features)[0]
        #expect(try #require(shap.parameters["exact"]) == .bool(true))
        #expect(Swift.abs(try #require(shap.convergenceDelta)) < 1e-6)
    }

    @Test(arguments: [
        (InputFeatures(fixed: [9]), "fixed position 9"),
        (InputFeatures(fixed: Set(0..<7)), "nothing to attribute"),
        (InputFeatures(segments: [[1, 2], [2]]), "two segments"),
        (InputFeatures(fixed: [1], segments: [[1]]), "fixed position 1"),
        (InputFeatures(segments: [[]]), "segment 0 of input 0 is empty"),
    ])
    func badLayoutsThrowNamingTheProblem(features: InputFeatures, message: String) {
        do {
            _ = try Saliency().attribute(prompt, targets: [target], model: model, features: features)
            Issue.record("no error for \(features)")
        } catch {
            #expect("\(error)".contains(message), "\(error)")
        }
    }
}
