import LoupeTensor

/// Shared pieces of the variational autoencoders: a diagonal Gaussian posterior
/// `q(z|x) = N(μ, diag(exp(logvar)))` against the prior `N(0, I)`.
public protocol VariationalAutoencoder: Module {
    /// Size of the latent vector `z`.
    var latentDimension: Int { get }
}

extension VariationalAutoencoder {
    /// `KL(q(z|x) ‖ N(0, I))` per latent dimension, `½ (μ² + exp(logvar) − 1 − logvar)`,
    /// `[B, Z]` for `mu`, `logVariance` `[B, Z]`.
    public func klDivergencePerDimension(mu: Tensor, logVariance: Tensor) -> Tensor {
        GaussianPosterior(mu: mu, logVariance: logVariance).klPerDimension
    }

    /// `KL(q(z|x) ‖ N(0, I))` per example, `[B]` (summed over latent dimensions).
    public func klDivergence(mu: Tensor, logVariance: Tensor) -> Tensor {
        klDivergencePerDimension(mu: mu, logVariance: logVariance).sum(alongAxis: -1)
    }

    /// A reparameterised sample `z = μ + exp(½ logvar) ⊙ ε`, `ε ~ N(0, I)` (differentiable in μ
    /// and logvar).
    public func sampleLatent(mu: Tensor, logVariance: Tensor, generator: inout RandomGenerator) -> Tensor {
        let noise = Tensor.randomNormal(mu.shape, using: &generator)
        return mu + (logVariance * 0.5).exp() * noise
    }
}
