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
    public internal(set) var modelConfig: CheckpointConfig
    /// The text front end (tokenizer, vocabulary, truncation to `options.maxLength`).
    public let encoder: TextEncoder
    public let options: ClassifierTrainingOptions
    /// The optimizer (its state survives across ``train(on:dev:stoppingAfterEpoch:softTargets:)`` calls and resumes).
    public let optimizer: Optimizer
    /// Progress so far (what `training.json` holds).
    public private(set) var state: ClassifierTrainingState

    /// A trainer for a given model and vocabulary.
    /// - Parameters:
    ///   - classifier: the model; its labels define the classes (data-set labels are indices into them).
    ///   - config: its `config.json` contents, written with every checkpoint.
    ///   - subwords: the sub-word tokenizer of `vocabulary` (see ``TextEncoder/subwords``), or nil for
    ///     Loupe's word tokenizer.
    public init(classifier: TextClassifier, config: CheckpointConfig, vocabulary: Vocabulary,
                options: ClassifierTrainingOptions, subwords: (any SubwordTokenizer)? = nil) {
        precondition(options.epochs >= 0 && options.batchSize > 0 && options.maxLength > 0, "invalid training options")
        self.classifier = classifier
        self.modelConfig = config
        self.encoder = TextEncoder(vocabulary: vocabulary, maximumLength: options.maxLength, subwords: subwords)
        self.options = options
        self.optimizer = options.optimizer.make(parameters: classifier.parameters, learningRate: options.learningRate,
                                                weightDecay: options.weightDecay, momentum: options.momentum)
        var state = ClassifierTrainingState()
        state.seed = options.seed
        state.optimizer = options.optimizer
        self.state = state
    }

    /// A trainer for a model built by ``ModelFactory`` (throws when it is not a classifier).
    public convenience init(model: LoadedModel, vocabulary: Vocabulary, options: ClassifierTrainingOptions,
                            subwords: (any SubwordTokenizer)? = nil) throws {
        guard let classifier = model.classifier else {
            throw CheckpointError(.invalidArgument, file: CheckpointConfig.fileName, key: "architecture", subject: "key",
                                  "'\(model.architecture)' is not a text classifier")
        }
        self.init(classifier: classifier, config: try model.checkpointConfig(), vocabulary: vocabulary, options: options,
                  subwords: subwords)
    }

    /// A trainer for a new model of `architecture`, with a vocabulary built from the training
    /// texts (`minimumTokenCount`, `maximumVocabularySize`) and the data set's label names — or,
    /// when `options.resume` is set and `checkpointDirectory/last` exists, the trainer resumed
    /// from there (see ``resume(from:options:)``).
    public static func make(architecture: ClassifierArchitecture, trainingData: TextDataSet,
                            options: ClassifierTrainingOptions) throws -> ClassifierTrainer {
        if options.resume, let directory = options.checkpointDirectory, let folder = try resumeFolder(in: directory) {
            return try resume(from: folder, options: options)
        }
        options.observer?.observe(.message("building the vocabulary from \(trainingData.count) texts"))
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

    /// The folder a run in `directory` resumes from: `interrupted/` (an epoch cut short) when it
    /// is newer than `last/`, else `last/`; nil when neither holds a checkpoint.
    public static func resumeFolder(in directory: URL) throws -> URL? {
        func step(_ name: String) throws -> (URL, Int)? {
            let folder = directory.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: folder.appendingPathComponent(Checkpoint.configFileName).path) else {
                return nil
            }
            return (folder, try TrainingCheckpoint.readState(ClassifierTrainingState.self, from: folder).globalStep)
        }
        let last = try step(TrainingCheckpoint.lastFolderName)
        let interrupted = try step(TrainingCheckpoint.interruptedFolderName)
        if let interrupted, interrupted.1 > (last?.1 ?? -1) { return interrupted.0 }
        return last?.0
    }

    /// A trainer that continues the run saved in `directory` (a `last/` or `interrupted/` folder): the model, its
    /// vocabulary, the optimizer state and `training.json`. The options should be the original
    /// run's (only `epochs`, `patience`, `observer` and `checkpointDirectory` may sensibly change).
    public static func resume(from directory: URL, options: ClassifierTrainingOptions) throws -> ClassifierTrainer {
        let loaded = try ModelFactory.load(from: directory)
        guard let tokens = loaded.vocabulary else {
            throw CheckpointError(.io, file: Checkpoint.vocabularyFileName, "missing from \(directory.path); cannot resume")
        }
        let trainer = try ClassifierTrainer(model: loaded.model, vocabulary: try Vocabulary(tokens: tokens), options: options)
        trainer.state = try TrainingLoop.restoreState(ClassifierTrainingState.self, optimizer: trainer.optimizer,
                                                      from: directory)
        return trainer
    }

    /// Trains from the next epoch up to `options.epochs` (or until early stopping), through
    /// ``TrainingLoop``; progress goes to `options.observer`.
    ///
    /// - Parameters:
    ///   - train: the training data; its labels index the classifier's labels.
    ///   - dev: held-out data for accuracy, early stopping and the best checkpoint.
    ///   - stoppingAfterEpoch: end this call after that epoch (training in stages, or simulating an
    ///     interruption); the schedule still plans for `options.epochs`.
    /// - Throws: ``DataSetError`` when the data's labels are not the classifier's; a checkpoint
    ///   or I/O error when a checkpoint cannot be written.
    ///   - softTargets: a teacher's logits for (some of) the training examples: knowledge distillation.
    public func train(on train: TextDataSet, dev: TextDataSet? = nil,
                      stoppingAfterEpoch: Int? = nil, softTargets: SoftTargets? = nil) throws -> ClassifierTrainingResult {
        let classes = classifier.classCount
        for (name, data) in [("training data", train), ("dev data", dev)] {
            guard let data, data.labelNames.count != classes else { continue }
            throw DataSetError(.badLabel, file: name,
                               "labels \(data.labelNames) do not match the classifier's \(classifier.labels)")
        }
        let runStart = DispatchTime.now().uptimeNanoseconds
        options.observer?.observe(.message("tokenizing \(train.count) training" + (dev.map { " and \($0.count) dev" } ?? "")
                                           + " examples"))
        var procedure = ClassifierTrainingProcedure(classifier: classifier, encoder: encoder, options: options,
                                                    train: train, dev: dev)
        if let softTargets {
            guard softTargets.teacherLogits.count == train.count, (0...1).contains(softTargets.weight),
                  softTargets.temperature > 0 else {
                throw DataSetError(.invalidArgument, file: "soft targets",
                                   "\(softTargets.teacherLogits.count) teacher rows for \(train.count) examples, weight \(softTargets.weight), temperature \(softTargets.temperature)")
            }
            procedure.softTargets = softTargets
        }
        let records = try loop.run(&procedure, state: &state, stoppingAfterEpoch: stoppingAfterEpoch)
        return ClassifierTrainingResult(state: state, epochs: records,
                                        seconds: Double(DispatchTime.now().uptimeNanoseconds - runStart) / 1e9,
                                        bestCheckpoint: loop.checkpoint?.bestFolder)
    }

    /// The loop that ``train(on:dev:stoppingAfterEpoch:softTargets:)`` runs: the options' schedule, clipping,
    /// patience, checkpoints (`best/` and `last/`) and observer.
    var loop: TrainingLoop {
        TrainingLoop(optimizer: optimizer, epochs: options.epochs, learningRate: options.learningRate,
                     learningRateSchedule: options.learningRateSchedule, gradientClipNorm: options.gradientClipNorm,
                     patience: options.patience,
                     checkpoint: options.checkpointDirectory.map {
                         TrainingCheckpointPlan(directory: $0, layout: .bestAndLast, module: classifier,
                                                config: modelConfig, vocabulary: encoder.vocabulary.tokens)
                     },
                     observer: options.observer, stopRequested: options.stopRequested)
    }

    /// The batches (example indices into `train`) that epoch `epoch` of ``train(on:dev:stoppingAfterEpoch:softTargets:)``
    /// uses, in order, and each example's ids (for benchmarks that replay the same batches elsewhere).
    public func plannedBatches(for train: TextDataSet, epoch: Int) -> (batches: [[Int]], ids: [[Int]]) {
        let procedure = ClassifierTrainingProcedure(classifier: classifier, encoder: encoder, options: options,
                                                    train: train, dev: nil)
        return (procedure.batches(forEpoch: epoch), procedure.encodedTrain)
    }

    /// Accuracy and confusion counts of the current model on `dataSet` (dropout off).
    /// - Throws: ``ModelInputError`` for labels outside the classifier's classes.
    public func evaluate(_ dataSet: TextDataSet) throws -> ClassifierEvaluation {
        setTraining(false, epoch: 0)
        return try ClassifierEvaluation(classifier: classifier, encoder: encoder, dataSet: dataSet,
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

    func setTraining(_ training: Bool, epoch: Int) {
        Self.setTraining(classifier, training, seed: options.seed, epoch: epoch)
    }

    /// Dropout on (reseeded for `epoch`) or off, and a transformer's training flag.
    static func setTraining(_ classifier: TextClassifier, _ training: Bool, seed: UInt64, epoch: Int) {
        TrainingSeed.prepareDropout(in: classifier, training: training, seed: seed, epoch: epoch)
        if let transformer = classifier as? TransformerClassifier, transformer.isTraining != training {
            transformer.isTraining = training
        }
    }
}
