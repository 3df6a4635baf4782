import Foundation
import LoupeTensor

/// Cross-entropy between class logits and integer targets, with PyTorch's
/// `torch.nn.functional.cross_entropy` semantics.
///
/// For example `i` with target `yᵢ` and class weight `w` (all ones when `classWeights` is `nil`):
///
///     ℓᵢ = −w[yᵢ] · log softmax(xᵢ)[yᵢ] = w[yᵢ] · (log Σ_c exp(x_ic) − x_{i,yᵢ})
///
/// - `.none` returns `[ℓᵢ]` (shape `[N]`);
/// - `.sum` returns `Σᵢ ℓᵢ`;
/// - `.mean` returns `Σᵢ ℓᵢ / Σᵢ w[yᵢ]` — the *weighted* mean, as PyTorch (equal to `Σᵢ ℓᵢ / N`
///   without class weights).
///
/// - Parameters:
///   - logits: unnormalised scores, shape `[N, C]`.
///   - targets: `N` class indices in `0..<C`.
///   - classWeights: optional `C` weights (a rescaling per class).
/// - Precondition: shapes agree and every target is a valid class.
public func crossEntropy(logits: Tensor, targets: [Int], classWeights: [Float]? = nil,
                         reduction: LossReduction = .mean) -> Tensor {
    precondition(logits.rank == 2, "crossEntropy expects logits [N, C], got \(logits.shape)")
    let (n, classes) = (logits.shape[0], logits.shape[1])
    precondition(targets.count == n, "crossEntropy: \(targets.count) targets for \(n) rows of logits")
    precondition(targets.allSatisfy { $0 >= 0 && $0 < classes }, "crossEntropy: target out of range 0..<\(classes)")
    let negLogLikelihood = -logits.logSoftmax(alongAxis: -1).picking(targets)
    guard let classWeights else { return reduction.apply(negLogLikelihood) }
    precondition(classWeights.count == classes,
                 "crossEntropy: \(classWeights.count) class weights for \(classes) classes")
    let weights = targets.map { classWeights[$0] }
    let weighted = negLogLikelihood * Tensor(weights)
    switch reduction {
    case .none: return weighted
    case .sum: return weighted.sum()
    case .mean: return weighted.sum() / weights.reduce(0, +)
    }
}

/// Binary cross-entropy on logits (`torch.nn.functional.binary_cross_entropy_with_logits`),
/// evaluated in the numerically stable form
///
///     ℓ = max(x, 0) − x·t + log(1 + exp(−|x|))      (= −[t·log σ(x) + (1−t)·log(1−σ(x))])
///
/// whose derivative is `σ(x) − t` everywhere (including `x = 0`).
///
/// - Parameters:
///   - logits: any shape.
///   - targets: the same shape, values in `[0, 1]` (soft labels allowed).
///   - reduction: `.mean` over all elements (default), `.sum`, or `.none` (elementwise).
public func binaryCrossEntropy(logits: Tensor, targets: Tensor, reduction: LossReduction = .mean) -> Tensor {
    precondition(logits.shape == targets.shape,
                 "binaryCrossEntropy: logits \(logits.shape) and targets \(targets.shape) differ")
    let t = targets.detached
    // Two algebraically equal branches, each exact and stable on its side of zero:
    //   x ≥ 0:  x·(1 − t) + log(1 + exp(−x));   x < 0:  −x·t + log(1 + exp(x)).
    let nonNegative = logits * (1 - t) + (-logits).softplus()
    let negative = -(logits * t) + logits.softplus()
    let isNonNegative = logits.detached.map { $0 >= 0 ? 1 : 0 }
    return reduction.apply(Tensor.selecting(isNonNegative, nonNegative, negative))
}

/// Binary cross-entropy on probabilities (`torch.nn.functional.binary_cross_entropy`):
///
///     ℓ = −[t · max(log p, −100) + (1 − t) · max(log(1 − p), −100)]
///
/// Each log is clamped at −100 as PyTorch does, so `p = 0` or `p = 1` gives a finite loss.
/// Where a log is clamped its derivative is zero (the derivative of the clamped function);
/// elsewhere the derivative is `(p − t) / (p·(1 − p))`.
///
/// - Parameters:
///   - probabilities: any shape, values in `[0, 1]`.
///   - targets: the same shape, values in `[0, 1]`.
///   - reduction: `.mean` over all elements (default), `.sum`, or `.none` (elementwise).
public func binaryCrossEntropy(probabilities: Tensor, targets: Tensor, reduction: LossReduction = .mean) -> Tensor {
    precondition(probabilities.shape == targets.shape,
                 "binaryCrossEntropy: probabilities \(probabilities.shape) and targets \(targets.shape) differ")
    let t = targets.detached
    let logP = clampedLog(probabilities)
    let logOneMinusP = clampedLog(1 - probabilities)
    return reduction.apply(-(t * logP + (1 - t) * logOneMinusP))
}

/// `max(log x, −100)`, with a zero (not NaN) derivative where the clamp is active.
private func clampedLog(_ x: Tensor) -> Tensor {
    let floor: Float = -100
    let clamped = x.detached.map { Foundation.log($0) <= floor || $0.isNaN ? 1 : 0 }
    // Feed 1 into the log where clamped so neither its value nor its derivative blows up.
    let safe = Tensor.selecting(clamped, Tensor(1), x)
    return Tensor.selecting(clamped, Tensor(floor), safe.log())
}

/// Cross-entropy against target distributions (soft labels), `ℓᵢ = −Σ_c q_ic · log softmax(xᵢ)_c`,
/// as `torch.nn.functional.cross_entropy` with probability targets. With one-hot `q` it equals
/// ``crossEntropy(logits:targets:classWeights:reduction:)``. Used for knowledge distillation
/// (Hinton et al. 2015, "Distilling the Knowledge in a Neural Network").
/// - Parameters:
///   - logits: `[N, C]`.
///   - targetProbabilities: `[N, C]`, each row a distribution (a zero row contributes nothing).
/// - Precondition: shapes agree.
public func softCrossEntropy(logits: Tensor, targetProbabilities: Tensor, reduction: LossReduction = .mean) -> Tensor {
    precondition(logits.rank == 2 && logits.shape == targetProbabilities.shape,
                 "softCrossEntropy expects logits and targets of one shape [N, C], got \(logits.shape) and \(targetProbabilities.shape)")
    return reduction.apply(-(logits.logSoftmax(alongAxis: -1) * targetProbabilities).sum(alongAxis: 1))
}
