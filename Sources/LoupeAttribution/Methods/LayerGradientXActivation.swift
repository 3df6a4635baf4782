import LoupeNN
import LoupeTensor

/// Gradient × activation at any named layer: `a ⊙ ∂F/∂a` for the layer's output `a` `[B, T, F]`,
/// summed over the feature axis per token (and its L2 norm in `scoresL2`). At the embedding layer
/// this is input × gradient (Shrikumar, Greenside, Shcherbina & Kundaje, "Not Just a Black Box",
/// 2016); at a hidden layer it is the first-order Taylor attribution of the layer's units used by
/// Captum's `LayerGradientXActivation` (cf. Ancona, Ceolini, Öztireli & Gross, "Towards better
/// understanding of gradient-based attribution methods for Deep Neural Networks", ICLR 2018).
///
/// One forward pass over the padded batch serves every input and target: the layer's output is
/// captured on the tape and differentiated once per target.
public struct LayerGradientXActivation: AttributionMethod {
    /// The module path (`module(named:)`); `embedding` is the token embedding.
    public var layer: String
    /// When false, the scores are the plain layer gradient (layer saliency).
    public var multiplyByActivation: Bool

    public init(layer: String, multiplyByActivation: Bool = true) {
        self.layer = layer
        self.multiplyByActivation = multiplyByActivation
    }

    public var name: String { multiplyByActivation ? "layer-gradient-x-activation" : "layer-gradient" }
    public var parameters: [String: ParameterValue] { [:] }

    public func attribute(_ inputs: [[Int]], targets: [Int], model: AttributableModel,
                          output: AttributionOutput) throws -> [[Attribution]] {
        guard !inputs.isEmpty, inputs.allSatisfy({ !$0.isEmpty }) else { throw AttributionError.emptyInput }
        let probe = try LayerProbe(model: model, output: output, layer: layer)
        let ((a, grads), seconds) = try timed { () throws -> (Tensor, [Tensor]) in
            let capture = ActivationCapture()
            let logits = withHooks([.capture(probe.module, into: capture)]) { model.logits(tokenIDs: inputs) }
            guard capture.activations.count == 1, let a = capture.last else {
                throw AttributionError.notSupported("layer '\(layer)' ran \(capture.activations.count) times in one forward pass; layer attribution needs exactly one")
            }
            try probe.checkShape(a, rows: inputs.count, width: inputs.map(\.count).max() ?? 0)
            return (a.detached, try LayerProbe.seededGradients(probe.scaled(logits), a, targets: targets))
        }
        return inputs.enumerated().map { b, ids in
            targets.enumerated().map { k, target in
                let g = multiplyByActivation ? grads[k] * a : grads[k]
                let (sum, l2) = EmbeddingProbe.perToken(g, row: b, length: ids.count)
                return Attribution(method: name, target: AttributionTarget(index: target, label: model.labels[safe: target]),
                                   output: output, layer: layer, parameters: parameters, scores: sum, scoresL2: l2,
                                   seconds: seconds / Double(inputs.count))
            }
        }
    }
}
