import LoupeTensor

/// Which optimizer a trainer builds (the `optimizer` entry of `training.json`).
public enum OptimizerChoice: String, Sendable, CaseIterable, Codable {
    /// ``Adam`` (L2 weight decay added to the gradient).
    case adam
    /// ``AdamW`` (decoupled weight decay).
    case adamW = "adamw"
    /// ``SGD`` with (optional) momentum.
    case sgd

    /// A fresh optimizer over `parameters`.
    /// - Parameters:
    ///   - momentum: used by `.sgd` only.
    public func make(parameters: [Parameter], learningRate: Float, weightDecay: Float,
                     momentum: Float = 0.9) -> Optimizer {
        switch self {
        case .adam: return Adam(parameters: parameters, learningRate: learningRate, weightDecay: weightDecay)
        case .adamW: return AdamW(parameters: parameters, learningRate: learningRate, weightDecay: weightDecay)
        case .sgd: return SGD(parameters: parameters, learningRate: learningRate, momentum: momentum,
                              weightDecay: weightDecay)
        }
    }
}
