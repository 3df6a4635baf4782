import LoupeNN
import LoupeTensor

/// Gradient (saliency): ∂F/∂embedding per token, summed over the embedding dimension and as an L2
/// norm (Simonyan, Vedaldi & Zisserman, "Deep Inside Convolutional Networks", 2014). Signed: no
/// absolute value is taken (the L2 norm gives the magnitude view).
public struct Saliency: AttributionMethod {
    public init() {}
    public var id: AttributionMethodID { .gradient }
    public var parameters: [String: ParameterValue] { [:] }

    public func scores(for inputs: [[Int]], in context: AttributionContext) throws -> [[TargetScores]] {
        try LayerGradientXActivation(layer: AttributionLayer.embedding.rawValue, multiplyByActivation: false)
            .scores(for: inputs, in: context)
    }
}

/// Input × gradient: embedding ⊙ ∂F/∂embedding, summed per token (Shrikumar et al., "Not Just a
/// Black Box: Learning Important Features Through Propagating Activation Differences", 2016).
public struct InputXGradient: AttributionMethod {
    public init() {}
    public var id: AttributionMethodID { .inputXGradient }
    public var parameters: [String: ParameterValue] { [:] }

    public func scores(for inputs: [[Int]], in context: AttributionContext) throws -> [[TargetScores]] {
        try LayerGradientXActivation(layer: AttributionLayer.embedding.rawValue).scores(for: inputs, in: context)
    }
}
