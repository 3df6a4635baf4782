import Foundation
@testable import LoupeNN
import LoupeTensor
import Testing

/// A tiny separable sentiment set: each text holds one cue word (its label) among neutral words.
enum TinySentiment {
    static let positive = ["good", "great", "nice", "happy", "lovely"]
    static let negative = ["bad", "awful", "poor", "sad", "ugly"]
    static let neutral = ["the", "food", "was", "today", "a", "day", "service", "it", "really", "quite"]

    static func dataSet(count: Int, seed: UInt64) -> TextDataSet {
        var rng = RandomGenerator(seed: seed)
        var examples: [TextExample] = []
        for i in 0..<count {
            let label = i % 2
            let cue = (label == 1 ? positive : negative)[rng.nextInt(below: 5)]
            var words = (0..<(2 + rng.nextInt(below: 4))).map { _ in neutral[rng.nextInt(below: neutral.count)] }
            words.insert(cue, at: rng.nextInt(below: words.count + 1))
            examples.append(TextExample(text: words.joined(separator: " "), label: label))
        }
        return TextDataSet(examples: examples, labelNames: ["negative", "positive"])
    }

    static let train = dataSet(count: 40, seed: 1)
    static let dev = dataSet(count: 20, seed: 2)
}

func temporaryFolder(_ name: String) -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("loupe-training-tests-\(name)-\(UInt64.random(in: 0 ... .max))")
    try? FileManager.default.removeItem(at: url)
    return url
}

func weights(of module: Module) -> [String: [Float]] {
    Dictionary(uniqueKeysWithValues: module.parameters.map { ($0.name, $0.value.scalars) })
}

@Suite("Training: classifiers")
struct TrainingClassifierTests {
    static let tinyTransformer = ClassifierArchitecture.transformer(embedDimension: 8, heads: 2, layers: 1,
                                                                    feedForwardDimension: 16, dropout: 0.1)

    static func options(epochs: Int, seed: UInt64 = 3) -> ClassifierTrainingOptions {
        var options = ClassifierTrainingOptions(epochs: epochs, batchSize: 8, learningRate: 0.02, seed: seed)
        options.maxLength = 16
        return options
    }

    @Test(arguments: [ClassifierArchitecture.bagOfEmbeddings(embedDimension: 8, hiddenDimension: 8), tinyTransformer])
    func lossFallsAndAccuracyReaches100Percent(architecture: ClassifierArchitecture) throws {
        let trainer = try ClassifierTrainer.make(architecture: architecture, trainingData: TinySentiment.train,
                                                 options: Self.options(epochs: 12))
        let result = try trainer.train(on: TinySentiment.train, dev: TinySentiment.dev)
        let losses = result.epochs.map(\.loss)
        #expect(losses.count == 12)
        #expect(losses.last! < losses.first! * 0.5, "losses \(losses)")
        let evaluation = try trainer.evaluate(TinySentiment.train)
        #expect(evaluation.accuracy == 1, "confusion \(evaluation.confusion)")
        #expect(result.epochs.last!.devAccuracy! >= 0.85)
        #expect(result.epochs.allSatisfy { $0.tokens > 0 && $0.tokensPerSecond > 0 })
    }

    @Test func sameSeedGivesIdenticalWeights() throws {
        func run(seed: UInt64) throws -> [String: [Float]] {
            let trainer = try ClassifierTrainer.make(architecture: Self.tinyTransformer, trainingData: TinySentiment.train,
                                                     options: Self.options(epochs: 2, seed: seed))
            _ = try trainer.train(on: TinySentiment.train)
            return weights(of: trainer.classifier)
        }
        let a = try run(seed: 5), b = try run(seed: 5), c = try run(seed: 6)
        #expect(a == b)
        #expect(a != c)
    }

    @Test func earlyStoppingStopsAndKeepsTheBestCheckpoint() throws {
        let folder = temporaryFolder("early")
        defer { try? FileManager.default.removeItem(at: folder) }
        var options = Self.options(epochs: 30)
        options.patience = 2
        options.checkpointDirectory = folder
        let trainer = try ClassifierTrainer.make(architecture: .bagOfEmbeddings(embedDimension: 8, hiddenDimension: 8),
                                                 trainingData: TinySentiment.train, options: options)
        let result = try trainer.train(on: TinySentiment.train, dev: TinySentiment.dev)
        let state = result.state
        #expect(state.stoppedEarly)
        #expect(state.completedEpochs == state.bestEpoch + 2)
        #expect(state.completedEpochs < 30)
        let best = state.history[state.bestEpoch - 1].devAccuracy!
        #expect(state.bestDevAccuracy == best)
        #expect(state.history.allSatisfy { $0.devAccuracy! <= best })
        #expect(state.history[..<(state.bestEpoch - 1)].allSatisfy { $0.devAccuracy! < best })

        // best/ holds the best epoch's model: it loads through ModelFactory and scores the same.
        let loaded = try ModelFactory.load(from: folder.appendingPathComponent("best"))
        let saved = try TrainingCheckpoint.readState(ClassifierTrainingState.self, from: loaded.directory)
        #expect(saved.bestEpoch == state.bestEpoch && saved.completedEpochs == state.bestEpoch)
        let encoder = TextEncoder(vocabulary: try Vocabulary(tokens: loaded.vocabulary!), maximumLength: 16)
        let evaluation = try ClassifierEvaluation(classifier: loaded.model.classifier!, encoder: encoder,
                                              dataSet: TinySentiment.dev)
        #expect(evaluation.accuracy == best)
        // last/ holds the final epoch, with the optimizer state.
        let last = folder.appendingPathComponent("last")
        #expect(FileManager.default.fileExists(atPath: last.appendingPathComponent("training-state.safetensors").path))
        #expect(try TrainingCheckpoint.readState(ClassifierTrainingState.self, from: last).completedEpochs
                == state.completedEpochs)
    }

    @Test(arguments: [OptimizerChoice.adam, .adamW, .sgd])
    func resumeMatchesAnUninterruptedRun(optimizer: OptimizerChoice) throws {
        let (full, part) = (temporaryFolder("full"), temporaryFolder("part"))
        defer {
            try? FileManager.default.removeItem(at: full)
            try? FileManager.default.removeItem(at: part)
        }
        func options(epochs: Int, folder: URL) -> ClassifierTrainingOptions {
            var o = Self.options(epochs: epochs)
            o.optimizer = optimizer
            o.learningRate = optimizer == .sgd ? 0.1 : 0.01
            o.weightDecay = 0.01
            o.learningRateSchedule = .linearDecay(warmupSteps: 3)
            o.checkpointDirectory = folder
            o.resume = true
            return o
        }
        let uninterrupted = try ClassifierTrainer.make(architecture: Self.tinyTransformer, trainingData: TinySentiment.train,
                                                       options: options(epochs: 4, folder: full))
        let expected = try uninterrupted.train(on: TinySentiment.train, dev: TinySentiment.dev)

        // Interrupted after two of four epochs; a fresh trainer resumes from part/last.
        let first = try ClassifierTrainer.make(architecture: Self.tinyTransformer, trainingData: TinySentiment.train,
                                               options: options(epochs: 4, folder: part))
        let firstPart = try first.train(on: TinySentiment.train, dev: TinySentiment.dev, stoppingAfterEpoch: 2)
        #expect(firstPart.epochs.count == 2)
        let resumed = try ClassifierTrainer.make(architecture: Self.tinyTransformer, trainingData: TinySentiment.train,
                                                 options: options(epochs: 4, folder: part))
        #expect(resumed.state.completedEpochs == 2)
        let rest = try resumed.train(on: TinySentiment.train, dev: TinySentiment.dev)
        #expect(rest.epochs.map(\.epoch) == [3, 4])
        #expect(weights(of: resumed.classifier) == weights(of: uninterrupted.classifier))
        #expect(rest.state.history.map(\.loss) == expected.state.history.map(\.loss))
    }

    @Test func trainedCheckpointLoadsBackAndPredictsTheSame() throws {
        let folder = temporaryFolder("reload")
        defer { try? FileManager.default.removeItem(at: folder) }
        var options = Self.options(epochs: 3)
        options.checkpointDirectory = folder
        let trainer = try ClassifierTrainer.make(architecture: Self.tinyTransformer, trainingData: TinySentiment.train,
                                                 options: options)
        _ = try trainer.train(on: TinySentiment.train)   // no dev data: best/ is the last epoch
        let loaded = try ModelFactory.load(from: folder.appendingPathComponent("best"))
        #expect(try loaded.config.strings("labels") == ["negative", "positive"])
        #expect(loaded.vocabulary == trainer.encoder.vocabulary.tokens)
        let classifier = try #require(loaded.model.classifier)
        let encoder = TextEncoder(vocabulary: try Vocabulary(tokens: loaded.vocabulary!), maximumLength: 16)
        for text in ["the food was good", "a really awful day", "unknown words only"] {
            let ids = encoder.encode(text).ids
            #expect(classifier.probabilities(tokenIDs: [ids]).scalars == trainer.probabilities(of: text))
        }
    }

    @Test func evaluationCountsConfusion() throws {
        let trainer = try ClassifierTrainer.make(architecture: .bagOfEmbeddings(embedDimension: 4, hiddenDimension: 4),
                                                 trainingData: TinySentiment.train, options: Self.options(epochs: 0))
        let evaluation = try trainer.evaluate(TinySentiment.dev)
        #expect(evaluation.count == 20)
        #expect(evaluation.confusion.map { $0.reduce(0, +) } == TinySentiment.dev.labelCounts)
        let predictedCounts = (0..<2).map { c in evaluation.predictions.filter { $0 == c }.count }
        #expect(predictedCounts == (0..<2).map { c in evaluation.confusion.reduce(0) { $0 + $1[c] } })
        #expect(evaluation.accuracy == Double(evaluation.correct) / 20)
    }

    @Test(arguments: [OptimizerChoice.adam, .sgd])
    func optimizerStateRoundTrips(choice: OptimizerChoice) throws {
        let p = Parameter(name: "w", value: Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6]))
        let q = Parameter(name: "b", value: Tensor([0.5, -0.5]))
        let optimizer = choice.make(parameters: [p, q], learningRate: 0.1, weightDecay: 0)
        p.sparseGradient = SparseRowGradient(rows: [1], values: [0.3, -0.2], width: 2)
        q.gradient = Tensor([0.1, 0.2])
        optimizer.step()
        let exported = OptimizerStateIO.export(optimizer)
        #expect(!exported.isEmpty)
        let copy = choice.make(parameters: [p, q], learningRate: 0.1, weightDecay: 0)
        try OptimizerStateIO.restore(exported, into: copy, file: "state")
        #expect(OptimizerStateIO.export(copy).mapValues(\.scalars) == exported.mapValues(\.scalars))
        #expect(throws: CheckpointError.self) {
            try OptimizerStateIO.restore(exported.merging(["ghost.exp_avg": Tensor([1])]) { a, _ in a }, into: copy,
                                         file: "state")
        }
    }

    @Test func schedules() {
        #expect(LearningRateSchedule.constant.factor(step: 7, totalSteps: 10) == 1)
        let decay = LearningRateSchedule.linearDecay(warmupSteps: 2)
        #expect([0, 1, 2, 6, 10].map { decay.factor(step: $0, totalSteps: 10) } == [0.5, 1, 1, 0.5, 0])
        #expect(KLAnnealing.linear(warmupSteps: 4).weight(step: 1) == 0.5)
        #expect(KLAnnealing.linear(warmupSteps: 4).weight(step: 10) == 1)
        let cyclical = KLAnnealing.cyclical(cycleSteps: 10, rampFraction: 0.5)
        #expect([0, 2, 5, 9, 10, 12].map { cyclical.weight(step: $0) } == [0, 0.4, 1, 1, 0, 0.4])
        #expect(KLAnnealing.constant(4).weight(step: 3) == 4)
    }
}
