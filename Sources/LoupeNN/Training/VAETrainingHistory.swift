/// What one epoch of VAE training measured.
public struct VAEEpochRecord: Equatable, Sendable, Codable {
    /// 1-based epoch number.
    public var epoch: Int
    /// Mean reconstruction loss per example (nats: summed over tokens or pixels).
    public var reconstruction: Double
    /// Mean `KL(q(z|x) ‖ N(0, I))` per example (nats).
    public var kl: Double
    /// The KL weight at the epoch's last step.
    public var klWeight: Double
    /// Held-out reconstruction and KL per example (`nil` without held-out data).
    public var heldOutReconstruction: Double?
    public var heldOutKL: Double?
    /// Active units (`Var_x(μ_d) > threshold`) over the evaluation examples.
    public var activeUnits: Int
    /// `Var_x(μ_d)` of each latent dimension.
    public var latentVariances: [Double]
    /// Examples trained on.
    public var examples: Int
    /// Wall time of the epoch, evaluation included.
    public var seconds: Double
    public var timing: TrainingTiming

    /// `reconstruction + kl`: the negative ELBO per example (an upper bound on −log p(x)).
    public var negativeELBO: Double { reconstruction + kl }

    var summary: String {
        var line = String(format: "epoch %d  recon %.3f  KL %.3f  β %.3f  active units %d/%d",
                          epoch, reconstruction, kl, klWeight, activeUnits, latentVariances.count)
        if let r = heldOutReconstruction, let k = heldOutKL {
            line += String(format: "  held-out recon %.3f KL %.3f", r, k)
        }
        line += String(format: "  %.1f s", seconds)
        return line
    }
}

/// `training.json` of a VAE checkpoint: the epoch records so far.
public struct VAETrainingState: Equatable, Sendable, Codable {
    public var format = 1
    public var completedEpochs = 0
    public var globalStep = 0
    public var seed: UInt64 = 0
    public var history: [VAEEpochRecord] = []
    public init() {}
}
