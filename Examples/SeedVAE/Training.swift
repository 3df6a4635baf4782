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
struct EpochLoss: Codable, TrainingEpochRecord {
    var epoch: Int
    var reconstruction: Double
    var kl: Double
    var seconds: Double
    /// The negative ELBO, reconstruction + KL (β does not enter the reported figure).
    var loss: Double { reconstruction + kl }
    var trainingLoss: Double { loss }
}

/// The run's progress as ``TrainingLoop`` keeps it.
struct SeedTrainingState: TrainingRunState {
    var completedEpochs = 0
    var globalStep = 0
    var history: [EpochLoss] = []
}

/// Minibatch training with Adam on `reconstruction + β·KL` through LoupeNN's ``TrainingLoop``:
/// the reconstruction is the binary cross-entropy of the decoder's logits summed over pixels,
/// the KL that of the diagonal Gaussian posterior from N(0, I); both averaged over the batch.
/// One reparameterised sample of `z` per example and step. `observer` hears every epoch.
func train<M: BernoulliVAE>(_ model: M, on images: [[Float]], settings: TrainingSettings,
                            observer: (any TrainingObserver)? = nil) throws -> [EpochLoss] {
    let optimizer = Adam(parameters: model.parameters, learningRate: settings.learningRate)
    let loop = TrainingLoop(optimizer: optimizer, epochs: settings.epochs, observer: observer)
    var procedure = BernoulliVAEProcedure(model: model, images: images, settings: settings)
    var state = SeedTrainingState()
    return try loop.run(&procedure, state: &state)
}

/// The example's VAE objective for ``TrainingLoop``. One generator, seeded once, draws every
/// epoch's example order and every latent sample in turn.
struct BernoulliVAEProcedure<Model: BernoulliVAE>: TrainingProcedure {
    let model: Model
    let images: [[Float]]
    let settings: TrainingSettings
    private var rng: RandomGenerator
    private var terms: (reconstruction: Tensor, kl: Tensor)?
    private var sums = (reconstruction: 0.0, kl: 0.0, seen: 0)

    init(model: Model, images: [[Float]], settings: TrainingSettings) {
        self.model = model
        self.images = images
        self.settings = settings
        self.rng = RandomGenerator(seed: settings.seed)
    }

    var stepsPerEpoch: Int { (images.count + settings.batchSize - 1) / settings.batchSize }
    var progressUnit: String { "img" }

    mutating func beginEpoch(_ epoch: Int) throws -> [ArraySlice<Int>] {
        sums = (0, 0, 0)
        let order = seededPermutation(count: images.count, using: &rng)
        return stride(from: 0, to: order.count, by: settings.batchSize).map {
            order[$0..<min(order.count, $0 + settings.batchSize)]
        }
    }

    mutating func loss(on batch: ArraySlice<Int>, step: Int) throws -> Tensor {
        let p = model.pixelCount
        var scalars = [Float]()
        scalars.reserveCapacity(batch.count * p)
        for i in batch { scalars.append(contentsOf: images[i]) }
        let x = Tensor(shape: [batch.count, p], scalars: scalars)
        let (mu, logVariance) = model.encode(x)
        let z = model.sampleLatent(mu: mu, logVariance: logVariance, generator: &rng)
        let reconstruction = binaryCrossEntropy(logits: model.decodeLogits(z), targets: x, reduction: .sum)
            / Float(batch.count)
        let kl = gaussianKLDivergence(mu: mu, logVariance: logVariance, reduction: .mean)
        terms = (reconstruction, kl)
        return reconstruction + kl * settings.beta
    }

    mutating func recordStep(_ batch: ArraySlice<Int>, loss: Tensor) -> TrainingStepTally {
        if let terms {
            sums.reconstruction += Double(terms.reconstruction.scalar) * Double(batch.count)
            sums.kl += Double(terms.kl.scalar) * Double(batch.count)
        }
        sums.seen += batch.count
        let running = (sums.reconstruction + Double(settings.beta) * sums.kl) / Double(sums.seen)
        return TrainingStepTally(loss: running, processed: sums.seen)
    }

    mutating func finishEpoch(_ context: TrainingEpochContext) throws -> EpochLoss {
        let n = Double(images.count)
        return EpochLoss(epoch: context.epoch, reconstruction: sums.reconstruction / n, kl: sums.kl / n, seconds: 0)
    }

    func summaryLine(for record: EpochLoss, isBest: Bool, stopsEarly: Bool) -> String {
        String(format: "%5d   %12.3f   %14.3f   %6.3f  %7.2f", record.epoch, record.loss, record.reconstruction,
               record.kl, record.seconds)
    }
}

/// Prints each epoch's summary line on standard output (the example's loss table).
final class EpochTablePrinter: TrainingObserver {
    func observe(_ event: TrainingEvent) {
        if case .epochEnded(let summary) = event { print(summary.line) }
    }
}
