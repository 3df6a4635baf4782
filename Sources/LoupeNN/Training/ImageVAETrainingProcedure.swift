import LoupeTensor

/// ELBO (β-VAE, or β-TCVAE) training of an ``ImageVAE`` for ``TrainingLoop``: seeded batches, KL weight by
/// step, per-epoch latent noise; each epoch's active units and held-out figures.
struct ImageVAETrainingProcedure: TrainingProcedure {
    let trainer: ImageVAETrainer
    let images: ImageDataSet
    let heldOut: ImageDataSet?
    var noise = RandomGenerator(seed: 0)
    var tally = VAEEpochTally()
    var terms: (reconstruction: Tensor, kl: Tensor, regularizer: Tensor)?

    private var options: ImageVAETrainingOptions { trainer.options }
    var stepsPerEpoch: Int { (images.count + options.batchSize - 1) / options.batchSize }
    var progressUnit: String { "img" }

    mutating func beginEpoch(_ epoch: Int) throws -> [[Int]] {
        noise = RandomGenerator(seed: TrainingSeed.derive(options.seed, .latentNoise, epoch: epoch))
        tally = VAEEpochTally()
        return images.batchIndices(size: options.batchSize,
                                   shuffleSeed: TrainingSeed.derive(options.seed, .shuffle, epoch: epoch))
    }

    mutating func loss(on batch: [Int], step: Int) throws -> Tensor {
        let x = images.tensor(indices: batch)
        tally.klWeight = options.klAnnealing.weight(step: step)
        let terms = trainer.lossTerms(x, datasetSize: images.count, generator: &noise)
        self.terms = terms
        return terms.reconstruction + terms.regularizer * tally.klWeight
    }

    mutating func recordStep(_ batch: [Int], loss: Tensor) -> TrainingStepTally {
        if let terms { tally.add(reconstruction: terms.reconstruction, kl: terms.kl, count: batch.count) }
        terms = nil
        return TrainingStepTally(loss: tally.runningLoss, processed: tally.seen)
    }

    mutating func finishEpoch(_ context: TrainingEpochContext) throws -> VAEEpochRecord { tally.record(context) }

    mutating func evaluate(_ record: inout VAEEpochRecord) throws -> Double? {
        let evaluationSet = heldOut ?? images
        let sample = evaluationSet.tensor(indices: Array(0..<Swift.min(evaluationSet.count, options.evaluationLimit)))
        let variances = LatentActivity.variances(of: withoutGradients { trainer.model.encode(sample).mu })
        let heldOutFigures = heldOut.map { _ in
            trainer.evaluate(sample, seed: TrainingSeed.derive(options.seed, .latentNoise, epoch: -record.epoch))
        }
        record.setEvaluation(variances: variances, threshold: options.activeUnitThreshold, heldOut: heldOutFigures)
        return nil
    }

    func summaryLine(for record: VAEEpochRecord, isBest: Bool, stopsEarly: Bool) -> String { record.summary }
}
