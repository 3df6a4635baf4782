import LoupeNN
import LoupeTensor

/// Gradient (saliency): ∂F/∂embedding per token, summed over the embedding dimension and as an L2
/// norm (Simonyan, Vedaldi & Zisserman, "Deep Inside Convolutional Networks", 2014). Signed: no
/// absolute value is taken (the L2 norm gives the magnitude view).
public struct Saliency: AttributionMethod {
    public init() {}
    public var name: String { "gradient" }
    public var parameters: [String: ParameterValue] { [:] }

    public func attribute(_ inputs: [[Int]], targets: [Int], model: AttributableModel,
                          output: AttributionOutput) throws -> [[Attribution]] {
        try GradientTimesInput.run(inputs, targets: targets, model: model, output: output,
                                   name: name, parameters: parameters, multiplyByInput: false)
    }
}

/// Input × gradient: embedding ⊙ ∂F/∂embedding, summed per token (Shrikumar et al., "Not Just a
/// Black Box: Learning Important Features Through Propagating Activation Differences", 2016).
public struct InputXGradient: AttributionMethod {
    public init() {}
    public var name: String { "input-x-gradient" }
    public var parameters: [String: ParameterValue] { [:] }

    public func attribute(_ inputs: [[Int]], targets: [Int], model: AttributableModel,
                          output: AttributionOutput) throws -> [[Attribution]] {
        try GradientTimesInput.run(inputs, targets: targets, model: model, output: output,
                                   name: name, parameters: parameters, multiplyByInput: true)
    }
}

enum GradientTimesInput {
    static func run(_ inputs: [[Int]], targets: [Int], model: AttributableModel, output: AttributionOutput,
                    name: String, parameters: [String: ParameterValue], multiplyByInput: Bool) throws -> [[Attribution]] {
        guard !inputs.isEmpty, inputs.allSatisfy({ !$0.isEmpty }) else { throw AttributionError.emptyInput }
        let probe = EmbeddingProbe(model: model, output: output)
        let ((x, grads), seconds) = try timed { () throws -> (Tensor, [Tensor]) in
            let x = probe.embeddings(inputs)
            return (x, try probe.gradients(inputs, embeddings: x, targets: targets).gradients)
        }
        return inputs.enumerated().map { b, ids in
            targets.enumerated().map { k, target in
                let g = multiplyByInput ? grads[k] * x : grads[k]
                let (sum, l2) = EmbeddingProbe.perToken(g, row: b, length: ids.count)
                return Attribution(method: name, target: AttributionTarget(index: target, label: model.labels[safe: target]),
                                   output: output, layer: "embedding", parameters: parameters,
                                   scores: sum, scoresL2: l2, seconds: seconds / Double(inputs.count))
            }
        }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { index >= 0 && index < count ? self[index] : nil }
}
