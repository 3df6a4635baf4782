import Foundation
import LoupeTensor

/// The one training loop of LoupeNN: epochs of minibatch steps, each
///
///     learning rate ← base × schedule(step);  zero gradients;  loss ← forward (the procedure)
///     backward;  clip the gradient norm (optional);  optimizer step
///
/// followed per epoch by the procedure's record and held-out evaluation, early stopping,
/// checkpoints (``TrainingCheckpointPlan``) and an ``TrainingEvent/epochEnded(_:)`` event for the
/// observer. What is trained, on what and with which loss comes from a ``TrainingProcedure``;
/// the run's progress lives in a ``TrainingRunState`` the caller keeps, so a later call — or a
/// trainer resumed with ``restoreState(_:optimizer:from:)`` — continues after its last epoch.
///
/// ```swift
/// var loop = TrainingLoop(optimizer: Adam(parameters: model.parameters), epochs: 5)
/// loop.gradientClipNorm = 1
/// loop.observer = myObserver
/// let records = try loop.run(&procedure, state: &state)
/// ```
public struct TrainingLoop {
    /// The optimizer (its state carries over between calls).
    public var optimizer: Optimizer
    /// Epochs the run plans (a resumed run continues up to this one).
    public var epochs: Int
    /// The base learning rate, scaled by ``learningRateSchedule`` and set on the optimizer before
    /// every step.
    public var learningRate: Float
    public var learningRateSchedule: LearningRateSchedule
    /// Clip the total gradient norm to this before each step (`nil`: no clipping).
    public var gradientClipNorm: Float?
    /// Stop after this many epochs without a better held-out score (`nil`: never).
    public var patience: Int?
    /// Where and what to checkpoint after every epoch (`nil`: nothing is written).
    public var checkpoint: TrainingCheckpointPlan?
    /// Who hears about the run's progress (`nil`: nobody).
    public var observer: (any TrainingObserver)?
    /// Asked after every step (e.g. "did Ctrl-C arrive?"): when it answers true the loop stops
    /// there — writing the epoch in progress into the checkpoint plan's `interrupted/` folder when
    /// the procedure can resume mid-epoch (``TrainingProcedure/partialEpochState()``), else after
    /// the epoch — and throws ``TrainingInterrupted``. `nil`: never stops early.
    public var stopRequested: (() -> Bool)?

    /// A loop over `optimizer`'s parameters; `learningRate` defaults to the optimizer's current one.
    public init(optimizer: Optimizer, epochs: Int, learningRate: Float? = nil,
                learningRateSchedule: LearningRateSchedule = .constant, gradientClipNorm: Float? = nil,
                patience: Int? = nil, checkpoint: TrainingCheckpointPlan? = nil,
                observer: (any TrainingObserver)? = nil, stopRequested: (() -> Bool)? = nil) {
        self.optimizer = optimizer
        self.epochs = epochs
        self.learningRate = learningRate ?? optimizer.learningRate
        self.learningRateSchedule = learningRateSchedule
        self.gradientClipNorm = gradientClipNorm
        self.patience = patience
        self.checkpoint = checkpoint
        self.observer = observer
        self.stopRequested = stopRequested
    }

    /// Trains from epoch `state.completedEpochs + 1` up to ``epochs`` (or until early stopping,
    /// or until there is no data), updating `state` after every step and epoch.
    /// - Parameters:
    ///   - stoppingAfterEpoch: end this call after that epoch (training in stages, or simulating
    ///     an interruption); the schedule still plans for ``epochs``.
    /// - Returns: the records of the epochs run by this call.
    @discardableResult
    public func run<Procedure: TrainingProcedure, State: TrainingRunState>(
        _ procedure: inout Procedure, state: inout State, stoppingAfterEpoch: Int? = nil
    ) throws -> [Procedure.EpochRecord] where State.EpochRecord == Procedure.EpochRecord {
        let totalSteps = procedure.stepsPerEpoch * epochs
        var resumeAt = state.partialEpoch.flatMap { $0.epoch == state.completedEpochs + 1 ? $0 : nil }
        if let partial = resumeAt {
            observer?.observe(.message("resuming epoch \(partial.epoch) after its step \(partial.stepsDone) (step \(state.globalStep))"))
        } else if state.completedEpochs > 0 && state.completedEpochs < epochs {
            observer?.observe(.message("resuming after epoch \(state.completedEpochs) (step \(state.globalStep))"))
        }
        var records: [Procedure.EpochRecord] = []
        var epoch = state.completedEpochs + 1
        let lastEpoch = Swift.min(epochs, stoppingAfterEpoch ?? .max)
        var progress = state.earlyStopping
        if stopRequested?() == true { throw TrainingInterrupted(epoch: state.completedEpochs, step: nil, checkpoint: nil) }
        while epoch <= lastEpoch && !progress.stoppedEarly && procedure.stepsPerEpoch > 0 {
            let epochStart = DispatchTime.now().uptimeNanoseconds
            let outcome = try runEpoch(epoch, of: &procedure, totalSteps: totalSteps, globalStep: &state.globalStep,
                                       resumingAt: resumeAt)
            resumeAt = nil
            let context: TrainingEpochContext
            switch outcome {
            case .finished(let finished):
                context = finished
            case .stopped(let partial):
                state.partialEpoch = partial
                let folder = try checkpoint?.writeInterrupted(state: state, optimizer: optimizer, epoch: epoch)
                throw TrainingInterrupted(epoch: epoch, step: partial.stepsDone, checkpoint: folder)
            }
            state.partialEpoch = nil
            var record = try procedure.finishEpoch(context)
            let score = try procedure.evaluate(&record)
            let isBest = progress.record(score: score, epoch: epoch, patience: patience, lastEpoch: epochs)
            state.earlyStopping = progress
            state.completedEpochs = epoch
            record.seconds = Double(DispatchTime.now().uptimeNanoseconds - epochStart) / 1e9
            state.history.append(record)
            records.append(record)
            try checkpoint?.write(state: state, optimizer: optimizer, isBest: isBest, epoch: epoch)
            observer?.observe(.epochEnded(TrainingEpochSummary(
                epoch: epoch, epochs: epochs, loss: record.trainingLoss, score: score, isBest: isBest,
                stopsEarly: progress.stoppedEarly, seconds: record.seconds,
                line: procedure.summaryLine(for: record, isBest: isBest && score != nil,
                                            stopsEarly: progress.stoppedEarly))))
            if epoch < lastEpoch, !progress.stoppedEarly, stopRequested?() == true {
                throw TrainingInterrupted(epoch: epoch, step: nil, checkpoint: checkpoint?.resumeFolder)
            }
            epoch += 1
        }
        return records
    }

    /// How an epoch ended: all its steps, or stopped on request after some (with what a resumed
    /// run needs).
    private enum EpochOutcome {
        case finished(TrainingEpochContext)
        case stopped(PartialEpoch)
    }

    /// The steps of one epoch; returns what they measured.
    private func runEpoch<Procedure: TrainingProcedure>(_ epoch: Int, of procedure: inout Procedure, totalSteps: Int,
                                                        globalStep: inout Int,
                                                        resumingAt partial: PartialEpoch?) throws -> EpochOutcome {
        let batches = try procedure.beginEpoch(epoch)
        var first = 0
        if let partial {
            guard let data = partial.procedureState, (0...batches.count).contains(partial.stepsDone) else {
                throw CheckpointError(.invalidEntry, file: TrainingCheckpoint.stateFileName,
                                      "partialEpoch: step \(partial.stepsDone) of an epoch of \(batches.count) steps")
            }
            try procedure.restorePartialEpoch(data)
            first = partial.stepsDone
        }
        observer?.observe(.epochBegan(TrainingEpochStart(epoch: epoch, epochs: epochs, steps: batches.count)))
        var timing = TrainingTiming()
        var clock = TrainingClock()
        var rate = learningRate
        for (i, batch) in batches.enumerated() where i >= first {
            rate = learningRate * learningRateSchedule.factor(step: globalStep, totalSteps: totalSteps)
            optimizer.learningRate = rate
            optimizer.zeroGradients()
            timing.other += clock.lap()
            let loss = try procedure.loss(on: batch, step: globalStep)
            timing.forward += clock.lap()
            try loss.backward()
            timing.backward += clock.lap()
            if let clip = gradientClipNorm { clipGradientNorm(optimizer.parameters, maxNorm: clip) }
            optimizer.step()
            timing.optimizer += clock.lap()
            globalStep += 1
            let tally = procedure.recordStep(batch, loss: loss)
            observer?.observe(.stepFinished(TrainingStepReport(
                epoch: epoch, epochs: epochs, step: i + 1, steps: batches.count, globalStep: globalStep,
                loss: tally.loss, learningRate: rate, processed: tally.processed, unit: procedure.progressUnit)))
            timing.other += clock.lap()
            if i + 1 < batches.count, stopRequested?() == true, let state = try procedure.partialEpochState() {
                return .stopped(PartialEpoch(epoch: epoch, stepsDone: i + 1, procedureState: state))
            }
        }
        return .finished(TrainingEpochContext(epoch: epoch, steps: batches.count, learningRate: rate, timing: timing))
    }
}
