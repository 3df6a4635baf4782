import Foundation
import Testing
@testable import LoupeNN
import LoupeTensor

/// A stop request (Ctrl-C) in the middle of an epoch: the last completed checkpoint stays as it
/// was, the epoch in progress is saved to `interrupted/`, and resuming from it reaches the weights
/// and history of an uninterrupted run bit for bit (optimizer state, schedule, batch order, dropout).
@Suite("Training: interruption mid-epoch")
struct TrainingInterruptionTests {
    /// Answers true once `after` steps have been asked about (thread-safe).
    final class StopAfter: @unchecked Sendable {
        private let lock = NSLock()
        private var asked = 0
        let after: Int
        init(after: Int) { self.after = after }
        func callAsFunction() -> Bool {
            lock.lock()
            defer { lock.unlock() }
            asked += 1
            return asked > after
        }
    }

    func options(folder: URL, stop: StopAfter? = nil) -> ClassifierTrainingOptions {
        var o = TrainingClassifierTests.options(epochs: 3)
        o.optimizer = .adamW
        o.weightDecay = 0.01
        o.learningRateSchedule = .linearDecay(warmupSteps: 3)
        o.checkpointDirectory = folder
        o.resume = true
        if let stop { o.stopRequested = { stop() } }
        return o
    }

    @Test(arguments: [1, 7, 11])
    func resumingAnInterruptedEpochMatchesAnUninterruptedRun(stopAfterStep: Int) throws {
        let (full, part) = (temporaryFolder("full"), temporaryFolder("part"))
        defer {
            try? FileManager.default.removeItem(at: full)
            try? FileManager.default.removeItem(at: part)
        }
        let architecture = TrainingClassifierTests.tinyTransformer
        let uninterrupted = try ClassifierTrainer.make(architecture: architecture, trainingData: TinySentiment.train,
                                                       options: options(folder: full))
        let expected = try uninterrupted.train(on: TinySentiment.train, dev: TinySentiment.dev)
        let stepsPerEpoch = (TinySentiment.train.count + 7) / 8
        // The stop arrives after step `stopAfterStep` of the run (asked once before the first step).
        let first = try ClassifierTrainer.make(architecture: architecture, trainingData: TinySentiment.train,
                                               options: options(folder: part, stop: StopAfter(after: stopAfterStep)))
        var interruption: TrainingInterrupted?
        do { _ = try first.train(on: TinySentiment.train, dev: TinySentiment.dev) } catch let stop as TrainingInterrupted {
            interruption = stop
        }
        let stop = try #require(interruption)
        let epoch = (stopAfterStep - 1) / stepsPerEpoch + 1, step = (stopAfterStep - 1) % stepsPerEpoch + 1
        #expect(stop.epoch == epoch && stop.step == step, "\(stop)")
        let interrupted = part.appendingPathComponent(TrainingCheckpoint.interruptedFolderName)
        #expect(stop.checkpoint?.standardizedFileURL.path == interrupted.standardizedFileURL.path)
        let saved = try TrainingCheckpoint.readState(ClassifierTrainingState.self, from: interrupted)
        #expect(saved.partialEpoch?.epoch == epoch && saved.partialEpoch?.stepsDone == step)
        #expect(saved.globalStep == stopAfterStep)
        // The last completed epoch is untouched (none yet when the stop came in epoch 1).
        let last = part.appendingPathComponent(TrainingCheckpoint.lastFolderName)
        if epoch == 1 {
            #expect(!FileManager.default.fileExists(atPath: last.path))
        } else {
            #expect(try TrainingCheckpoint.readState(ClassifierTrainingState.self, from: last).completedEpochs == epoch - 1)
        }
        #expect(try ClassifierTrainer.resumeFolder(in: part)?.standardizedFileURL.path == interrupted.standardizedFileURL.path)

        let resumed = try ClassifierTrainer.make(architecture: architecture, trainingData: TinySentiment.train,
                                                 options: options(folder: part))
        let rest = try resumed.train(on: TinySentiment.train, dev: TinySentiment.dev)
        #expect(rest.epochs.map(\.epoch) == Array(epoch...3))
        #expect(weights(of: resumed.classifier) == weights(of: uninterrupted.classifier))
        #expect(rest.state.history.map(\.loss) == expected.state.history.map(\.loss))
        #expect(rest.state.history.map(\.trainAccuracy) == expected.state.history.map(\.trainAccuracy))
        #expect(!FileManager.default.fileExists(atPath: interrupted.path), "a completed epoch supersedes interrupted/")
    }

    @Test func aStopBeforeTheFirstStepWritesNothing() throws {
        let folder = temporaryFolder("early")
        defer { try? FileManager.default.removeItem(at: folder) }
        let trainer = try ClassifierTrainer.make(architecture: TrainingClassifierTests.tinyTransformer,
                                                 trainingData: TinySentiment.train,
                                                 options: options(folder: folder, stop: StopAfter(after: 0)))
        #expect(throws: TrainingInterrupted(epoch: 0, step: nil, checkpoint: nil)) {
            try trainer.train(on: TinySentiment.train, dev: TinySentiment.dev)
        }
        #expect(!FileManager.default.fileExists(atPath: folder.path))
    }

    @Test func generatorStateRoundTrips() throws {
        var generator = RandomGenerator(seed: 42)
        _ = generator.nextNormal()   // leaves a spare normal variate
        let copy = try JSONDecoder().decode(RandomGenerator.self, from: JSONEncoder().encode(generator))
        var a = generator, b = copy
        #expect((0..<5).map { _ in a.nextNormal() } == (0..<5).map { _ in b.nextNormal() })
    }
}
