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
/// taken as a leaf and differentiated once per target.
public struct LayerGradientXActivation: AttributionMethod {
    /// The attributed site or module path; `embedding` is the token embedding.
    public var layer: AttributionLayer
    /// When false, the scores are the plain layer gradient (layer saliency).
    public var multiplyByActivation: Bool

    public init(layer: String, multiplyByActivation: Bool = true) {
        self.layer = AttributionLayer(layer)
        self.multiplyByActivation = multiplyByActivation
    }

    public var id: AttributionMethodID { multiplyByActivation ? .layerGradientXActivation : .layerGradient }
    public var parameters: [String: ParameterValue] { [:] }

    public func scores(for inputs: [[Int]], in context: AttributionContext) throws -> [[TargetScores]] {
        let probe = try context.probe(at: layer)
        let a = try probe.activation(inputs)
        let grads = try probe.gradients(inputs, at: a)
        return inputs.enumerated().map { b, ids in
            grads.map { g in
                let (sum, l2) = SiteProbe.perToken(multiplyByActivation ? g * a : g, row: b, length: ids.count)
                return TargetScores(scores: sum, scoresL2: l2)
            }
        }
    }
}
