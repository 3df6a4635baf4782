import LoupeTensor

/// How a loss turns per-element (or per-example) values into its result, as PyTorch's
/// `reduction` argument.
public enum LossReduction: Sendable, Equatable {
    /// The average (for a weighted cross-entropy: the weighted average, see ``crossEntropy(logits:targets:classWeights:reduction:)``).
    case mean
    /// The sum.
    case sum
    /// No reduction: one value per element (or per example).
    case none

    /// Applies this reduction to unweighted values.
    func apply(_ values: Tensor) -> Tensor {
        switch self {
        case .mean: return values.mean()
        case .sum: return values.sum()
        case .none: return values
        }
    }
}
