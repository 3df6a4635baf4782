import LoupeTensor

/// Mean squared error (`torch.nn.functional.mse_loss`):
///
///     ℓ = (prediction − target)²   elementwise, then reduced (`.mean` by default).
///
/// Both arguments are differentiable; their shapes must be equal.
public func meanSquaredError(_ prediction: Tensor, _ target: Tensor, reduction: LossReduction = .mean) -> Tensor {
    precondition(prediction.shape == target.shape,
                 "meanSquaredError: shapes \(prediction.shape) and \(target.shape) differ")
    return reduction.apply((prediction - target).squared())
}

/// KL divergence of a diagonal Gaussian `N(μ, diag σ²)` from the standard normal `N(0, I)`,
/// per example (the VAE regulariser):
///
///     KL(N(μ, σ²) ‖ N(0, I)) = ½ Σ_d (μ_d² + exp(logσ²_d) − 1 − logσ²_d)
///
/// - Parameters:
///   - mu: means, shape `[..., D]` (typically `[N, D]`).
///   - logVariance: `log σ²`, the same shape.
/// - Returns: the divergence of each example, shape `[...]` (the last axis summed; `[N]` for
///   `[N, D]` inputs).
public func gaussianKLDivergence(mu: Tensor, logVariance: Tensor) -> Tensor {
    precondition(mu.shape == logVariance.shape && mu.rank >= 1,
                 "gaussianKLDivergence: mu \(mu.shape) and logVariance \(logVariance.shape) must agree")
    let terms = mu.squared() + logVariance.exp() - 1 - logVariance
    return terms.sum(alongAxis: -1) * 0.5
}

/// The per-example Gaussian KL divergence (see ``gaussianKLDivergence(mu:logVariance:)``) reduced
/// over the examples: `.mean` averages the per-example values (the usual VAE batch objective),
/// `.sum` adds them, `.none` returns them unchanged.
public func gaussianKLDivergence(mu: Tensor, logVariance: Tensor, reduction: LossReduction) -> Tensor {
    reduction.apply(gaussianKLDivergence(mu: mu, logVariance: logVariance))
}
