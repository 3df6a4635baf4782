import Foundation
import LoupeTensor

/// Trains an ``ImageVAE`` with a Bernoulli decoder: per batch of images `x` `[B, P]` in [0, 1],
///
///     μ, logσ² = encode(x);   z = μ + σ ⊙ ε
///     recon = Σ_pixels BCE_with_logits(decodeLogits(z), x) / B
///     loss  = recon + β · mean_B KL(q(z|x) ‖ N(0, I))
///
/// with β from `klAnnealing` (constant β by default: β = 1 is the ELBO, β > 1 a β-VAE). With
/// `options.totalCorrelation` the KL term is replaced by the β-TCVAE penalty (Chen et al. 2018,
/// ``TotalCorrelationTerms``), estimated over the batch with the training set's size. Each
/// epoch reports the reconstruction, the KL and the active units (``LatentActivity``). Every
/// random draw of epoch `e` (batch order, `ε`) is seeded by `(seed, e)`.
public final class ImageVAETrainer {
    public let model: ImageVAE
    public let options: ImageVAETrainingOptions
    public let optimizer: Optimizer
    public private(set) var state = VAETrainingState()

    public init(model: ImageVAE, options: ImageVAETrainingOptions) {
        self.model = model
        self.options = options
        self.optimizer = options.optimizer.make(parameters: model.parameters, learningRate: options.learningRate,
                                                weightDecay: options.weightDecay)
        state.seed = options.seed
    }

    /// Trains up to `options.epochs` through ``TrainingLoop``, reporting each epoch to
    /// `options.observer` and, with `options.checkpointDirectory`, saving the model after each;
    /// returns this call's records. With `stoppingAfterEpoch` the call ends after that epoch and a
    /// later call continues (same optimizer state, learning-rate schedule planned for
    /// `options.epochs`), e.g. to score the model between stages.
    /// - Throws: ``DataSetError`` when the images do not have the model's pixel count.
    @discardableResult
    public func train(on images: ImageDataSet, heldOut: ImageDataSet? = nil,
                      stoppingAfterEpoch: Int? = nil) throws -> [VAEEpochRecord] {
        for (name, data) in [("training images", images), ("held-out images", heldOut)] {
            guard let data, data.width * data.height != model.config.pixelCount else { continue }
            throw DataSetError(.dimensionMismatch, file: name,
                               "\(data.width)×\(data.height) images for a model of \(model.config.pixelCount) pixels")
        }
        var procedure = ImageVAETrainingProcedure(trainer: self, images: images, heldOut: heldOut)
        let loop = TrainingLoop(
            optimizer: optimizer, epochs: options.epochs, learningRate: options.learningRate,
            learningRateSchedule: options.learningRateSchedule, gradientClipNorm: options.gradientClipNorm,
            checkpoint: try options.checkpointDirectory.map {
                TrainingCheckpointPlan(directory: $0, layout: .latest, module: model, config: try model.config.checkpointConfig(),
                                       vocabulary: nil)
            },
            observer: options.observer)
        return try loop.run(&procedure, state: &state, stoppingAfterEpoch: stoppingAfterEpoch)
    }

    /// Mean reconstruction and KL per image of `images` `[N, P]` (no gradients, one seeded sample).
    public func evaluate(_ images: Tensor, seed: UInt64 = 0) -> (reconstruction: Double, kl: Double) {
        var generator = RandomGenerator(seed: seed)
        let n = images.shape[0]
        var (r, k) = (0.0, 0.0)
        withoutGradients {
            for start in stride(from: 0, to: n, by: 256) {
                let chunk = images.sliced(alongAxis: 0, start..<Swift.min(start + 256, n))
                let terms = lossTerms(chunk, datasetSize: nil, generator: &generator)
                r += Double(terms.reconstruction.scalar) * Double(chunk.shape[0])
                k += Double(terms.kl.scalar) * Double(chunk.shape[0])
            }
        }
        return (r / Double(Swift.max(n, 1)), k / Double(Swift.max(n, 1)))
    }

    /// Reconstructions (pixel probabilities `[N, P]`) of `images` from their posterior means.
    public func reconstruct(_ images: Tensor) -> Tensor {
        withoutGradients { model.decode(model.encode(images).mu) }
    }

    /// Reconstruction (BCE summed over pixels, mean over the batch), mean analytic KL and the
    /// regulariser the loss weighs (the KL itself, or the β-TCVAE penalty when
    /// `options.totalCorrelation` is set and `datasetSize` is given), on the tape.
    func lossTerms(_ x: Tensor, datasetSize: Int?, generator: inout RandomGenerator)
        -> (reconstruction: Tensor, kl: Tensor, regularizer: Tensor) {
        let (mu, logVariance) = model.encode(x)
        let z = model.sampleLatent(mu: mu, logVariance: logVariance, generator: &generator)
        let logits = model.decodeLogits(z)
        let reconstruction = Tensor.binaryCrossEntropySum(logits: logits, targets: x) * (1 / Float(x.shape[0]))
        let kl = model.klDivergence(mu: mu, logVariance: logVariance).mean()
        guard let weights = options.totalCorrelation, let datasetSize else { return (reconstruction, kl, kl) }
        let terms = TotalCorrelationTerms.estimate(z: z, mu: mu, logVariance: logVariance,
                                                   datasetSize: Swift.max(datasetSize, x.shape[0]))
        return (reconstruction, kl, terms.weighted(weights))
    }
}
