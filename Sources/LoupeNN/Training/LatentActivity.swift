import LoupeTensor

/// Active units of a VAE (Burda et al., 2016): latent dimension `d` is active when the variance
/// over the data of its posterior mean, `Var_x(μ_d(x))`, exceeds a threshold (0.01). A
/// collapsed dimension has `μ_d(x) ≈ 0` for every input and carries no information.
public enum LatentActivity {
    /// The per-dimension variance over the rows of `means` `[N, Z]` (population variance, in
    /// double precision).
    public static func variances(of means: Tensor) -> [Double] {
        precondition(means.rank == 2, "means must be [N, Z], got \(means.shape)")
        let (n, z) = (means.shape[0], means.shape[1])
        guard n > 0 else { return [Double](repeating: 0, count: z) }
        var sum = [Double](repeating: 0, count: z)
        var squares = [Double](repeating: 0, count: z)
        let s = means.scalars
        for i in 0..<n {
            for d in 0..<z {
                let v = Double(s[i * z + d])
                sum[d] += v
                squares[d] += v * v
            }
        }
        return (0..<z).map { d in
            let mean = sum[d] / Double(n)
            return Swift.max(0, squares[d] / Double(n) - mean * mean)
        }
    }

    /// The number of dimensions whose variance exceeds `threshold`.
    public static func activeUnits(of means: Tensor, threshold: Double = 0.01) -> Int {
        variances(of: means).filter { $0 > threshold }.count
    }
}

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
