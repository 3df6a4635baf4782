import Foundation
import LoupeTensor

/// Trains a ``TextClassifier`` (``BagOfEmbeddingsClassifier``, ``TransformerClassifier``, or any
/// conforming model with a `config.json`) with cross-entropy, reporting each epoch's loss, train
/// and dev accuracy and tokens/s, stopping early on dev accuracy, and writing checkpoints that
/// ``ModelFactory/load(from:)`` reads back.
///
/// ```swift
/// var options = ClassifierTrainingOptions(epochs: 5, batchSize: 32, learningRate: 1e-3)
/// options.checkpointDirectory = URL(fileURLWithPath: "runs/sst2")
/// options.patience = 2
/// let trainer = try ClassifierTrainer.make(architecture: .bagOfEmbeddings(), trainingData: train, options: options)
/// let result = try trainer.train(on: train, dev: dev)
/// // runs/sst2/best loads with ModelFactory.load(from:)
/// ```
///
/// **Determinism.** The weights are initialised from `options.seed`, and every random choice of
/// epoch `e` (the batch order, dropout masks) is drawn from a generator seeded by `(seed, e)`. So
/// the same data, options and seed give bit-identical weights, and a run resumed after epoch `e`
/// continues exactly as the uninterrupted run would have (its optimizer state is restored too).
///
/// **Checkpoints** (when `options.checkpointDirectory` is set): see ``TrainingCheckpoint``.
/// `best/` is rewritten whenever the dev accuracy improves (without dev data: every epoch), `last/`
/// after every epoch. Both carry `vocab.txt` and the labels (in `config.json`).
public final class ClassifierTrainer {
    /// The model being trained.
    public let classifier: TextClassifier
    /// Its `config.json` (architecture and sizes, labels).
    public let modelConfig: CheckpointConfig
    /// The text front end (tokenizer, vocabulary, truncation to `options.maxLength`).
    public let encoder: TextEncoder
    public let options: ClassifierTrainingOptions
    /// The optimizer (its state survives across ``train(on:dev:)`` calls and resumes).
    public let optimizer: Optimizer
    /// Progress so far (what `training.json` holds).
    public private(set) var state: ClassifierTrainingState

    /// A trainer for a given model and vocabulary.
    /// - Parameters:
    ///   - classifier: the model; its labels define the classes (data-set labels are indices into them).
    ///   - config: its `config.json` contents, written with every checkpoint.
    public init(classifier: TextClassifier, config: CheckpointConfig, vocabulary: Vocabulary,
                options: ClassifierTrainingOptions) {
        precondition(options.epochs >= 0 && options.batchSize > 0 && options.maxLength > 0, "invalid training options")
        self.classifier = classifier
        self.modelConfig = config
        self.encoder = TextEncoder(vocabulary: vocabulary, maximumLength: options.maxLength)
        self.options = options
        self.optimizer = options.optimizer.make(parameters: classifier.parameters, learningRate: options.learningRate,
                                                weightDecay: options.weightDecay, momentum: options.momentum)
        var state = ClassifierTrainingState()
        state.seed = options.seed
        state.optimizer = options.optimizer
        self.state = state
    }

    /// A trainer for a model built by ``ModelFactory`` (throws when it is not a classifier).
    public convenience init(model: LoadedModel, vocabulary: Vocabulary, options: ClassifierTrainingOptions) throws {
        guard let classifier = model.classifier else {
            throw CheckpointError(.invalidArgument, file: CheckpointConfig.fileName, key: "architecture", subject: "key",
                                  "'\(model.architecture)' is not a text classifier")
        }
        self.init(classifier: classifier, config: model.config, vocabulary: vocabulary, options: options)
    }

    /// A trainer for a new model of `architecture`, with a vocabulary built from the training
    /// texts (`minimumTokenCount`, `maximumVocabularySize`) and the data set's label names — or,
    /// when `options.resume` is set and `checkpointDirectory/last` exists, the trainer resumed
    /// from there (see ``resume(from:options:)``).
    public static func make(architecture: ClassifierArchitecture, trainingData: TextDataSet,
                            options: ClassifierTrainingOptions) throws -> ClassifierTrainer {
        if options.resume, let directory = options.checkpointDirectory {
            let last = directory.appendingPathComponent(TrainingCheckpoint.lastFolderName)
            if FileManager.default.fileExists(atPath: last.appendingPathComponent(Checkpoint.configFileName).path) {
                return try resume(from: last, options: options)
            }
        }
        let tokenizer = Tokenizer()
        let vocabulary = Vocabulary.build(from: trainingData.examples.lazy.map { tokenizer.tokenize($0.text).map(\.text) },
                                          minimumCount: options.minimumTokenCount,
                                          maximumSize: options.maximumVocabularySize)
        let model = architecture.makeModel(vocabularySize: vocabulary.count, labels: trainingData.labelNames,
                                           maxLength: options.maxLength, seed: options.seed)
        if options.embeddingScale != 1 {
            for case let table as Embedding in model.module.allModules {
                table.weight.value = table.weight.value * options.embeddingScale
            }
        }
        return try ClassifierTrainer(model: model, vocabulary: vocabulary, options: options)
    }

    /// A trainer that continues the run saved in `directory` (a `last/` folder): the model, its
    /// vocabulary, the optimizer state and `training.json`. The options should be the original
    /// run's (only `epochs`, `patience`, `progress` and `checkpointDirectory` may sensibly change).
    public static func resume(from directory: URL, options: ClassifierTrainingOptions) throws -> ClassifierTrainer {
        let loaded = try ModelFactory.load(from: directory)
        guard let tokens = loaded.vocabulary else {
            throw CheckpointError(.io, file: Checkpoint.vocabularyFileName, "missing from \(directory.path); cannot resume")
        }
        let trainer = try ClassifierTrainer(model: loaded.model, vocabulary: try Vocabulary(tokens: tokens), options: options)
        trainer.state = try TrainingCheckpoint.readState(ClassifierTrainingState.self, from: directory)
        try OptimizerStateIO.restore(try TrainingCheckpoint.readOptimizerState(from: directory), into: trainer.optimizer,
                                     file: TrainingCheckpoint.optimizerStateFileName)
        return trainer
    }

    /// Trains from the next epoch up to `options.epochs` (or until early stopping).
    ///
    /// - Parameters:
    ///   - train: the training data; its labels index the classifier's labels.
    ///   - dev: held-out data for accuracy, early stopping and the best checkpoint.
    ///   - stoppingAfterEpoch: end this call after that epoch (training in stages, or simulating an
    ///     interruption); the schedule still plans for `options.epochs`.
    public func train(on train: TextDataSet, dev: TextDataSet? = nil,
                      stoppingAfterEpoch: Int? = nil) throws -> ClassifierTrainingResult {
        let classes = classifier.classCount
        precondition(train.labelNames.count == classes && (dev?.labelNames.count ?? classes) == classes,
                     "data labels \(train.labelNames) do not match the classifier's \(classifier.labels)")
        let reporter = ProgressReporter(style: options.progress)
        let runStart = DispatchTime.now().uptimeNanoseconds
        let encodedTrain = train.examples.map { ClassifierBatching.encode($0.text, encoder: encoder) }
        let encodedDev = dev.map { $0.examples.map { ClassifierBatching.encode($0.text, encoder: encoder) } }
        let lengths = encodedTrain.map(\.count)
        let stepsPerEpoch = (train.count + options.batchSize - 1) / options.batchSize
        let totalSteps = stepsPerEpoch * options.epochs
        var records: [ClassifierEpochRecord] = []

        if state.completedEpochs > 0 && state.completedEpochs < options.epochs {
            reporter.message("resuming after epoch \(state.completedEpochs) (step \(state.globalStep))")
        }
        var epoch = state.completedEpochs + 1
        let lastEpoch = Swift.min(options.epochs, stoppingAfterEpoch ?? .max)
        while epoch <= lastEpoch && !state.stoppedEarly && !train.isEmpty {
            let epochStart = DispatchTime.now().uptimeNanoseconds
            setTraining(true, epoch: epoch)
            let batches = ClassifierBatching.epochBatches(
                lengths: lengths, batchSize: options.batchSize, bucketsByLength: options.bucketsByLength,
                seed: TrainingSeed.derive(options.seed, .shuffle, epoch: epoch), shuffles: options.shuffles)
            reporter.beginEpoch(epoch, of: options.epochs)
            var timing = TrainingTiming()
            var clock = TrainingClock()
            var (lossSum, correct, seen, tokens, padded) = (0.0, 0, 0, 0, 0)
            var learningRate = options.learningRate
            for (i, batch) in batches.enumerated() {
                learningRate = options.learningRate * options.learningRateSchedule.factor(step: state.globalStep,
                                                                                           totalSteps: totalSteps)
                optimizer.learningRate = learningRate
                let rows = batch.map { encodedTrain[$0] }
                let targets = batch.map { train.examples[$0].label }
                optimizer.zeroGradients()
                timing.other += clock.lap()
                let logits = classifier.logits(tokenIDs: rows)
                let loss = crossEntropy(logits: logits, targets: targets)
                timing.forward += clock.lap()
                try loss.backward()
                timing.backward += clock.lap()
                if let clip = options.gradientClipNorm { clipGradientNorm(optimizer.parameters, maxNorm: clip) }
                optimizer.step()
                timing.optimizer += clock.lap()
                state.globalStep += 1
                lossSum += Double(loss.scalar) * Double(batch.count)
                correct += zip(logits.argmax(), targets).reduce(0) { $0 + ($1.0 == $1.1 ? 1 : 0) }
                seen += batch.count
                tokens += rows.reduce(0) { $0 + $1.count }
                padded += batch.count * (rows.map(\.count).max() ?? 0)
                reporter.step(epoch: epoch, epochs: options.epochs, step: i + 1, steps: batches.count,
                              loss: lossSum / Double(seen), examplesDone: tokens, unit: "tok")
                timing.other += clock.lap()
            }
            let trainingSeconds = timing.total
            setTraining(false, epoch: epoch)

            var record = ClassifierEpochRecord(
                epoch: epoch, loss: lossSum / Double(Swift.max(seen, 1)),
                trainAccuracy: Double(correct) / Double(Swift.max(seen, 1)), devAccuracy: nil, devLoss: nil,
                tokens: tokens, paddedTokens: padded, trainingSeconds: trainingSeconds, seconds: 0,
                learningRate: Double(learningRate), timing: timing)
            if let encodedDev, let dev {
                let evaluation = ClassifierEvaluation(classifier: classifier, encodedTexts: encodedDev, labels: dev.labels,
                                                      batchSize: options.evaluationBatchSize)
                record.devAccuracy = evaluation.accuracy
                record.devLoss = evaluation.loss
            }
            let improved = record.devAccuracy.map { accuracy in state.bestDevAccuracy.map { accuracy > $0 } ?? true } ?? true
            if improved {
                state.bestEpoch = epoch
                state.bestDevAccuracy = record.devAccuracy
                state.epochsWithoutImprovement = 0
            } else {
                state.epochsWithoutImprovement += 1
            }
            if let patience = options.patience, dev != nil, state.epochsWithoutImprovement >= patience,
               epoch < options.epochs {
                state.stoppedEarly = true
            }
            state.completedEpochs = epoch
            record.seconds = Double(DispatchTime.now().uptimeNanoseconds - epochStart) / 1e9
            state.history.append(record)
            records.append(record)
            try writeCheckpoints(improved: improved, epoch: epoch)
            reporter.endEpoch(Self.summary(record, epochs: options.epochs, best: improved && dev != nil,
                                           stopping: state.stoppedEarly))
            epoch += 1
        }
        let best = options.checkpointDirectory?.appendingPathComponent(TrainingCheckpoint.bestFolderName)
        return ClassifierTrainingResult(state: state, epochs: records,
                                        seconds: Double(DispatchTime.now().uptimeNanoseconds - runStart) / 1e9,
                                        bestCheckpoint: best)
    }

    /// The batches (example indices into `train`) that epoch `epoch` of ``train(on:dev:stoppingAfterEpoch:)``
    /// uses, in order, and each example's ids (for benchmarks that replay the same batches elsewhere).
    public func plannedBatches(for train: TextDataSet, epoch: Int) -> (batches: [[Int]], ids: [[Int]]) {
        let ids = train.examples.map { ClassifierBatching.encode($0.text, encoder: encoder) }
        let batches = ClassifierBatching.epochBatches(
            lengths: ids.map(\.count), batchSize: options.batchSize, bucketsByLength: options.bucketsByLength,
            seed: TrainingSeed.derive(options.seed, .shuffle, epoch: epoch), shuffles: options.shuffles)
        return (batches, ids)
    }

    /// Accuracy and confusion counts of the current model on `dataSet` (dropout off).
    public func evaluate(_ dataSet: TextDataSet) -> ClassifierEvaluation {
        setTraining(false, epoch: 0)
        return ClassifierEvaluation(classifier: classifier, encoder: encoder, dataSet: dataSet,
                                    batchSize: options.evaluationBatchSize)
    }

    /// Class probabilities `[classes]` of one text under the current model.
    public func probabilities(of text: String) -> [Float] {
        setTraining(false, epoch: 0)
        return classifier.probabilities(tokenIDs: [ClassifierBatching.encode(text, encoder: encoder)]).scalars
    }

    /// Saves the current model as a plain checkpoint folder (config, weights, vocabulary).
    public func saveModel(to directory: URL, metadata: [String: String] = [:]) throws {
        try Checkpoint.save(classifier, config: modelConfig, vocabulary: encoder.vocabulary.tokens, to: directory,
                            metadata: metadata)
    }

    // MARK: Internals

    private func setTraining(_ training: Bool, epoch: Int) {
        TrainingSeed.prepareDropout(in: classifier, training: training, seed: options.seed, epoch: epoch)
        if let transformer = classifier as? TransformerClassifier, transformer.isTraining != training {
            transformer.isTraining = training
        }
    }

    private func writeCheckpoints(improved: Bool, epoch: Int) throws {
        guard let directory = options.checkpointDirectory else { return }
        let metadata = ["epoch": String(epoch), "format": "pt"]
        if improved {
            try TrainingCheckpoint.save(classifier, config: modelConfig, vocabulary: encoder.vocabulary.tokens,
                                        state: state, optimizerState: nil,
                                        to: directory.appendingPathComponent(TrainingCheckpoint.bestFolderName),
                                        metadata: metadata)
        }
        try TrainingCheckpoint.save(classifier, config: modelConfig, vocabulary: encoder.vocabulary.tokens,
                                    state: state, optimizerState: OptimizerStateIO.export(optimizer),
                                    to: directory.appendingPathComponent(TrainingCheckpoint.lastFolderName),
                                    metadata: metadata)
    }

    static func summary(_ r: ClassifierEpochRecord, epochs: Int, best: Bool, stopping: Bool) -> String {
        var line = String(format: "epoch %d/%d  loss %.4f  train acc %.2f%%", r.epoch, epochs, r.loss,
                          100 * r.trainAccuracy)
        if let dev = r.devAccuracy { line += String(format: "  dev acc %.2f%%", 100 * dev) }
        line += String(format: "  %.0f tok/s  %.1f s", r.tokensPerSecond, r.seconds)
        if best { line += "  [best]" }
        if stopping { line += "  (early stop)" }
        return line
    }
}
