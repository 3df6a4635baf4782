/// The weight of the KL term of a VAE loss over the optimizer steps (KL annealing).
///
/// Starting the KL weight at 0 lets the decoder learn to use the latent before the KL term
/// pulls the posterior to the prior; without it a text VAE's strong autoregressive decoder
/// typically ignores `z` (posterior collapse, Bowman et al., 2016).
public enum KLAnnealing: Equatable, Sendable {
    /// A fixed weight (β), e.g. `.constant(1)` for the plain ELBO.
    case constant(Float)
    /// A linear ramp from 0 to `maximum` over the first `warmupSteps` steps, then `maximum`.
    case linear(warmupSteps: Int, maximum: Float = 1)
    /// The cyclical schedule of Fu et al. (2019): the steps are cut into cycles of `cycleSteps`;
    /// in each, the weight ramps linearly from 0 to `maximum` over the first `rampFraction` of
    /// the cycle and stays at `maximum` for the rest.
    case cyclical(cycleSteps: Int, rampFraction: Float = 0.5, maximum: Float = 1)

    /// The KL weight at optimizer step `step` (0-based).
    public func weight(step: Int) -> Float {
        switch self {
        case .constant(let beta):
            return beta
        case let .linear(warmup, maximum):
            guard warmup > 0 else { return maximum }
            return maximum * Swift.min(1, Float(step + 1) / Float(warmup))
        case let .cyclical(cycle, ramp, maximum):
            guard cycle > 0 else { return maximum }
            let position = Float(step % cycle) / Float(cycle)
            let rampLength = Swift.max(ramp, 1e-6)
            return maximum * Swift.min(1, position / rampLength)
        }
    }
}
