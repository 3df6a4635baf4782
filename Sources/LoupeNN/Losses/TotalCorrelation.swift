import Foundation
import LoupeTensor

/// The weights of the β-TCVAE objective of Chen, Li, Grosse & Duvenaud, "Isolating Sources of
/// Disentanglement in Variational Autoencoders" (NeurIPS 2018, eq. 4):
///
///     L = E_q[log p(x|z)] − α · I_q(z; x) − β · TC(z) − γ · Σ_j KL(q(z_j) ‖ p(z_j))
///
/// With `α = β = γ = 1` this is the ELBO; the paper's disentangling setting is `α = γ = 1`,
/// `β > 1` (β = 6 on dSprites).
public struct BetaTCVAEWeights: Equatable, Sendable {
    /// Weight of the index-code mutual information `I_q(z; x)`.
    public var alpha: Float
    /// Weight of the total correlation `KL(q(z) ‖ Π_j q(z_j))`.
    public var beta: Float
    /// Weight of the dimension-wise KL `Σ_j KL(q(z_j) ‖ p(z_j))`.
    public var gamma: Float

    public init(alpha: Float = 1, beta: Float = 6, gamma: Float = 1) {
        self.alpha = alpha
        self.beta = beta
        self.gamma = gamma
    }
}

/// The three terms the KL of a VAE splits into (Chen et al. 2018, eq. 2), estimated on one
/// minibatch with **minibatch-weighted sampling** (MWS, §3 of the paper):
///
///     E_{q(z)}[log q(z)] ≈ (1/M) Σ_i [ log Σ_j q(z_i | x_j) − log(N·M) ]
///
/// for a batch of `M` examples `x_j` drawn from a data set of `N`, with `z_i ~ q(z | x_i)`; the
/// marginals `q(z_{i,d})` are estimated the same way per dimension. Then, batch means of
///
///     mutualInformation  = log q(z_i|x_i)   − log q(z_i)
///     totalCorrelation   = log q(z_i)       − Σ_d log q(z_{i,d})
///     dimensionwiseKL    = Σ_d log q(z_{i,d}) − log p(z_i)          (p = N(0, I))
///
/// whose sum is the single-sample estimate `log q(z|x) − log p(z)` of the KL term. All three are
/// scalars on the tape, differentiable in `z`, `mu` and `logVariance` (the pairwise sums are one
/// fused op with its own backward, ``LoupeTensor/Tensor/minibatchLogDensities(z:mu:logVariance:)``).
public struct TotalCorrelationTerms {
    public var mutualInformation: Tensor
    public var totalCorrelation: Tensor
    public var dimensionwiseKL: Tensor

    /// The β-TCVAE penalty `α · MI + β · TC + γ · dimension-wise KL`.
    public func weighted(_ w: BetaTCVAEWeights) -> Tensor {
        mutualInformation * w.alpha + totalCorrelation * w.beta + dimensionwiseKL * w.gamma
    }

    /// Estimates the terms for samples `z` `[M, Z]` of posteriors `N(mu, exp(logVariance))`
    /// `[M, Z]` (row `i` of `z` drawn from row `i` of the posterior) from a data set of
    /// `datasetSize` examples (`N ≥ M`).
    public static func estimate(z: Tensor, mu: Tensor, logVariance: Tensor, datasetSize: Int) -> TotalCorrelationTerms {
        precondition(z.rank == 2 && z.shape == mu.shape && mu.shape == logVariance.shape,
                     "z \(z.shape), mu \(mu.shape) and logvar \(logVariance.shape) must all be [M, Z]")
        let (m, d) = (z.shape[0], z.shape[1])
        precondition(m >= 1 && datasetSize >= m, "a batch of \(m) from a data set of \(datasetSize)")
        let logNM = Float(Foundation.log(Double(datasetSize) * Double(m)))
        // log Σ_j q(z_i | x_j) and Σ_d log Σ_j q(z_{i,d} | x_j), fused (O(M·D) memory): [M, 2].
        let densities = Tensor.minibatchLogDensities(z: z, mu: mu, logVariance: logVariance)
        let logQZ = densities.sliced(alongAxis: 1, 0..<1).reshaped([m]) - logNM
        let logQZProduct = densities.sliced(alongAxis: 1, 1..<2).reshaped([m]) - logNM * Float(d)
        let logQZGivenX = gaussianLogDensity(z, mu: mu, logVariance: logVariance).sum(alongAxis: 1)
        let logPZ = gaussianLogDensity(z, mu: Tensor(0), logVariance: Tensor(0)).sum(alongAxis: 1)
        return TotalCorrelationTerms(mutualInformation: (logQZGivenX - logQZ).mean(),
                                     totalCorrelation: (logQZ - logQZProduct).mean(),
                                     dimensionwiseKL: (logQZProduct - logPZ).mean())
    }

    /// `log N(x; μ, exp(logvar))` elementwise (broadcasting): `−½ (log 2π + logvar + (x − μ)² e^{−logvar})`.
    static func gaussianLogDensity(_ x: Tensor, mu: Tensor, logVariance: Tensor) -> Tensor {
        let log2Pi = Float(Foundation.log(2 * Double.pi))
        return ((x - mu).squared() * (-logVariance).exp() + logVariance + log2Pi) * -0.5
    }
}
