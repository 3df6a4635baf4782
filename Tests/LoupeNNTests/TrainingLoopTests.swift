import Foundation
@testable import LoupeNN
import LoupeTensor
import LoupeTestSupport
import Testing

@Suite("Training: loop")
struct TrainingLoopTests {
    static let targets: [[Float]] = [[1, -2], [3, 0.5]]

    /// Zero gradients, clipping to norm 1, SGD step and a linear-decay schedule (warm-up 1 step,
    /// 4 steps planned), checked against the update worked out by hand.
    @Test func stepsMatchAHandComputedUpdate() throws {
        let model = VectorModel([0, 0])
        let observer = RecordingObserver()
        let loop = TrainingLoop(optimizer: SGD(parameters: model.parameters, learningRate: 0.1), epochs: 2,
                                learningRateSchedule: .linearDecay(warmupSteps: 1), gradientClipNorm: 1,
                                observer: observer)
        var procedure = QuadraticProcedure(model: model, targets: Self.targets)
        var state = QuadraticState()
        try loop.run(&procedure, state: &state, stoppingAfterEpoch: 1)

        // Step 1: g = w − t = (−1, 2), ‖g‖ = √5 → clipped to g/√5; factor 1 → w = 0.1·(1, −2)/√5.
        // Step 2: g = w − (3, 0.5) = (−2.955279, −0.589443), ‖g‖ = 3.013489 → clipped; factor 1.
        let five = Float(5).squareRoot()
        var w: [Float] = [0.1 / five, -0.2 / five]
        let g: [Float] = [w[0] - 3, w[1] - 0.5]
        let norm = (g[0] * g[0] + g[1] * g[1]).squareRoot()
        w = [w[0] - 0.1 * g[0] / (norm + 1e-6), w[1] - 0.1 * g[1] / (norm + 1e-6)]
        expectClose(model.w.value.scalars, w, absolute: 1e-6)
        expectClose(model.w.value.scalars, [0.142789, -0.069880], absolute: 1e-5)

        // Epoch 2: factors 1 − 1/3 and 1 − 2/3; a gradient left over from a step before would
        // show as a wrong update here.
        try loop.run(&procedure, state: &state)
        for (t, factor) in zip(Self.targets, [Float(2) / 3, Float(1) / 3]) {
            let g = [w[0] - t[0], w[1] - t[1]]
            let norm = (g[0] * g[0] + g[1] * g[1]).squareRoot()
            let scale = Swift.min(1, 1 / (norm + 1e-6))
            w = [w[0] - 0.1 * factor * g[0] * scale, w[1] - 0.1 * factor * g[1] * scale]
        }
        expectClose(model.w.value.scalars, w, absolute: 1e-6)
        #expect(state.globalStep == 4 && state.completedEpochs == 2)
        let rates = observer.events.compactMap { if case .stepFinished(let s) = $0 { s.learningRate } else { nil } }
        expectClose(rates, [0.1, 0.1, 0.2 / 3, 0.1 / 3], absolute: 1e-7)
    }

    @Test func withoutClippingTheFullGradientIsApplied() throws {
        let model = VectorModel([0, 0])
        let loop = TrainingLoop(optimizer: SGD(parameters: model.parameters, learningRate: 0.5), epochs: 1)
        var procedure = QuadraticProcedure(model: model, targets: [[1, -2]])
        var state = QuadraticState()
        try loop.run(&procedure, state: &state)
        #expect(model.w.value.scalars == [0.5, -1])
    }

    @Test func observerHearsEveryEventInOrder() throws {
        let model = VectorModel([0, 0])
        let observer = RecordingObserver()
        let loop = TrainingLoop(optimizer: SGD(parameters: model.parameters, learningRate: 0.1), epochs: 3,
                                observer: observer)
        var procedure = QuadraticProcedure(model: model, targets: Self.targets)
        var state = QuadraticState()
        try loop.run(&procedure, state: &state, stoppingAfterEpoch: 1)
        try loop.run(&procedure, state: &state, stoppingAfterEpoch: 2)
        #expect(observer.outline == [
            "began 1/3 (2 steps)", "step 1/2 (global 1)", "step 2/2 (global 2)", "ended 1",
            "message resuming after epoch 1 (step 2)",
            "began 2/3 (2 steps)", "step 1/2 (global 3)", "step 2/2 (global 4)", "ended 2",
        ])
        guard case .epochEnded(let summary) = observer.events.last else { Issue.record("no summary last"); return }
        #expect(summary.epoch == 2 && summary.epochs == 3 && summary.line == "epoch 2")
        #expect(summary.loss == state.history[1].trainingLoss && summary.seconds == state.history[1].seconds)
        #expect(summary.isBest && summary.score == nil && !summary.stopsEarly)
    }

    @Test func noDataRunsNoEpoch() throws {
        let model = VectorModel([0, 0])
        let observer = RecordingObserver()
        let loop = TrainingLoop(optimizer: SGD(parameters: model.parameters, learningRate: 0.1), epochs: 3,
                                observer: observer)
        var procedure = QuadraticProcedure(model: model, targets: [])
        var state = QuadraticState()
        #expect(try loop.run(&procedure, state: &state).isEmpty)
        #expect(observer.events.isEmpty && state.completedEpochs == 0)
    }

    @Test func earlyStoppingFollowsTheScoreAndKeepsTheBestCheckpoint() throws {
        let root = temporaryFolder("loop-early")
        defer { try? FileManager.default.removeItem(at: root) }
        let model = VectorModel([0, 0])
        let observer = RecordingObserver()
        let plan = TrainingCheckpointPlan(directory: root.appendingPathComponent("run"), layout: .bestAndLast,
                                          module: model, config: VectorModel.config, vocabulary: nil)
        let loop = TrainingLoop(optimizer: SGD(parameters: model.parameters, learningRate: 0.1), epochs: 6,
                                patience: 2, checkpoint: plan, observer: observer)
        var procedure = QuadraticProcedure(model: model, targets: Self.targets, scores: [0.5, 0.7, 0.6, 0.7, 0.9, 1])
        var state = QuadraticState()
        let records = try loop.run(&procedure, state: &state)
        #expect(records.map(\.epoch) == [1, 2, 3, 4])
        #expect(state.earlyStopping == EarlyStoppingProgress(bestEpoch: 2, bestScore: 0.7, epochsWithoutImprovement: 2,
                                                              stoppedEarly: true))
        let summaries = observer.events.compactMap { if case .epochEnded(let s) = $0 { s } else { nil } }
        #expect(summaries.map(\.isBest) == [true, true, false, false])
        #expect(summaries.map(\.stopsEarly) == [false, false, false, true])
        #expect(summaries.map(\.line) == ["epoch 1 best", "epoch 2 best", "epoch 3", "epoch 4 stop"])
        let best = try TrainingCheckpoint.readState(QuadraticState.self, from: plan.bestFolder)
        #expect(best.completedEpochs == 2)
        #expect(try TrainingCheckpoint.readState(QuadraticState.self, from: plan.lastFolder).completedEpochs == 4)
        // A finished run does not start again.
        #expect(try loop.run(&procedure, state: &state).isEmpty)
    }

    @Test func patienceDoesNotStopAtTheLastEpochOrWithoutAScore() throws {
        let model = VectorModel([0, 0])
        // Patience 1: the last planned epoch does not improve, but there is nothing left to stop.
        var state = QuadraticState()
        let loop = TrainingLoop(optimizer: SGD(parameters: model.parameters, learningRate: 0.1), epochs: 2, patience: 1)
        var scored = QuadraticProcedure(model: model, targets: Self.targets, scores: [0.5, 0.4])
        #expect(try loop.run(&scored, state: &state).count == 2)
        #expect(!state.earlyStopping.stoppedEarly && state.earlyStopping.epochsWithoutImprovement == 1)
        // Patience 0 stops after any epoch with a score — and never without one.
        var eager = QuadraticState()
        var again = QuadraticProcedure(model: model, targets: Self.targets, scores: [0.5, 0.6, 0.7])
        let zero = TrainingLoop(optimizer: SGD(parameters: model.parameters, learningRate: 0.1), epochs: 3, patience: 0)
        #expect(try zero.run(&again, state: &eager).count == 1)
        var unscored = QuadraticProcedure(model: model, targets: Self.targets)
        var fresh = QuadraticState()
        #expect(try zero.run(&unscored, state: &fresh).count == 3)
        #expect(!fresh.earlyStopping.stoppedEarly && fresh.earlyStopping.bestEpoch == 3)
    }

    /// Two epochs, a checkpoint, a fresh model and optimizer restored from `last/`, two more epochs:
    /// the same weights, steps and losses as four epochs in one go (Adam state, schedule position
    /// and the per-epoch batch order all carry over).
    @Test func resumeFromACheckpointMatchesAnUninterruptedRun() throws {
        let root = temporaryFolder("loop-resume")
        defer { try? FileManager.default.removeItem(at: root) }
        let targets: [[Float]] = [[1, -2], [3, 0.5], [-1, 1], [0.5, 2], [2, 2]]
        func loop(for model: VectorModel, optimizer: Optimizer, folder: String) -> TrainingLoop {
            TrainingLoop(optimizer: optimizer, epochs: 4, learningRate: 0.05,
                         learningRateSchedule: .linearDecay(warmupSteps: 3), gradientClipNorm: 2,
                         checkpoint: TrainingCheckpointPlan(directory: root.appendingPathComponent(folder),
                                                            layout: .bestAndLast, module: model,
                                                            config: VectorModel.config, vocabulary: nil))
        }
        let start: [Float] = [0.2, -0.1]
        let whole = VectorModel(start)
        var wholeProcedure = QuadraticProcedure(model: whole, targets: targets, shuffles: true, seed: 7)
        var wholeState = QuadraticState()
        try loop(for: whole, optimizer: Adam(parameters: whole.parameters), folder: "whole")
            .run(&wholeProcedure, state: &wholeState)

        let first = VectorModel(start)
        var firstProcedure = QuadraticProcedure(model: first, targets: targets, shuffles: true, seed: 7)
        var firstState = QuadraticState()
        try loop(for: first, optimizer: Adam(parameters: first.parameters), folder: "parts")
            .run(&firstProcedure, state: &firstState, stoppingAfterEpoch: 2)

        let resumed = VectorModel([9, 9])
        let last = root.appendingPathComponent("parts").appendingPathComponent(TrainingCheckpoint.lastFolderName)
        try Checkpoint.load(from: last).assign(to: resumed)
        let optimizer = Adam(parameters: resumed.parameters)
        var resumedState = try TrainingLoop.restoreState(QuadraticState.self, optimizer: optimizer, from: last)
        #expect(resumedState.completedEpochs == 2 && resumedState.globalStep == 10)
        var resumedProcedure = QuadraticProcedure(model: resumed, targets: targets, shuffles: true, seed: 7)
        let rest = try loop(for: resumed, optimizer: optimizer, folder: "parts").run(&resumedProcedure, state: &resumedState)
        #expect(rest.map(\.epoch) == [3, 4])
        #expect(resumed.w.value.scalars == whole.w.value.scalars)
        #expect(resumedState.globalStep == wholeState.globalStep)
        #expect(resumedState.history.map(\.trainingLoss) == wholeState.history.map(\.trainingLoss))
    }

    @Test func restoringRejectsOptimizerStateOfAnotherModel() throws {
        let root = temporaryFolder("loop-restore")
        defer { try? FileManager.default.removeItem(at: root) }
        let model = VectorModel([0, 0])
        let plan = TrainingCheckpointPlan(directory: root, layout: .bestAndLast, module: model,
                                          config: VectorModel.config, vocabulary: nil)
        var procedure = QuadraticProcedure(model: model, targets: Self.targets)
        var state = QuadraticState()
        try TrainingLoop(optimizer: Adam(parameters: model.parameters), epochs: 1, checkpoint: plan)
            .run(&procedure, state: &state)
        let other = Parameter(name: "v", value: Tensor([1, 2]))
        #expect(throws: CheckpointError.self) {
            _ = try TrainingLoop.restoreState(QuadraticState.self, optimizer: Adam(parameters: [other]),
                                              from: plan.lastFolder)
        }
        #expect(throws: CheckpointError.self) {
            _ = try TrainingLoop.restoreState(QuadraticState.self, optimizer: Adam(parameters: model.parameters),
                                              from: root.appendingPathComponent("missing"))
        }
    }

    /// Every epoch's folders are complete when its summary arrives, and nothing temporary is left
    /// beside or inside them.
    @Test(arguments: [TrainingCheckpointPlan.Layout.bestAndLast, .latest])
    func checkpointsAreWrittenWholeWithoutTemporaryFiles(layout: TrainingCheckpointPlan.Layout) throws {
        let root = temporaryFolder("loop-atomic")
        defer { try? FileManager.default.removeItem(at: root) }
        let model = VectorModel([0, 0])
        let directory = root.appendingPathComponent("run")
        let plan = TrainingCheckpointPlan(directory: directory, layout: layout, module: model,
                                          config: VectorModel.config, vocabulary: Vocabulary.build(from: [["a"]], minimumCount: 1, maximumSize: 10).tokens)
        let stateFolder = layout == .latest ? directory : plan.lastFolder
        let observer = RecordingObserver()
        var seen: [Int] = []
        observer.onEvent = { event in
            guard case .epochEnded(let summary) = event,
                  let saved = try? TrainingCheckpoint.readState(QuadraticState.self, from: stateFolder) else { return }
            #expect(saved.completedEpochs == summary.epoch)
            seen.append(summary.epoch)
        }
        let loop = TrainingLoop(optimizer: Adam(parameters: model.parameters), epochs: 3, checkpoint: plan,
                                observer: observer)
        var procedure = QuadraticProcedure(model: model, targets: Self.targets)
        var state = QuadraticState()
        try loop.run(&procedure, state: &state)
        #expect(seen == [1, 2, 3])

        let fileManager = FileManager.default
        #expect(try fileManager.contentsOfDirectory(atPath: root.path) == ["run"])
        let modelFiles = ["config.json", "model.safetensors", "training.json", "vocab.txt"]
        switch layout {
        case .latest:
            #expect(try fileManager.contentsOfDirectory(atPath: directory.path).sorted() == modelFiles)
        case .bestAndLast:
            #expect(try fileManager.contentsOfDirectory(atPath: directory.path).sorted() == ["best", "last"])
            #expect(try fileManager.contentsOfDirectory(atPath: plan.bestFolder.path).sorted() == modelFiles)
            #expect(try fileManager.contentsOfDirectory(atPath: plan.lastFolder.path).sorted()
                    == (modelFiles + ["training-state.safetensors"]).sorted())
        }
        let reloaded = VectorModel([7, 7])
        try Checkpoint.load(from: stateFolder).assign(to: reloaded)
        #expect(reloaded.w.value.scalars == model.w.value.scalars)
    }
}
