import LoupeTensor

/// ELBO training of a ``TextVAE`` for ``TrainingLoop``: length-bucketed seeded batches, KL
/// annealing by step, word dropout on the decoder inputs, per-epoch latent noise; each epoch's
/// active units and held-out figures.
struct TextVAETrainingProcedure: TrainingProcedure {
    let trainer: TextVAETrainer
    let encoded: [[Int]]
    let heldOut: [[Int]]?
    var noise = RandomGenerator(seed: 0)
    var dropping = RandomGenerator(seed: 0)
    var tally = VAEEpochTally()
    var tokens = 0
    var terms: (reconstruction: Tensor, kl: Tensor)?

    private var options: TextVAETrainingOptions { trainer.options }
    var stepsPerEpoch: Int { (encoded.count + options.batchSize - 1) / options.batchSize }
    var progressUnit: String { "tok" }

    mutating func beginEpoch(_ epoch: Int) throws -> [[Int]] {
        noise = RandomGenerator(seed: TrainingSeed.derive(options.seed, .latentNoise, epoch: epoch))
        dropping = RandomGenerator(seed: TrainingSeed.derive(options.seed, .wordDropout, epoch: epoch))
        tally = VAEEpochTally()
        tokens = 0
        return ClassifierBatching.epochBatches(
            lengths: encoded.map(\.count), batchSize: options.batchSize, bucketsByLength: options.bucketsByLength,
            seed: TrainingSeed.derive(options.seed, .shuffle, epoch: epoch))
    }

    mutating func loss(on batch: [Int], step: Int) throws -> Tensor {
        let rows = batch.map { encoded[$0] }
        tally.klWeight = options.klAnnealing.weight(step: step)
        let inputs = trainer.wordDropped(rows, generator: &dropping)
        let terms = trainer.lossTerms(rows, decoderInputs: inputs, generator: &noise)
        self.terms = (terms.reconstruction, terms.kl)
        return terms.reconstruction + terms.klObjective * tally.klWeight
    }

    mutating func recordStep(_ batch: [Int], loss: Tensor) -> TrainingStepTally {
        if let terms { tally.add(reconstruction: terms.reconstruction, kl: terms.kl, count: batch.count) }
        terms = nil
        tokens += batch.reduce(0) { $0 + encoded[$1].count + 1 }
        return TrainingStepTally(loss: tally.runningLoss, processed: tokens)
    }

    mutating func finishEpoch(_ context: TrainingEpochContext) throws -> VAEEpochRecord { tally.record(context) }

    mutating func evaluate(_ record: inout VAEEpochRecord) throws -> Double? {
        let sample = Array(encoded.prefix(options.evaluationLimit))
        let variances = LatentActivity.variances(of: trainer.posteriorMeans(heldOut ?? sample))
        let heldOutFigures = heldOut.flatMap { rows in
            rows.isEmpty ? nil
                : trainer.evaluate(rows, seed: TrainingSeed.derive(options.seed, .latentNoise, epoch: -record.epoch))
        }
        record.setEvaluation(variances: variances, threshold: options.activeUnitThreshold, heldOut: heldOutFigures)
        return nil
    }

    func summaryLine(for record: VAEEpochRecord, isBest: Bool, stopsEarly: Bool) -> String { record.summary }
}
