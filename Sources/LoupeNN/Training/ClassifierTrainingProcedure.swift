import Foundation
import LoupeTensor

/// Cross-entropy training of a ``TextClassifier`` for ``TrainingLoop``: seeded (optionally
/// length-bucketed) batches per epoch, per-epoch dropout masks, training loss and accuracy, and
/// dev accuracy as the score.
struct ClassifierTrainingProcedure: TrainingProcedure {
    let classifier: TextClassifier
    let options: ClassifierTrainingOptions
    let train: TextDataSet
    let encodedTrain: [[Int]]
    let lengths: [Int]
    let dev: (data: TextDataSet, ids: [[Int]])?
    /// A teacher's distributions (knowledge distillation), or nil: labels only.
    var softTargets: SoftTargets? = nil
    /// The logits of the current step, for its accuracy.
    private var logits: Tensor?
    private var tally = (lossSum: 0.0, correct: 0, seen: 0, tokens: 0, padded: 0)

    init(classifier: TextClassifier, encoder: TextEncoder, options: ClassifierTrainingOptions, train: TextDataSet,
         dev: TextDataSet?) {
        self.classifier = classifier
        self.options = options
        self.train = train
        self.encodedTrain = train.examples.map { ClassifierBatching.encode($0.text, encoder: encoder) }
        self.lengths = encodedTrain.map(\.count)
        self.dev = dev.map { ($0, $0.examples.map { ClassifierBatching.encode($0.text, encoder: encoder) }) }
    }

    var stepsPerEpoch: Int { (train.count + options.batchSize - 1) / options.batchSize }
    var progressUnit: String { "tok" }

    mutating func beginEpoch(_ epoch: Int) throws -> [[Int]] {
        ClassifierTrainer.setTraining(classifier, true, seed: options.seed, epoch: epoch)
        tally = (0, 0, 0, 0, 0)
        return batches(forEpoch: epoch)
    }

    /// The batches (indices into `train`) of epoch `epoch`, drawn from the run's seed.
    func batches(forEpoch epoch: Int) -> [[Int]] {
        ClassifierBatching.epochBatches(
            lengths: lengths, batchSize: options.batchSize, bucketsByLength: options.bucketsByLength,
            seed: TrainingSeed.derive(options.seed, .shuffle, epoch: epoch), shuffles: options.shuffles)
    }

    mutating func loss(on batch: [Int], step: Int) throws -> Tensor {
        let logits = classifier.logits(tokenIDs: batch.map { encodedTrain[$0] })
        self.logits = logits
        let labels = batch.map { train.examples[$0].label }
        if let softTargets { return softTargets.loss(logits: logits, labels: labels, batch: batch) }
        return crossEntropy(logits: logits, targets: labels)
    }

    mutating func recordStep(_ batch: [Int], loss: Tensor) -> TrainingStepTally {
        let rows = batch.map { encodedTrain[$0] }
        let targets = batch.map { train.examples[$0].label }
        tally.lossSum += Double(loss.scalar) * Double(batch.count)
        tally.correct += zip(logits?.argmax() ?? [], targets).reduce(0) { $0 + ($1.0 == $1.1 ? 1 : 0) }
        tally.seen += batch.count
        tally.tokens += rows.reduce(0) { $0 + $1.count }
        tally.padded += batch.count * (rows.map(\.count).max() ?? 0)
        logits = nil
        return TrainingStepTally(loss: tally.lossSum / Double(tally.seen), processed: tally.tokens)
    }

    mutating func finishEpoch(_ context: TrainingEpochContext) throws -> ClassifierEpochRecord {
        ClassifierTrainer.setTraining(classifier, false, seed: options.seed, epoch: context.epoch)
        let seen = Double(Swift.max(tally.seen, 1))
        return ClassifierEpochRecord(
            epoch: context.epoch, loss: tally.lossSum / seen, trainAccuracy: Double(tally.correct) / seen,
            devAccuracy: nil, devLoss: nil, tokens: tally.tokens, paddedTokens: tally.padded,
            trainingSeconds: context.timing.total, seconds: 0, learningRate: Double(context.learningRate),
            timing: context.timing)
    }

    mutating func evaluate(_ record: inout ClassifierEpochRecord) throws -> Double? {
        guard let dev else { return nil }
        let evaluation = try ClassifierEvaluation(classifier: classifier, encodedTexts: dev.ids, labels: dev.data.labels,
                                              batchSize: options.evaluationBatchSize)
        record.devAccuracy = evaluation.accuracy
        record.devLoss = evaluation.loss
        return evaluation.accuracy
    }

    /// The running figures of the epoch and the dropout generators' states.
    struct PartialState: Codable {
        var lossSum: Double
        var correct: Int
        var seen: Int
        var tokens: Int
        var padded: Int
        var dropout: [RandomGenerator]
    }

    func partialEpochState() throws -> Data? {
        let generators = classifier.allModules.compactMap { ($0 as? Dropout)?.generator }
        return try JSONEncoder().encode(PartialState(lossSum: tally.lossSum, correct: tally.correct, seen: tally.seen,
                                                     tokens: tally.tokens, padded: tally.padded, dropout: generators))
    }

    mutating func restorePartialEpoch(_ data: Data) throws {
        let saved: PartialState
        do { saved = try JSONDecoder().decode(PartialState.self, from: data) } catch {
            throw CheckpointError(.invalidEntry, file: TrainingCheckpoint.stateFileName, "partialEpoch cannot be read: \(error)")
        }
        let dropouts = classifier.allModules.compactMap { $0 as? Dropout }
        guard dropouts.count == saved.dropout.count else {
            throw CheckpointError(.invalidEntry, file: TrainingCheckpoint.stateFileName,
                                  "partialEpoch holds \(saved.dropout.count) dropout generators, the model has \(dropouts.count)")
        }
        for (layer, generator) in zip(dropouts, saved.dropout) { layer.generator = generator }
        tally = (saved.lossSum, saved.correct, saved.seen, saved.tokens, saved.padded)
    }

    func summaryLine(for record: ClassifierEpochRecord, isBest: Bool, stopsEarly: Bool) -> String {
        ClassifierEpochSummary.line(epoch: record.epoch, of: options.epochs, loss: record.loss,
                                    trainAccuracy: record.trainAccuracy, devAccuracy: record.devAccuracy,
                                    tokensPerSecond: record.tokensPerSecond, seconds: record.seconds,
                                    isBest: isBest, stopsEarly: stopsEarly)
    }
}
