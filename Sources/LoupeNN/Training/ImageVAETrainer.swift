import Foundation
import LoupeTensor

/// Trains an ``ImageVAE`` with a Bernoulli decoder: per batch of images `x` `[B, P]` in [0, 1],
///
///     μ, logσ² = encode(x);   z = μ + σ ⊙ ε
///     recon = Σ_pixels BCE_with_logits(decodeLogits(z), x) / B
///     loss  = recon + β · mean_B KL(q(z|x) ‖ N(0, I))
///
/// with β from `klAnnealing` (constant β by default: β = 1 is the ELBO, β > 1 a β-VAE). Each
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

    /// Trains up to `options.epochs`, reporting each epoch; returns this call's records.
    @discardableResult
    public func train(on images: ImageDataSet, heldOut: ImageDataSet? = nil) throws -> [VAEEpochRecord] {
        precondition(images.width * images.height == model.config.pixelCount,
                     "\(images.width)×\(images.height) images for a model of \(model.config.pixelCount) pixels")
        let reporter = ProgressReporter(style: options.progress)
        var records: [VAEEpochRecord] = []
        var epoch = state.completedEpochs + 1
        while epoch <= options.epochs && images.count > 0 {
            let epochStart = DispatchTime.now().uptimeNanoseconds
            let batches = images.batchIndices(size: options.batchSize,
                                              shuffleSeed: TrainingSeed.derive(options.seed, .shuffle, epoch: epoch))
            var noise = RandomGenerator(seed: TrainingSeed.derive(options.seed, .latentNoise, epoch: epoch))
            reporter.beginEpoch(epoch, of: options.epochs)
            var timing = TrainingTiming()
            var clock = TrainingClock()
            var (reconSum, klSum, seen) = (0.0, 0.0, 0)
            var beta: Float = 0
            for (i, batch) in batches.enumerated() {
                let x = images.tensor(indices: batch)
                beta = options.klAnnealing.weight(step: state.globalStep)
                optimizer.zeroGradients()
                timing.other += clock.lap()
                let terms = lossTerms(x, generator: &noise)
                let loss = terms.reconstruction + terms.kl * beta
                timing.forward += clock.lap()
                try loss.backward()
                timing.backward += clock.lap()
                if let clip = options.gradientClipNorm { clipGradientNorm(optimizer.parameters, maxNorm: clip) }
                optimizer.step()
                timing.optimizer += clock.lap()
                state.globalStep += 1
                reconSum += Double(terms.reconstruction.scalar) * Double(batch.count)
                klSum += Double(terms.kl.scalar) * Double(batch.count)
                seen += batch.count
                reporter.step(epoch: epoch, epochs: options.epochs, step: i + 1, steps: batches.count,
                              loss: (reconSum + Double(beta) * klSum) / Double(seen), examplesDone: seen, unit: "img")
                timing.other += clock.lap()
            }
            let evaluationSet = heldOut ?? images
            let limit = Array(0..<Swift.min(evaluationSet.count, options.evaluationLimit))
            let sample = evaluationSet.tensor(indices: limit)
            let variances = LatentActivity.variances(of: withoutGradients { model.encode(sample).mu })
            var record = VAEEpochRecord(
                epoch: epoch, reconstruction: reconSum / Double(seen), kl: klSum / Double(seen), klWeight: Double(beta),
                heldOutReconstruction: nil, heldOutKL: nil,
                activeUnits: variances.filter { $0 > options.activeUnitThreshold }.count,
                latentVariances: variances, examples: seen, seconds: 0, timing: timing)
            if heldOut != nil {
                let (r, k) = evaluate(sample, seed: TrainingSeed.derive(options.seed, .latentNoise, epoch: -epoch))
                record.heldOutReconstruction = r
                record.heldOutKL = k
            }
            record.seconds = Double(DispatchTime.now().uptimeNanoseconds - epochStart) / 1e9
            state.completedEpochs = epoch
            state.history.append(record)
            records.append(record)
            if let directory = options.checkpointDirectory {
                try TrainingCheckpoint.save(model, config: model.config.checkpointConfig, vocabulary: nil, state: state,
                                            optimizerState: nil, to: directory,
                                            metadata: ["epoch": String(epoch), "format": "pt"])
            }
            reporter.endEpoch(record.summary)
            epoch += 1
        }
        return records
    }

    /// Mean reconstruction and KL per image of `images` `[N, P]` (no gradients, one seeded sample).
    public func evaluate(_ images: Tensor, seed: UInt64 = 0) -> (reconstruction: Double, kl: Double) {
        var generator = RandomGenerator(seed: seed)
        let n = images.shape[0]
        var (r, k) = (0.0, 0.0)
        withoutGradients {
            for start in stride(from: 0, to: n, by: 256) {
                let chunk = images.sliced(alongAxis: 0, start..<Swift.min(start + 256, n))
                let terms = lossTerms(chunk, generator: &generator)
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

    /// Reconstruction (BCE summed over pixels, mean over the batch) and mean KL, on the tape.
    func lossTerms(_ x: Tensor, generator: inout RandomGenerator) -> (reconstruction: Tensor, kl: Tensor) {
        let (mu, logVariance) = model.encode(x)
        let z = model.sampleLatent(mu: mu, logVariance: logVariance, generator: &generator)
        let logits = model.decodeLogits(z)
        let reconstruction = binaryCrossEntropy(logits: logits, targets: x, reduction: .sum) * (1 / Float(x.shape[0]))
        let kl = model.klDivergence(mu: mu, logVariance: logVariance).mean()
        return (reconstruction, kl)
    }
}
