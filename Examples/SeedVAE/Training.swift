import Foundation
import Loupe

/// An image VAE with a Bernoulli decoder that this example can train.
protocol BernoulliVAE: ImageLatentModel {
    /// Decoder logits `[N, P]` for latents `[N, Z]`.
    func decodeLogits(_ z: Tensor) -> Tensor
}

extension SeedVAE: BernoulliVAE {}
extension ImageVAE: BernoulliVAE {}

struct TrainingSettings {
    var epochs = 10
    var batchSize = 64
    var learningRate: Float = 1e-3
    /// Weight of the KL term (β-VAE, Higgins et al. 2017; 1 is the plain VAE).
    var beta: Float = 1
    var seed: UInt64 = 0
}

/// One epoch's averages per example.
struct EpochLoss {
    var epoch: Int
    var reconstruction: Double
    var kl: Double
    var seconds: Double
    /// The negative ELBO, reconstruction + KL (β does not enter the reported figure).
    var loss: Double { reconstruction + kl }
}

/// Minibatch training with Adam on `reconstruction + β·KL`: the reconstruction is the binary
/// cross-entropy of the decoder's logits summed over pixels, the KL that of the diagonal
/// Gaussian posterior from N(0, I); both averaged over the batch. One reparameterised sample of
/// `z` per example and step.
func train<M: BernoulliVAE>(_ model: M, on images: [[Float]], settings: TrainingSettings,
                            report: (EpochLoss) -> Void = { _ in }) -> [EpochLoss] {
    let optimizer = Adam(parameters: model.parameters, learningRate: settings.learningRate)
    var rng = RandomGenerator(seed: settings.seed)
    let p = model.pixelCount
    var history: [EpochLoss] = []
    for epoch in 1...settings.epochs {
        let start = Date()
        let order = seededPermutation(count: images.count, using: &rng)
        var reconstructionSum = 0.0, klSum = 0.0
        var begin = 0
        while begin < order.count {
            let end = min(order.count, begin + settings.batchSize)
            let b = end - begin
            var scalars = [Float]()
            scalars.reserveCapacity(b * p)
            for i in order[begin..<end] { scalars.append(contentsOf: images[i]) }
            let x = Tensor(shape: [b, p], scalars: scalars)
            let (mu, logVariance) = model.encode(x)
            let z = model.sampleLatent(mu: mu, logVariance: logVariance, generator: &rng)
            let reconstruction = binaryCrossEntropy(logits: model.decodeLogits(z), targets: x, reduction: .sum) / Float(b)
            let kl = gaussianKLDivergence(mu: mu, logVariance: logVariance, reduction: .mean)
            let loss = reconstruction + kl * settings.beta
            optimizer.zeroGradients()
            try! loss.backward()
            optimizer.step()
            reconstructionSum += Double(reconstruction.scalar) * Double(b)
            klSum += Double(kl.scalar) * Double(b)
            begin = end
        }
        let n = Double(images.count)
        let record = EpochLoss(epoch: epoch, reconstruction: reconstructionSum / n, kl: klSum / n,
                               seconds: Date().timeIntervalSince(start))
        history.append(record)
        report(record)
    }
    return history
}
