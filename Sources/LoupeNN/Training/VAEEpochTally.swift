import LoupeTensor

/// The running figures of a VAE training epoch: reconstruction and KL summed over examples, and
/// the KL weight of the latest step.
struct VAEEpochTally {
    var reconstructionSum = 0.0
    var klSum = 0.0
    var seen = 0
    var klWeight: Float = 0

    /// Adds a step over `count` examples with batch means `reconstruction` and `kl`.
    mutating func add(reconstruction: Tensor, kl: Tensor, count: Int) {
        reconstructionSum += Double(reconstruction.scalar) * Double(count)
        klSum += Double(kl.scalar) * Double(count)
        seen += count
    }

    /// `(Σ reconstruction + β · Σ KL) / examples` at the latest step's β.
    var runningLoss: Double { (reconstructionSum + Double(klWeight) * klSum) / Double(seen) }

    /// The epoch's record before evaluation (no active units or held-out figures yet).
    func record(_ context: TrainingEpochContext) -> VAEEpochRecord {
        VAEEpochRecord(epoch: context.epoch, reconstruction: reconstructionSum / Double(seen), kl: klSum / Double(seen),
                       klWeight: Double(klWeight), heldOutReconstruction: nil, heldOutKL: nil, activeUnits: 0,
                       latentVariances: [], examples: seen, seconds: 0, timing: context.timing)
    }
}

extension VAEEpochRecord {
    /// Sets the latent variances and active units, and the held-out figures when given.
    mutating func setEvaluation(variances: [Double], threshold: Double, heldOut: (Double, Double)?) {
        latentVariances = variances
        activeUnits = variances.filter { $0 > threshold }.count
        if let (reconstruction, kl) = heldOut {
            heldOutReconstruction = reconstruction
            heldOutKL = kl
        }
    }
}
