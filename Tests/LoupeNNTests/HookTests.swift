import Foundation
import LoupeNN
import LoupeTensor
import LoupeTestSupport
import Testing

@Suite("Hooks")
struct HookTests {
    struct Boom: Error {}

    static func smallTransformer() -> TransformerClassifier {
        TransformerClassifier(config: TransformerClassifierConfig(
            vocabularySize: 12, embedDimension: 8, heads: 2, layerCount: 2, feedForwardDimension: 12,
            maxLength: 8, labels: ["a", "b", "c"]), seed: 5)
    }

    static let ids = [[4, 7, 2, 9], [5, 3]]

    @Test func captureGivesTheModuleOutputAndItsGradient() throws {
        let model = Self.smallTransformer()
        let layer = try #require(model.module(named: "encoder.layers.0"))
        let capture = ActivationCapture()
        let logits = withHooks([.capture(layer, into: capture)]) { model.logits(tokenIDs: Self.ids) }
        #expect(capture.activations.count == 1)
        let captured = try #require(capture.last)
        // The same tensor as running the first layer by hand.
        let batch = TokenBatch(Self.ids, padID: 0)
        let manual = withoutGradients {
            model.encoder.layers[0](model.embedding(batch.ids, shape: batch.shape) + model.position(Array(0..<4)),
                                    keyPaddingMask: batch.keyPaddingMask)
        }
        expectClose(captured, manual)
        // ∂(logit of class 1, example 0)/∂activation against finite differences made with a replace hook.
        let target = logits.picking([1, 1]).sliced(alongAxis: 0, 0..<1).sum()
        let analytic = try gradient(of: target, withRespectTo: captured)
        let step: Float = 1e-2
        var numeric = [Float](repeating: 0, count: captured.count)
        for j in 0..<captured.count {
            func objective(_ delta: Float) -> Double {
                withoutGradients {
                    withHooks([.replace(layer) { out in
                        var s = out.scalars
                        s[j] += delta
                        return Tensor(shape: out.shape, scalars: s)
                    }]) { Double(model.logits(tokenIDs: Self.ids)[0, 1]) }
                }
            }
            numeric[j] = Float((objective(step) - objective(-step)) / (2 * Double(step)))
        }
        expectClose(analytic.scalars, numeric, absolute: 2e-3, relative: 2e-2)
        // Padded positions of example 1 and all of example 1 do not influence example 0's logit.
        #expect(analytic.scalars[(4 * 8)...].allSatisfy { $0 == 0 })
    }

    @Test func embeddingCaptureGradientMatchesFiniteDifferences() throws {
        let model = BagOfEmbeddingsClassifier(config: BagOfEmbeddingsConfig(
            vocabularySize: 10, embedDimension: 4, hiddenDimension: 6, labels: ["n", "p"]), seed: 3)
        let capture = ActivationCapture()
        let ids = [[3, 5, 0, 7]]
        let logits = withHooks([.capture(model.embedding, into: capture)]) { model.logits(tokenIDs: ids) }
        let embeddings = try #require(capture.last)
        let analytic = try gradient(of: logits.picking([0]).sum(), withRespectTo: embeddings)
        GradientChecker().check([embeddings.detached]) { model.logits(embeddings: $0[0], tokenIDs: ids).picking([0]) }
        // The [PAD] position is masked out of the mean: no gradient.
        #expect((8..<12).allSatisfy { analytic.scalars[$0] == 0 })
    }

    @Test func replacementChangesTheOutput() {
        let model = Self.smallTransformer()
        let plain = withoutGradients { model.logits(tokenIDs: Self.ids) }
        let zeroed = withoutGradients {
            withHooks([.replace(model.embedding) { Tensor.zeros($0.shape) }]) { model.logits(tokenIDs: Self.ids) }
        }
        #expect(zeroed.scalars != plain.scalars)
        let baseline = withoutGradients { model.logits(embeddings: Tensor.zeros([2, 4, 8]), tokenIDs: Self.ids) }
        expectClose(zeroed, baseline)
    }

    @Test func hooksAreGoneAfterTheScopeEvenWhenItThrows() throws {
        let model = Self.smallTransformer()
        let capture = ActivationCapture()
        var replaced = 0
        let hooks: [Hook] = [.capture(model.encoder, into: capture),
                             .replace(model.output) { replaced += 1; return $0 * 0 }]
        #expect(throws: Boom.self) {
            try withHooks(hooks) {
                #expect(HookRegistry.isActive)
                _ = model.logits(tokenIDs: Self.ids)
                throw Boom()
            }
        }
        #expect(capture.activations.count == 1)
        #expect(replaced == 1)
        #expect(!HookRegistry.isActive)
        let after = withoutGradients { model.logits(tokenIDs: Self.ids) }
        #expect(capture.activations.count == 1)
        #expect(replaced == 1)
        #expect(after.scalars.contains { $0 != 0 })
        // Normal exit too.
        withHooks(hooks) { _ = model.logits(tokenIDs: Self.ids) }
        _ = model.logits(tokenIDs: Self.ids)
        #expect(capture.activations.count == 2 && replaced == 2)
    }

    @Test func everyModuleHasItsPyTorchPath() {
        let model = Self.smallTransformer()
        let paths = Set(model.modulePaths)
        for p in ["embedding", "position", "encoder", "encoder.layers.1", "encoder.layers.1.self_attn",
                  "encoder.layers.1.self_attn.out_proj", "encoder.layers.1.linear2", "encoder.layers.1.norm2",
                  "encoder.layers.0.dropout1", "output"] {
            #expect(paths.contains(p), "missing module \(p)")
        }
        for parameter in model.parameters {
            let owner = parameter.name.split(separator: ".").dropLast().joined(separator: ".")
            #expect(paths.contains(owner), "parameter \(parameter.name) has no module \(owner)")
        }
    }
}
